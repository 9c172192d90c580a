import AmbassadorCore
import TestSupport
import XCTest
@testable import Pipeline

final class ConfigLoaderTests: XCTestCase {
    private func load(_ yaml: String, environment: [String: String] = [:]) throws -> PipelineConfig {
        let path = TestSupport.temporaryDirectory() + "/p.yml"
        TestSupport.write(yaml, to: path)
        return try ConfigLoader(path: path, environment: environment).load()
    }

    private func configError(_ yaml: String, environment: [String: String] = [:]) -> (PipelineError, String)? {
        do {
            _ = try load(yaml, environment: environment)
            return nil
        } catch let error as PipelineError {
            return (error, "\(error)")
        } catch {
            return nil
        }
    }

    private let minimal = """
        warehouse: var/w.sqlite
        sources:
          tickets:
            kind: tickets
            inbox: in/*.csv
        """

    func testTheBundledPipelinesLoad() throws {
        let sample = try ConfigLoader(path: TestSupport.packageRoot + "/pipelines/sample.yml").load()
        XCTAssertEqual(sample.warehouse, TestSupport.packageRoot + "/var/warehouse.sqlite")
        XCTAssertEqual(sample.sources.map(\.name), ["roster", "tickets", "pulse", "csat", "relationship", "events"])
        XCTAssertEqual(sample.sources[0].inbox, TestSupport.packageRoot + "/samples/hr/*.csv")
        XCTAssertEqual(sample.report.outDir, TestSupport.packageRoot + "/out")
        let home = TestSupport.temporaryDirectory("home")
        let nightly = try ConfigLoader(path: TestSupport.packageRoot + "/pipelines/nightly.yml",
                                       environment: ["AMBASSADOR_INBOX": "/srv/inbox", "AMBASSADOR_HOME": home,
                                                     "AMBASSADOR_PSEUDONYM_KEY": "a secret of some length"]).load()
        XCTAssertEqual(nightly.warehouse, home + "/var/warehouse.sqlite")
        XCTAssertEqual(nightly.sources[1].inbox, "/srv/inbox/tickets/*.csv")
        XCTAssertEqual(nightly.timeZone, "UTC")
        XCTAssertEqual(nightly.privacy.pseudonymise, ["name", "email"], "pseudonymisation is on in production")
        XCTAssertEqual(nightly.validation.maxDaysAfterRunDate, 2)
    }

    func testRelativePathsFollowTheFileAndDefaultsApply() throws {
        let config = try load(minimal)
        let directory = (config.path as NSString).deletingLastPathComponent
        XCTAssertEqual(config.warehouse, directory + "/var/w.sqlite")
        XCTAssertEqual(config.rejectThreshold, 0.05)
        XCTAssertEqual(config.score, ScoreConfig())
        XCTAssertEqual(config.sources[0].encoding, "auto")
    }

    func testATypoInAKeyNamesTheKeyTheLineAndASuggestion() throws {
        let result = try XCTUnwrap(configError(minimal.replacingOccurrences(of: "sources:", with: "sorces:")))
        XCTAssertEqual(result.0.exitCode, 78)
        XCTAssertTrue(result.1.contains("p.yml:2:1: unknown key 'sorces' (did you mean 'sources'?) at 'sorces'"), result.1)
        let nested = try XCTUnwrap(configError(minimal + "\n    encodng: utf-8\n"))
        XCTAssertTrue(nested.1.contains(":6:5: unknown key 'encodng' (did you mean 'encoding'?) at 'sources.tickets.encodng'"), nested.1)
    }

