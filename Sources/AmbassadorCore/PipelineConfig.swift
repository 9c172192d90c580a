/// The parsed, validated contents of a `pipelines/*.yml` file.
///
/// Plain values only: parsing and validation live in the `Pipeline` module, so every stage
/// can read its settings without depending on YAML.
package struct PipelineConfig: Sendable, Equatable {
    /// The pipeline file this was read from (for messages).
    package var path: String
    /// Directory that relative paths in the file are resolved against.
    package var root: String
    /// Absolute path of the SQLite warehouse file.
    package var warehouse: String
    /// IANA time zone used for timestamps that carry no offset.
    package var timeZone: String
    /// Share of rejected rows above which a file is not loaded (0...1).
    package var rejectThreshold: Double
    /// Sources in the order the file lists them.
    package var sources: [SourceConfig]
    package var score: ScoreConfig
    package var report: ReportConfig
    package var privacy: PrivacyConfig = PrivacyConfig()
    package var validation: ValidationConfig = ValidationConfig()
    /// Directories besides `root` that inbox globs may reach (`inbox_roots:`), absolute.
    package var inboxRoots: [String] = []

    /// How the manifest names an inbox file: its path relative to `root` when it lies inside
    /// (so moving the project folder keeps every file known), else its absolute path.
    package func manifestPath(_ absolute: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }

    /// The absolute path of a manifest path (for messages and reading the file).
    package func absolutePath(manifest path: String) -> String {
        path.hasPrefix("/") ? path : (root.hasSuffix("/") ? root : root + "/") + path
    }

    /// Where inbox files may be: `root` and `inbox_roots`. A glob reaching elsewhere is a
    /// configuration error; a matched file whose real path (symbolic links followed) lies
    /// elsewhere is refused.
    package var allowedInboxRoots: [String] { [root] + inboxRoots }

    package init(
        path: String, root: String, warehouse: String, timeZone: String = "UTC",
        rejectThreshold: Double = 0.05, sources: [SourceConfig], score: ScoreConfig = ScoreConfig(),
        report: ReportConfig
    ) {
        self.path = path
        self.root = root
        self.warehouse = warehouse
        self.timeZone = timeZone
        self.rejectThreshold = rejectThreshold
        self.sources = sources
        self.score = score
        self.report = report
    }

    /// The source called `name`, if the file defines one.
    package func source(named name: String) -> SourceConfig? {
        sources.first { $0.name == name }
    }
}

/// What a source holds; decides which canonical entity normalize maps it to.
package enum SourceKind: String, Sendable, CaseIterable {
    case hrRoster = "hr_roster"
    case tickets = "tickets"
    /// An account/CRM feed: customer, event (renewal, purchase, cancellation, referral), date, amount.
    case customerEvents = "customer_events"
    /// A ticket event log: ticket, time, event (assigned, agent_message, solved, reopened, …), actor.
    case ticketEvents = "ticket_events"
    /// Survey responses: customer (transactional, relationship) or employee (pulse).
    case survey = "survey"
    /// Extracted into `raw_<source>` only: no canonical mapping (yet) — e.g. surveys and
    /// event logs until their stages exist. Normalize leaves such files alone.
    case raw = "raw"
}

/// How a file's partition date is found.
package enum PartitionRule: Sendable, Equatable {
    /// The first `YYYY-MM-DD` (or `YYYYMMDD`) in the file name.
    case fileName
    /// The value of this column in the first record.
    case column(String)
    /// The run date of the run that first extracted the file (a roster export with no date of
    /// its own: the snapshot is the day it was loaded; a backfill keeps that day).
    case runDate
    /// The file has no partition date.
    case none
}

/// One input source of a pipeline.
/// dbt's source freshness, in days: past `warnAfterDays` the run warns, past
/// `errorAfterDays` the check fails at error severity and the run exits 65.
package struct Freshness: Sendable, Equatable {
    package var warnAfterDays: Int?
    package var errorAfterDays: Int?

    package init(warnAfterDays: Int? = nil, errorAfterDays: Int? = nil) {
        self.warnAfterDays = warnAfterDays
        self.errorAfterDays = errorAfterDays
    }
}

