/// One input source of a pipeline.
package struct SourceConfig: Sendable, Equatable {
    package var name: String
    package var kind: SourceKind
    /// Reader format, e.g. `csv`.
    package var format: SourceFormat
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
    /// Surveys: who answered.
    package var respondent: Respondent? = nil
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
    /// Whether the records are also kept as text in `raw_<source>` (`keep_raw: true`), for
    /// querying the vendor's columns in SQL. Off by default: the archived inbox file is the
    /// raw layer. `kind: raw` sources always keep theirs (it is all they have).
    package var keepRaw: Bool = false

    /// Whether `raw_<source>` receives this source's records at extract: when it keeps them
    /// (`keep_raw: true`, or a `kind: raw` source, which has nothing else).
    package var storesRawRows: Bool { keepRaw || kind == .raw }

    /// Whether normalize maps the source's records onto canonical rows: every kind but
    /// `raw`. It reads them from the archived file (or the inbox file, when nothing is
    /// archived) in one streaming pass — tickets, rosters and customer events record by
    /// record, surveys (one response, many answers), ticket audits (nested events) and
    /// Stripe events through their own normalizers — and from `raw_<source>` only while a
    /// file's raw rows are there (`keep_raw`).
    package var isNormalized: Bool { kind != .raw }

    package init(
        name: String, kind: SourceKind, format: SourceFormat = .csv, inbox: String,
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