    func testAPostgreSQLURLIsKeptAsGivenAndShownOnlyWithoutItsPassword() throws {
        let config = try load(minimal.replacingOccurrences(of: "var/w.sqlite", with: "postgresql://etl:s3cret@db.example/warehouse"))
        XCTAssertEqual(config.warehouse, "postgresql://etl:s3cret@db.example/warehouse", "libpq gets the URL as written")
        XCTAssertTrue(config.location.isPostgres)
        XCTAssertEqual(config.location.redacted, "postgresql://etl:***@db.example/warehouse")
        XCTAssertEqual(config.localDirectory, config.root + "/var", "the archive and run results live under the root")
        XCTAssertEqual(config.archiveDirectory, config.root + "/var/archive")
        let sqlite = try load(minimal)
        XCTAssertEqual(sqlite.localDirectory, sqlite.root + "/var", "beside the warehouse file")
        // Given on the command line, its report folder is under the root, never named after the URL.
        let path = sqlite.path
        let overridden = try ConfigLoader(path: path).load(warehouseOverride: "postgresql://etl:s3cret@db.example/warehouse")
        XCTAssertEqual(overridden.report.outDir, overridden.root + "/var/out")
        XCTAssertFalse(overridden.report.outDir.contains("s3cret"))
    }

    func testWrongValuesSayWhatWasExpected() throws {
        let cases: [(String, String)] = [
            (minimal.replacingOccurrences(of: "kind: tickets", with: "kind: ticket"), "unknown kind 'ticket' at 'sources.tickets.kind'; expected one of: hr_roster, tickets"),
            (minimal + "\nreject_threshold: 5\n", "5.0 is out of range at 'reject_threshold'"),
            (minimal + "\ntimezone: Mars/Base\n", "unknown time zone 'Mars/Base'"),
            (minimal + "\nscore:\n  period: fortnight\n", "unknown period 'fortnight' at 'score.period'"),
            (minimal + "\n    fields:\n      ticket: Number\n", "unknown canonical field 'ticket' (did you mean 'ticket_id'?)"),
            (minimal.replacingOccurrences(of: "warehouse: var/w.sqlite\n", with: ""), "missing key at 'warehouse'"),
            ("warehouse: [unclosed\n", "YAML syntax error"),
            (minimal.replacingOccurrences(of: "tickets:", with: "Tickets-2:"), "invalid source name 'Tickets-2'"),
            (minimal + "\nprivacy:\n  pseudonymise: [email]\n", "pseudonymise is set but no key is given at 'privacy'"),
            (minimal + "\nprivacy:\n  pseudonymise: [shoe_size]\n  key_env: K\n", "unknown canonical field 'shoe_size'"),
            (minimal + "\nprivacy:\n  pseudonymise: [email]\n  key_env: NOT_SET_ANYWHERE\n", "environment variable NOT_SET_ANYWHERE is not set or shorter than 16 bytes"),
            (minimal + "\nvalidation:\n  earliest_date: 2001-13-01\n", "'2001-13-01' is not a date at 'validation.earliest_date'"),
            (minimal + "\n  hr:\n    kind: hr_roster\n    inbox: hr/*.csv\n    ticket_id_prefix: x-\n",
             "p.yml:9:23: not a key of a hr_roster source at 'sources.hr.ticket_id_prefix'; expected ticket_id_prefix only on tickets"),
            (minimal + "\nvalidation:\n  ranges: { reasignments: [0, 9] }\n",
             "'reasignments' is not a numeric canonical field (did you mean 'reassignments'?) at 'validation.ranges.reasignments'"),
            (minimal + "\nvalidation:\n  answer_ranges: { Q1: [10, 0] }\n", "the low end 10.0 is above the high end 0.0 at 'validation.answer_ranges.Q1'"),
            (minimal + "\nvalidation:\n  answer_ranges: { Q1: 5 }\n", "not a range at 'validation.answer_ranges.Q1'; expected [low, high]"),
            (minimal + "\nvalidation:\n  accepted: { status: open }\n", "not a list of values at 'validation.accepted.status'"),
            (minimal + "\nvalidation:\n  accepted: { colour: [red] }\n", "unknown canonical field 'colour' at 'validation.accepted.colour'"),
            (minimal + "\n    ticket_id_prefix: 'f d'\n", "'f d' has white space or is longer than 32 bytes at 'sources.tickets.ticket_id_prefix'"),
            (minimal + "\n    keep_raw: sometimes\n", "'sometimes' is not true or false at 'sources.tickets.keep_raw'; expected keep_raw: true or keep_raw: false"),
            (minimal.replacingOccurrences(of: "kind: tickets", with: "kind: raw") + "\n    keep_raw: false\n",
             "a raw source's records are all it keeps at 'sources.tickets.keep_raw'"),
        ]
        for (yaml, expected) in cases {
            let result = try XCTUnwrap(configError(yaml), expected)
            XCTAssertTrue(result.1.contains(expected), "\(result.1)\n  should contain: \(expected)")
            XCTAssertEqual(result.0.exitCode, 78)
            XCTAssertFalse(result.1.contains("s3cret"), "a password never reaches a message")
        }
    }