package struct SourceConfig: Sendable, Equatable {
    package var name: String
    package var kind: SourceKind
    /// Reader format, e.g. `csv`.
    package var format: String
    /// Absolute glob pattern of the inbox files.
    package var inbox: String
    /// Text encoding: `auto`, `utf-8`, `utf-16`, `windows-1252`, `latin-1`.
    package var encoding: String
    /// Field delimiter; `nil` sniffs it from the header line.
    package var delimiter: UInt8?
    /// XML record element or JSON records key (ServiceNow: the table kept); `nil` detects.
    package var record: String?
    package var partition: PartitionRule
    /// canonical field → source column, overriding the built-in aliases.
    package var fields: [String: String]
    /// canonical field → (source value → canonical value).
    package var values: [String: [String: String]]
    /// Values that mean "no value" for every field of this source.
    package var nullValues: [String]
    /// Surveys: who answered (`customer` or `employee`).
    package var respondent: String? = nil
    /// Surveys: glob patterns of the item columns (`Q*`); empty detects them.
    package var items: [String] = []
    /// The zone of this source's naive timestamps (`timezone:` under the source), when it
    /// differs from the pipeline's; a zone the export itself names (Qualtrics) wins over both.
    package var timeZone: String? = nil
    /// The decimal separator of the source's numbers, `.` (default) or `,` (`1.234,50`).
    package var decimalSeparator: Character = "."
    /// Prepended to every ticket id this source names (its tickets, ticket events or the
    /// ticket a survey response is about), so that two ticketing systems whose ids overlap
    /// (both start at 1) keep their tickets apart in `fact_ticket`. Empty: ids as exported.
    package var ticketIDPrefix: String = ""
    /// How old the newest loaded partition may be (`freshness:` under the source), judged
    /// against the run date by the data checks; nil checks nothing.
    package var freshness: Freshness? = nil

    package init(
        name: String, kind: SourceKind, format: String = "csv", inbox: String,
        encoding: String = "auto", delimiter: UInt8? = nil, record: String? = nil, partition: PartitionRule = .fileName,
        fields: [String: String] = [:], values: [String: [String: String]] = [:],
        // `-` is Zendesk's "none" in its exports (a priority or group not set).
        nullValues: [String] = ["", "NULL", "null", "N/A", "n/a", "?", "-"]
    ) {
        self.name = name
        self.kind = kind
        self.format = format
        self.inbox = inbox
        self.encoding = encoding
        self.delimiter = delimiter
        self.record = record
        self.partition = partition
        self.fields = fields
        self.values = values
        self.nullValues = nullValues
    }
}

/// Scoring settings (SCORING.md); defaults are the specification's.
package struct ScoreConfig: Sendable, Equatable {
    /// What scores are kept by: `month` or `quarter`.
    package var period: ScorePeriod = .month
    package var anonymityThreshold: Int = 5
    /// Pseudo-tickets used to shrink an agent's rate toward the team mean.
    package var shrinkagePseudoTickets: Double = 20
    /// Wild cluster bootstrap draws (at least 999 for reported results) and their seed.
    package var bootstrapDraws: Int = 999
    package var seed: UInt64 = 20_120_101
    /// The employee pulse survey source; nil means the first survey source with employee respondents.
    package var pulseSource: String? = nil
    /// The relationship (advocacy) survey source; nil means every customer survey source whose
    /// responses are not tied to tickets.
    package var relationshipSource: String? = nil
    /// Pulse items per leg (company, value proposition, customer); nil means the pulse
    /// source's first nine items in file order, three per leg, as the instrument orders them.
    package var legs: [String: [String]]? = nil
    /// Customer-survey items: satisfaction, effort, NPS and the agent items (CX_EMP). Nil
    /// entries are found by the item's question text.
    package var surveyItems: [String: [String]] = [:]
    /// Outcome windows in days (SCORING.md §2).
    package var windows: [String: Int] = ScoreConfig.defaultWindows
    /// Exposure: behaviour in the `exposureDays` before a wave closes; outcome tickets opened
    /// from `outcomeLagDays` to `outcomeMonths` months after it.
    package var exposureDays: Int = 90
    package var outcomeLagDays: Int = 7
    package var outcomeMonths: Int = 6
    /// Where to write each linkage model's rows as CSV (`score --export-designs`); not a setting of the scores.
    package var exportDesigns: String? = nil

    /// Every outcome's default window by name (the keys `score.windows` accepts).
    package static let defaultWindows = Dictionary(uniqueKeysWithValues: Outcome.allCases.map { ($0.rawValue, $0.defaultWindowDays) })

    /// The window of `outcome` in days: the setting, else its default.
    package func window(for outcome: Outcome) -> Int {
        windows[outcome.rawValue] ?? outcome.defaultWindowDays
    }
    package static let legNames = ["company", "value_proposition", "customer"]
    package static let surveyItemRoles = ["csat", "effort", "nps", "cx_emp"]

    package init(period: ScorePeriod = .month, anonymityThreshold: Int = 5, shrinkagePseudoTickets: Double = 20) {
        self.period = period
        self.anonymityThreshold = anonymityThreshold
        self.shrinkagePseudoTickets = shrinkagePseudoTickets
    }

    /// Everything that changes a score, as one canonical line (hashed into `linkage_estimate`).
    package var fingerprint: String {
        let legText = (legs ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.joined(separator: "+"))" }.joined(separator: ";")
        let itemText = surveyItems.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.joined(separator: "+"))" }.joined(separator: ";")
        let windowText = windows.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ";")
        return "period=\(period)|k=\(anonymityThreshold)|shrink=\(shrinkagePseudoTickets)|draws=\(bootstrapDraws)|seed=\(seed)"
            + "|pulse=\(pulseSource ?? "auto")|relationship=\(relationshipSource ?? "auto")|legs=\(legText)|items=\(itemText)|windows=\(windowText)"
            + "|exposure=\(exposureDays)|lag=\(outcomeLagDays)|months=\(outcomeMonths)"
    }
}

