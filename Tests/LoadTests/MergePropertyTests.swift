import AmbassadorCore
import PropertyBased
import TestSupport
import Testing
import Warehouse
@testable import Load

/// Properties of the merges over generated inputs (swift-property-based; a failure prints
/// the seed that reproduces it with `.fixedSeed`).
@Suite(.serialized)
struct MergePropertyTests {
    /// A ticket version drawn from one number: ticket 1–4, updated on day 1–28, one of four
    /// statuses, in one of three files.
    struct Version: Hashable {
        let ticket: Int, day: Int, status: String, file: Int

        init(_ code: Int) {
            ticket = code % 4 + 1
            day = code / 4 % 28 + 1
            status = ["new", "open", "pending", "solved"][code / 112 % 4]
            file = code / 448 % 3
        }

        var row: String {
            "\(ticket),2026-01-01T00:00:00Z,2026-02-\(day < 10 ? "0" : "")\(day)T12:00:00Z,\(status)"
        }
    }

    /// However the versions of tickets are spread over files and in whatever order the files
    /// arrive, `fact_ticket` holds each ticket's latest version (no two versions of a ticket
    /// share a time here; ties are the later line's, tested elsewhere).
    @Test func aMergeIgnoresTheOrderOfItsFiles() async throws {
        await propertyCheck(count: 40, input: Gen.int(in: 0...1343).array(of: 1...14), Gen.int(in: 0...1_000_000)) { codes, shuffleSeed in
            var seen = Set<[Int]>()
            let versions = codes.map(Version.init).filter { seen.insert([$0.ticket, $0.day]).inserted }
            // Independent of the merge: the latest version of each ticket, from the versions themselves.
            var latest: [Int: Version] = [:]
            for v in versions where latest[v.ticket].map({ v.day > $0.day }) ?? true { latest[v.ticket] = v }
            let expected = latest.keys.sorted().map { "\($0)|\(latest[$0]?.status ?? "")" }

            var files = Dictionary(grouping: versions, by: \.file).sorted { $0.key < $1.key }
            var random = SeededRandom(seed: UInt64(shuffleSeed))
            files.shuffle(using: &random)
            let harness = try StageHarness.load("property")
            for (file, rows) in files {
                try harness.stageTickets("tickets/f\(file).csv", rows.map(\.row))
                // Sometimes one file per load, sometimes all at once.
                if shuffleSeed % 2 == 0 { try harness.runLoad() }
            }
            try harness.runLoad()
            let loaded = try harness.rows("SELECT ticket_id, status FROM fact_ticket ORDER BY CAST(ticket_id AS INTEGER)")
            #expect(loaded == expected, "files in order \(files.map(\.key))")
        }
    }
}