    /// `keep_raw` is off unless asked for; a raw source always keeps its records; the
    /// archive sits beside the warehouse.
    func testKeepRawDefaultsAndTheArchiveFolder() throws {
        let plain = try load(minimal)
        XCTAssertEqual(plain.sources.first?.keepRaw, false)
        XCTAssertEqual(plain.sources.first?.storesRawRows, false)
        XCTAssertEqual(plain.archiveDirectory, plain.root + "/var/archive")
        let kept = try load(minimal + "\n    keep_raw: true\n")
        XCTAssertEqual(kept.sources.first?.storesRawRows, true)
        let raw = try load(minimal.replacingOccurrences(of: "kind: tickets", with: "kind: raw"))
        XCTAssertEqual(raw.sources.first?.storesRawRows, true)
        let survey = try load(minimal.replacingOccurrences(of: "kind: tickets", with: "kind: survey\n    respondent: customer"))
        XCTAssertEqual(survey.sources.first?.storesRawRows, false, "a survey is normalized from the archived file too")
    }

    /// Under pseudonymisation no source may keep the vendor's columns as exported: the
    /// records would be written with names and e-mails in clear before any hashing.
    func testPseudonymisationRefusesASourceThatKeepsRawRows() throws {
        let privacy = "\nprivacy:\n  pseudonymise: [email]\n  key_env: K\n"
        let environment = ["K": "sixteen bytes or more"]
        XCTAssertEqual(try load(minimal + privacy, environment: environment).sources.first?.storesRawRows, false)
        for (yaml, why) in [(minimal + "\n    keep_raw: true\n" + privacy, "has keep_raw: true"),
                            (minimal.replacingOccurrences(of: "kind: tickets", with: "kind: raw") + privacy, "is kind: raw")] {
            let (error, message) = try XCTUnwrap(configError(yaml, environment: environment))
            XCTAssertEqual(error.exitCode, 78)
            XCTAssertTrue(message.contains("source 'tickets' \(why)") && message.contains("privacy.pseudonymise")
                          && message.contains("in clear") && message.contains("p.yml:"), message)
        }
    }

    func testEnvironmentVariablesAndTheirDefaults() throws {
        let yaml = minimal.replacingOccurrences(of: "in/*.csv", with: "${INBOX}/*.csv") + "\ntimezone: ${TZ_NAME:-Europe/Berlin}\ninbox_roots:\n  - ${INBOX:-/nowhere}\n"
        let config = try load(yaml, environment: ["INBOX": "/data/in"])
        XCTAssertEqual(config.sources[0].inbox, "/data/in/*.csv")
        XCTAssertEqual(config.timeZone, "Europe/Berlin")
        let missing = try XCTUnwrap(configError(yaml))
        XCTAssertTrue(missing.1.contains("environment variable INBOX is not set at 'sources.tickets.inbox'"), missing.1)
    }