/// Report settings.
package struct ReportConfig: Sendable, Equatable {
    /// Absolute directory the report files are written to.
    package var outDir: String
    package var title: String

    package init(outDir: String, title: String = "Ambassador report") {
        self.outDir = outDir
        self.title = title
    }
}

/// Pseudonymisation: canonical fields replaced by a keyed HMAC-SHA256 at normalize.
package struct PrivacyConfig: Sendable, Equatable {
    /// Canonical field names (`name`, `email`, …) to pseudonymise, in every source.
    package var pseudonymise: Set<String> = []
    /// The key, read from the environment or a key file; kept in memory only.
    package var key: [UInt8]? = nil
    /// Where the key came from, for messages (never the key itself).
    package var keySource: String = ""

    package init(pseudonymise: Set<String> = [], key: [UInt8]? = nil, keySource: String = "") {
        self.pseudonymise = pseudonymise
        self.key = key
        self.keySource = keySource
    }

    /// Never prints the key.
    package static func == (a: PrivacyConfig, b: PrivacyConfig) -> Bool {
        a.pseudonymise == b.pseudonymise && a.key == b.key
    }
}

/// Plausibility rules for dates and timestamps, checked at normalize.
package struct ValidationConfig: Sendable, Equatable {
    /// No date or timestamp may be before this (e.g. the company's founding).
    package var earliest: CivilDate? = nil
    /// Days after the run date a date may lie (clock skew, planned hires); nil: no limit for
    /// calendar dates, and `defaultEventDaysAfterRunDate` for timestamps and snapshot dates.
    package var maxDaysAfterRunDate: Int? = nil
    /// How far after the run date a timestamp or snapshot date may lie when no limit is set.
    package static let defaultEventDaysAfterRunDate = 2
    /// The largest share of the previous roster snapshot's employees a new snapshot may drop
    /// at once; a larger drop (a truncated export) is held back until confirmed.
    package var maxRosterDrop: Double = 0.2
    /// Numeric canonical field (`reassignments`, `reopens`, `amount`) → the values it may take.
    package var ranges: [String: ClosedRange<Double>] = [:]
    /// Survey item patterns (`Q1`, `Q3_*`) → the answers they may take, first match wins.
    package var answerRanges: [AnswerRange] = []
    /// Canonical text field → its accepted values (compared without case, after value maps).
    package var accepted: [String: [String]] = [:]

    /// The range of a survey item's answers.
    package struct AnswerRange: Sendable, Equatable {
        package var pattern: String
        package var range: ClosedRange<Double>

        package init(pattern: String, range: ClosedRange<Double>) {
            self.pattern = pattern
            self.range = range
        }
    }

    /// `1–5`, `0–10`, `0.5–2.5` (or `1 to 5` with `joiner: " to "`): a range as the reasons print it.
    package static func describe(_ range: ClosedRange<Double>, joiner: String = "–") -> String {
        func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x) }
        return number(range.lowerBound) + joiner + number(range.upperBound)
    }

    package init(earliest: CivilDate? = nil, maxDaysAfterRunDate: Int? = nil) {
        self.earliest = earliest
        self.maxDaysAfterRunDate = maxDaysAfterRunDate
    }
}