    /// Issue 15.3: an inbox glob stays inside the pipeline's root or a directory listed under
    /// `inbox_roots`.
    func testAnInboxGlobOutsideTheRootIsAConfigurationError() throws {
        let escaping = minimal.replacingOccurrences(of: "inbox: in/*.csv", with: "inbox: ../../../../../../../../../etc/*")
        let (error, message) = try XCTUnwrap(configError(escaping))
        XCTAssertEqual(error.exitCode, 78)
        XCTAssertTrue(message.contains(":5:") && message.contains("sources.tickets.inbox") && message.contains("/etc/*")
                      && message.contains("inbox_roots"), message)
        XCTAssertNotNil(configError(minimal.replacingOccurrences(of: "inbox: in/*.csv", with: "inbox: /tmp/x*/a.csv")))
        // Listed under inbox_roots, the same directory is allowed; so is anything under root.
        let allowed = try load("inbox_roots: [/etc]\n" + escaping)
        XCTAssertEqual(allowed.sources[0].inbox, "/etc/*")
        XCTAssertEqual(allowed.inboxRoots, ["/etc"])
        XCTAssertNoThrow(try load(minimal.replacingOccurrences(of: "inbox: in/*.csv", with: "inbox: in/../other/*.csv")))
    }

    /// Issue 15.5: a root that does not exist, a directory or a device as the warehouse, and a
    /// source name with a trailing line break are configuration errors (exit 78), not exit 1
    /// or 66 after writing beside a device.
    func testImpossibleRootsWarehousesAndSourceNamesAreConfigurationErrors() throws {
        let missingHome = try XCTUnwrap(configError("root: ${HOME_DIR}\n" + minimal, environment: ["HOME_DIR": "/nonexistent/ambassador-home"]))
        XCTAssertEqual(missingHome.0.exitCode, 78)
        XCTAssertTrue(missingHome.1.contains("root directory '/nonexistent/ambassador-home' does not exist"), missingHome.1)
        let directory = TestSupport.temporaryDirectory()
        let asDirectory = try XCTUnwrap(configError(minimal.replacingOccurrences(of: "var/w.sqlite", with: directory)))
        XCTAssertEqual(asDirectory.0.exitCode, 78)
        XCTAssertTrue(asDirectory.1.contains("is a directory"), asDirectory.1)
        let device = try XCTUnwrap(configError(minimal.replacingOccurrences(of: "var/w.sqlite", with: "/dev/full")))
        XCTAssertTrue(device.1.contains("'/dev/full' is not a regular file"), device.1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/dev/full-journal"))
        let newline = try XCTUnwrap(configError(minimal.replacingOccurrences(of: "  tickets:\n", with: "  \"evil\\n\":\n")))
        XCTAssertEqual(newline.0.exitCode, 78)
        XCTAssertTrue(newline.1.contains("invalid source name 'evil\\n'"), newline.1)
    }
}

extension ConfigLoaderTests {
    /// `decimal_separator` under a source is read; anything but `.` or `,` is refused saying
    /// what it does (the staged amounts are NormalizeTests' RowNormalizerTests).
    func testDecimalSeparatorIsReadPerSourceAndAnythingElseIsRefused() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("""
            warehouse: w.sqlite
            sources:
              de: {kind: customer_events, inbox: de/*.csv, decimal_separator: ','}
              plain: {kind: customer_events, inbox: plain/*.csv}
            """, to: directory + "/p.yml")
        let config = try ConfigLoader(path: directory + "/p.yml").load()
        XCTAssertEqual(config.source(named: "de")?.decimalSeparator, ",")
        XCTAssertEqual(config.source(named: "plain")?.decimalSeparator, ".")
        TestSupport.write("warehouse: w.sqlite\ndecimal_separator: ';'\nsources:\n  e: {kind: customer_events, inbox: de/*.csv}\n", to: directory + "/bad.yml")
        XCTAssertThrowsError(try ConfigLoader(path: directory + "/bad.yml").load()) { error in
            XCTAssertTrue("\(error)".contains("decimal_separator") && "\(error)".contains("1.234,50"), "\(error)")
        }
    }
}
