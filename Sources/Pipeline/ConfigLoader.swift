import AmbassadorCore
import Foundation
import Extract
import Yams

/// Reads a pipeline file strictly: every key is known, every value has its type, and
/// every error names the file, line, column, key path and what was expected.
/// `${VAR}` and `${VAR:-default}` in values are replaced from the environment.
package struct ConfigLoader {
    private let path: String
    private let environment: [String: String]

    /// - Parameter environment: the variables `${VAR}` may use (the process environment by default).
    package init(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.path = path
        self.environment = environment
    }

    /// Loads and validates the file; `warehouseOverride` replaces its `warehouse` key.
    package func load(warehouseOverride: String? = nil) throws -> PipelineConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            // Say why (no such file, permission denied) and where a relative path was looked for.
            let reason = access(path, F_OK) != 0 ? "no such file" : access(path, R_OK) != 0 ? "permission denied" : "not a readable file"
            let place = path.hasPrefix("/") ? "" : " (looked for in \(FileManager.default.currentDirectoryPath))"
            throw PipelineError.config(path: path, line: nil, column: nil, key: "", message: "cannot read the pipeline file: \(reason)\(place)",
                                       expected: "a readable YAML file (see pipelines/sample.yml), given with --pipeline")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PipelineError.config(path: path, line: nil, column: nil, key: "", message: "the file is not UTF-8 text",
                                       expected: "a UTF-8 YAML file")
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw fail(nil, "", "the file is empty", "a mapping with 'warehouse' and 'sources'")
            }
            root = node
        } catch let error as YamlError {
            throw yamlError(error)
        }
        let top = try mapping(root, "", allowed: ["version", "root", "warehouse", "timezone", "reject_threshold", "sources", "score", "report",
                                                  "privacy", "validation", "decimal_separator", "inbox_roots"])
        if let version = top["version"] {
            guard try int(version, "version") == 1 else { throw fail(version, "version", "unsupported version", "1") }
        }
        let fileDirectory = (absolute(path, base: FileManager.default.currentDirectoryPath) as NSString).deletingLastPathComponent
        let rootDirectory = try top["root"].map { absolute(try string($0, "root"), base: fileDirectory) } ?? fileDirectory
        guard let warehouseNode = top["warehouse"] else {
            throw fail(root, "warehouse", "missing key", "the path of the SQLite warehouse file, e.g. var/warehouse.sqlite")
        }
        let warehouseText = try warehouseOverride ?? string(warehouseNode, "warehouse")
        // A PostgreSQL URL is kept as it is (libpq reads it); only its redacted form is ever shown.
        let location = WarehouseLocation(warehouseText)
        let warehouse = location.isPostgres
            ? warehouseText : absolute(warehouseText, base: warehouseOverride == nil ? rootDirectory : FileManager.default.currentDirectoryPath)
        var rootInfo = stat()
        guard stat(rootDirectory, &rootInfo) == 0, (rootInfo.st_mode & S_IFMT) == S_IFDIR else {
            throw fail(top["root"] ?? root, "root", "the root directory '\(rootDirectory)' does not exist",
                       "an existing directory (is the variable it names, e.g. AMBASSADOR_HOME, set to the right place?)")
        }
        // A warehouse is a regular file (or not yet there): not a directory, not a device
        // such as /dev/full (SQLite would create /dev/full-journal beside it).
        var info = stat()
        if !location.isPostgres, stat(warehouse, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            let what = (info.st_mode & S_IFMT) == S_IFDIR ? "a directory" : "not a regular file"
            throw fail(warehouseOverride == nil ? warehouseNode : nil, warehouseOverride == nil ? "warehouse" : "--warehouse",
                       "'\(warehouse)' is \(what)", "the path of a SQLite file (created when missing), e.g. var/warehouse.sqlite")
        }
        let timeZone = try top["timezone"].map { try string($0, "timezone") } ?? "UTC"
        if let node = top["timezone"], TimeZone(identifier: timeZone) == nil {
            throw fail(node, "timezone", "unknown time zone '\(timeZone)'", "an IANA name such as UTC or Europe/Berlin")
        }
        let threshold = try top["reject_threshold"].map { try number($0, "reject_threshold") } ?? 0.05
        if let node = top["reject_threshold"], !(0...1).contains(threshold) {
            throw fail(node, "reject_threshold", "\(threshold) is out of range", "a share between 0 and 1, e.g. 0.05")
        }
        guard let sourcesNode = top["sources"] else {
            throw fail(root, "sources", "missing key", "a mapping of source names to their settings")
        }
        let decimalSeparator = try top["decimal_separator"].map { try separator($0, "decimal_separator") } ?? "."
        var inboxRoots: [String] = []
        if let node = top["inbox_roots"] {
            guard case .sequence(let list) = node else {
                throw fail(node, "inbox_roots", "not a list", "a list of directories inbox globs may reach besides root, e.g. [/srv/exports]")
            }
            inboxRoots = try list.map { absolute(try string($0, "inbox_roots"), base: rootDirectory) }
        }
        let sources = try loadSources(sourcesNode, root: rootDirectory, inboxRoots: [rootDirectory] + inboxRoots,
                                      decimalSeparator: decimalSeparator)
        let score = try top["score"].map { try loadScore($0) } ?? ScoreConfig()
        var report = try loadReport(top["report"], root: rootDirectory)
        // Another warehouse (--warehouse) gets its own report folder beside it: a report of a
        // test or a copy must never replace the real out/.
        // For a PostgreSQL URL that is `var/out` under the root (never a folder named after the URL).
        if warehouseOverride != nil {
            report.outDir = location.isPostgres ? (rootDirectory.hasSuffix("/") ? rootDirectory : rootDirectory + "/") + "var/out"
                : (warehouse as NSString).deletingLastPathComponent + "/out"
        }
        var config = PipelineConfig(path: path, root: rootDirectory, warehouse: warehouse, timeZone: timeZone,
                                    rejectThreshold: threshold, sources: sources, score: score, report: report)
        config.inboxRoots = inboxRoots
        if let node = top["privacy"] {
            config.privacy = try loadPrivacy(node, root: rootDirectory)
            // Under pseudonymisation nothing clear may be written: a source that keeps the
            // vendor's columns as they are would write names and e-mails before any hashing.
            if !config.privacy.pseudonymise.isEmpty, let keeper = sources.first(where: { $0.storesRawRows }) {
                let why = keeper.kind == .raw ? "is kind: raw" : "has keep_raw: true"
                throw fail(node, "privacy.pseudonymise",
                           "source '\(keeper.name)' \(why): its records would be stored in raw_\(keeper.name) as exported, names and e-mails in clear",
                           "no kind: raw source and no keep_raw: true while privacy.pseudonymise is set (the inbox file stays the raw layer)")
            }
        }
        if let node = top["validation"] { config.validation = try loadValidation(node) }
        return config
    }

    private func loadPrivacy(_ node: Node, root: String) throws -> PrivacyConfig {
        let map = try mapping(node, "privacy", allowed: ["pseudonymise", "key_env", "key_file"])
        var privacy = PrivacyConfig()
        if let list = map["pseudonymise"] {
            guard case .sequence(let items) = list else {
                throw fail(list, "privacy.pseudonymise", "not a list", "a list of canonical fields, e.g. [name, email]")
            }
            let known = Set(canonicalFields(.hrRoster) + canonicalFields(.tickets))
            for item in items {
                let field = try string(item, "privacy.pseudonymise")
                guard known.contains(field) else {
                    throw fail(item, "privacy.pseudonymise", "unknown canonical field '\(field)'", "fields such as name, email, customer_id")
                }
                privacy.pseudonymise.insert(field)
            }
        }
        if let envNode = map["key_env"] {
            let name = try string(envNode, "privacy.key_env")
            guard let value = environment[name], value.utf8.count >= 16 else {
                throw fail(envNode, "privacy.key_env", "environment variable \(name) is not set or shorter than 16 bytes",
                           "a secret of at least 16 bytes in \(name) (it is never written anywhere)")
            }
            privacy.key = Array(value.utf8)
            privacy.keySource = "environment variable \(name)"
        } else if let fileNode = map["key_file"] {
            let file = absolute(try string(fileNode, "privacy.key_file"), base: root)
            guard let data = FileManager.default.contents(atPath: file), data.count >= 16 else {
                throw fail(fileNode, "privacy.key_file", "cannot read a key of at least 16 bytes from \(file)", "a readable key file")
            }
            privacy.key = [UInt8](data)
            privacy.keySource = "key file \(file)"
        }
        if !privacy.pseudonymise.isEmpty && privacy.key == nil {
            throw fail(node, "privacy", "pseudonymise is set but no key is given", "key_env: NAME or key_file: PATH")
        }
        return privacy
    }

    private func loadValidation(_ node: Node) throws -> ValidationConfig {
        let map = try mapping(node, "validation", allowed: ["earliest_date", "max_days_after_run_date", "max_roster_drop", "ranges", "answer_ranges", "accepted"])
        var validation = ValidationConfig()
        if let dateNode = map["earliest_date"] {
            let text = try string(dateNode, "validation.earliest_date")
            guard let date = CivilDate(iso: text) else {
                throw fail(dateNode, "validation.earliest_date", "'\(text)' is not a date", "YYYY-MM-DD, e.g. the company's founding date")
            }
            validation.earliest = date
        }
        if let daysNode = map["max_days_after_run_date"] {
            let days = try int(daysNode, "validation.max_days_after_run_date")
            guard days >= 0 else { throw fail(daysNode, "validation.max_days_after_run_date", "must not be negative", "a number of days ≥ 0") }
            validation.maxDaysAfterRunDate = days
        }
        if let node = map["max_roster_drop"] {
            let share = try number(node, "validation.max_roster_drop")
            guard (0...1).contains(share) else {
                throw fail(node, "validation.max_roster_drop", "\(share) is out of range", "a share between 0 and 1, e.g. 0.2")
            }
            validation.maxRosterDrop = share
        }
        if let node = map["ranges"] {
            let numeric = ["reassignments", "reopens", "amount"]
            for (name, rangeNode) in try mapping(node, "validation.ranges", allowed: nil).ordered {
                guard numeric.contains(name.value) else {
                    throw fail(name.node, "validation.ranges." + name.value, "'\(name.value)' is not a numeric canonical field\(suggestion(name.value, numeric))",
                               numeric.joined(separator: ", ") + " (survey answers go under validation.answer_ranges)")
                }
                validation.ranges[name.value] = try range(rangeNode, "validation.ranges." + name.value)
            }
        }
        if let node = map["answer_ranges"] {
            for (name, rangeNode) in try mapping(node, "validation.answer_ranges", allowed: nil).ordered {
                validation.answerRanges.append(.init(pattern: name.value, range: try range(rangeNode, "validation.answer_ranges." + name.value)))
            }
        }
        if let node = map["accepted"] {
            let known = Array(Set(SourceKind.allCases.flatMap(canonicalFields))).sorted()
            for (name, listNode) in try mapping(node, "validation.accepted", allowed: nil).ordered {
                let key = "validation.accepted." + name.value
                guard known.contains(name.value) else {
                    throw fail(name.node, key, "unknown canonical field '\(name.value)'\(suggestion(name.value, known))", "a canonical field such as status or priority")
                }
                guard case .sequence(let items) = listNode, !items.isEmpty else {
                    throw fail(listNode, key, "not a list of values", "the accepted values, e.g. [new, open, pending, solved, closed]")
                }
                validation.accepted[name.value] = try items.map { try string($0, key) }
            }
        }
        return validation
    }

    /// `[low, high]`: two numbers, low ≤ high.
    private func range(_ node: Node, _ key: String) throws -> ClosedRange<Double> {
        guard case .sequence(let bounds) = node, bounds.count == 2 else {
            throw fail(node, key, "not a range", "[low, high], e.g. [0, 10]")
        }
        let low = try number(bounds[0], key), high = try number(bounds[1], key)
        guard low <= high else { throw fail(node, key, "the low end \(low) is above the high end \(high)", "[low, high] with low ≤ high") }
        return low...high
    }

    // MARK: - Sections

    private func loadSources(_ node: Node, root: String, inboxRoots: [String], decimalSeparator: Character) throws -> [SourceConfig] {
        guard case .mapping(let map) = node else {
            throw fail(node, "sources", "not a mapping", "source names, each with kind, format and inbox")
        }
        var sources: [SourceConfig] = []
        var seen = Set<String>()
        for (keyNode, value) in map {
            let name = keyNode.string ?? ""
            let key = "sources.\(name)"
            // Checked byte by byte: a regular expression's `$` also matches before a final
            // line break, and `evil\n` named a table `raw_evil\n`.
            let bytes = Array(name.utf8)
            let valid = (1...63).contains(bytes.count) && (0x61...0x7A).contains(bytes[0])
                && bytes.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
            guard valid else {
                throw fail(keyNode, key, "invalid source name '\(LogText.escaped(name))'", "lower-case letters, digits and _ (it names the raw_<source> table)")
            }
            guard seen.insert(name).inserted else { throw fail(keyNode, key, "duplicate source", "each source once") }
            let fields = try mapping(value, key, allowed: ["kind", "format", "inbox", "encoding", "delimiter", "record", "partition", "fields", "values",
                                                           "null_values", "respondent", "items", "decimal_separator", "ticket_id_prefix", "timezone",
                                                           "freshness", "keep_raw"])
            guard let kindNode = fields["kind"] else { throw fail(value, key + ".kind", "missing key", SourceKind.allCases.map(\.rawValue).joined(separator: " or ")) }
            let kindText = try string(kindNode, key + ".kind")
            guard let kind = SourceKind(rawValue: kindText) else {
                throw fail(kindNode, key + ".kind", "unknown kind '\(kindText)'", "one of: " + SourceKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let formatText = try fields["format"].map { try string($0, key + ".format") } ?? SourceFormat.csv.rawValue
            guard let format = SourceFormat(rawValue: formatText) else {
                throw fail(fields["format"], key + ".format", "unknown format '\(formatText)'\(suggestion(formatText, SourceRegistry.formats))",
                           "one of: " + SourceRegistry.formats.joined(separator: ", "))
            }
            let record = try fields["record"].map { try string($0, key + ".record") }
            guard let inboxNode = fields["inbox"] else { throw fail(value, key + ".inbox", "missing key", "a glob of input files, e.g. samples/hr/*.csv") }
            let inbox = absolute(try string(inboxNode, key + ".inbox"), base: root)
            // The directory part before the first wildcard must lie inside an allowed root.
            let fixedPart = String(inbox.prefix { !"*?[".contains($0) })
            let base = fixedPart.hasSuffix("/") ? String(fixedPart.dropLast()) : (fixedPart as NSString).deletingLastPathComponent
            guard inboxRoots.contains(where: { base == $0 || base.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) else {
                throw fail(inboxNode, key + ".inbox", "'\(inbox)' reaches outside the pipeline's root (\(root))",
                           "a glob inside root, or its directory listed under inbox_roots")
            }
            let encoding = try fields["encoding"].map { try string($0, key + ".encoding") } ?? "auto"
            let encodings = ["auto", "utf-8", "utf-16", "utf-16le", "utf-16be", "windows-1252", "latin-1"]
            guard encodings.contains(encoding.lowercased()) else {
                throw fail(fields["encoding"], key + ".encoding", "unknown encoding '\(encoding)'", "one of: " + encodings.joined(separator: ", "))
            }
            var delimiter: UInt8? = nil
            if let node = fields["delimiter"] {
                let text = try string(node, key + ".delimiter")
                switch text {
                case "tab", "\\t", "\t": delimiter = UInt8(ascii: "\t")
                case "auto": delimiter = nil
                default:
                    guard text.utf8.count == 1, let byte = text.utf8.first, byte != UInt8(ascii: "\""), byte != 10, byte != 13 else {
                        throw fail(node, key + ".delimiter", "invalid delimiter '\(text)'", "one character such as ',' ';' '|', or 'tab' or 'auto'")
                    }
                    delimiter = byte
                }
            }
            var partition = PartitionRule.fileName
            if let node = fields["partition"] {
                let text = try string(node, key + ".partition")
                switch text {
                case "file_name": partition = .fileName
                case "none": partition = .none
                case "run_date": partition = .runDate
                default:
                    guard text.hasPrefix("column:"), text.count > 7 else {
                        throw fail(node, key + ".partition", "unknown rule '\(text)'", "file_name, run_date, none, or column:<header>")
                    }
                    partition = .column(String(text.dropFirst(7)))
                }
            }
            let canonical = canonicalFields(kind)
            var fieldMap: [String: String] = [:]
            if let node = fields["fields"] {
                for (name, column) in try stringMapping(node, key + ".fields") {
                    guard canonical.contains(name.value) else {
                        throw fail(name.node, key + ".fields." + name.value, "unknown canonical field '\(name.value)'\(suggestion(name.value, canonical))",
                                   "one of: " + canonical.joined(separator: ", "))
                    }
                    fieldMap[name.value] = column.value
                }
                if case .column(let column) = partition, kind == .hrRoster, fieldMap["snapshot_date"] == nil {
                    fieldMap["snapshot_date"] = column
                }
            } else if case .column(let column) = partition, kind == .hrRoster {
                fieldMap["snapshot_date"] = column
            }
            // A roster is a dated snapshot: with partition: none and no snapshot_date column
            // every row would be rejected, so say what works instead.
            if kind == .hrRoster, case .none = partition, fieldMap["snapshot_date"] == nil, let node = fields["partition"] {
                throw fail(node, key + ".partition", "a roster with partition: none has no snapshot date",
                           "partition: run_date (the snapshot is the day the file is loaded), file_name, or column:<header>; or fields.snapshot_date")
            }
            var values: [String: [String: String]] = [:]
            if let node = fields["values"] {
                let map = try mapping(node, key + ".values", allowed: nil)
                for (name, valueNode) in map.ordered {
                    guard canonical.contains(name.value) else {
                        throw fail(name.node, key + ".values." + name.value, "unknown canonical field '\(name.value)'\(suggestion(name.value, canonical))",
                                   "one of: " + canonical.joined(separator: ", "))
                    }
                    values[name.value] = Dictionary(try stringMapping(valueNode, key + ".values." + name.value).map { ($0.0.value, $0.1.value) },
                                                    uniquingKeysWith: { a, _ in a })
                }
            }
            var nullValues = SourceConfig(name: name, kind: kind, inbox: inbox).nullValues
            if let node = fields["null_values"] {
                guard case .sequence(let items) = node else {
                    throw fail(node, key + ".null_values", "not a list", "a list of strings, e.g. ['', 'NULL', 'N/A']")
                }
                nullValues = try items.map { try string($0, key + ".null_values") }
            }
            var source = SourceConfig(name: name, kind: kind, format: format, inbox: inbox, encoding: encoding,
                                      delimiter: delimiter, record: record, partition: partition, fields: fieldMap, values: values,
                                      nullValues: nullValues)
            source.decimalSeparator = try fields["decimal_separator"].map { try separator($0, key + ".decimal_separator") } ?? decimalSeparator
            if let node = fields["timezone"] {
                let zone = try string(node, key + ".timezone")
                guard TimeZone(identifier: zone) != nil else {
                    throw fail(node, key + ".timezone", "unknown time zone '\(zone)'", "an IANA name such as UTC or America/New_York")
                }
                source.timeZone = zone
            }
            if let node = fields["ticket_id_prefix"] {
                guard [.tickets, .ticketEvents, .survey].contains(kind) else {
                    throw fail(node, key + ".ticket_id_prefix", "not a key of a \(kind.rawValue) source", "ticket_id_prefix only on tickets, ticket_events and survey sources")
                }
                let prefix = try string(node, key + ".ticket_id_prefix")
                guard prefix.utf8.count <= 32, !prefix.contains(where: { $0.isWhitespace }) else {
                    throw fail(node, key + ".ticket_id_prefix", "'\(prefix)' has white space or is longer than 32 bytes", "a short tag such as 'fd-'")
                }
                source.ticketIDPrefix = prefix
            }
            if let node = fields["freshness"] {
                source.freshness = try freshness(node, key + ".freshness")
            }
            if let node = fields["keep_raw"] {
                let text = try string(node, key + ".keep_raw")
                switch text.lowercased() {
                case "true", "yes": source.keepRaw = true
                case "false", "no":
                    guard kind != .raw else {
                        throw fail(node, key + ".keep_raw", "a raw source's records are all it keeps", "keep_raw: true, or no keep_raw, on a kind: raw source")
                    }
                    source.keepRaw = false
                default: throw fail(node, key + ".keep_raw", "'\(text)' is not true or false", "keep_raw: true or keep_raw: false")
                }
            }
            if kind == .survey {
                guard let node = fields["respondent"] else {
                    throw fail(value, key + ".respondent", "missing key", "customer or employee (who answered this survey)")
                }
                let text = try string(node, key + ".respondent")
                guard let respondent = Respondent(rawValue: text) else {
                    throw fail(node, key + ".respondent", "unknown respondent '\(text)'", "customer or employee")
                }
                source.respondent = respondent
            }
            if let node = fields["items"] {
                guard case .sequence(let list) = node else {
                    throw fail(node, key + ".items", "not a list", "a list of column patterns, e.g. ['Q*']")
                }
                source.items = try list.map { try string($0, key + ".items") }
            }
            sources.append(source)
        }
        guard !sources.isEmpty else { throw fail(node, "sources", "no sources", "at least one source") }
        return sources
    }

    private func loadScore(_ node: Node) throws -> ScoreConfig {
        let map = try mapping(node, "score", allowed: ["period", "anonymity_threshold", "shrinkage_pseudo_tickets", "bootstrap_draws", "seed",
                                                       "pulse_source", "relationship_source", "legs", "survey_items", "windows", "exposure_days",
                                                       "outcome_lag_days", "outcome_months"])
        var score = ScoreConfig()
        if let node = map["period"] {
            let text = try string(node, "score.period")
            guard let period = ScorePeriod(rawValue: text) else {
                throw fail(node, "score.period", "unknown period '\(text)'", "month or quarter")
            }
            score.period = period
        }
        if let node = map["anonymity_threshold"] {
            score.anonymityThreshold = try int(node, "score.anonymity_threshold")
            guard score.anonymityThreshold >= 1 else { throw fail(node, "score.anonymity_threshold", "must be positive", "a whole number ≥ 1, default 5") }
        }
        if let node = map["shrinkage_pseudo_tickets"] {
            score.shrinkagePseudoTickets = try number(node, "score.shrinkage_pseudo_tickets")
            guard score.shrinkagePseudoTickets >= 0 else { throw fail(node, "score.shrinkage_pseudo_tickets", "must not be negative", "a number ≥ 0, default 20") }
        }
        if let node = map["bootstrap_draws"] {
            score.bootstrapDraws = try int(node, "score.bootstrap_draws")
            guard score.bootstrapDraws >= 99 else { throw fail(node, "score.bootstrap_draws", "too few draws", "a whole number ≥ 99 (999 or more for reported results)") }
        }
        if let node = map["seed"] {
            let seed = try int(node, "score.seed")
            guard seed >= 0 else { throw fail(node, "score.seed", "must not be negative", "a whole number ≥ 0") }
            score.seed = UInt64(seed)
        }
        if let node = map["pulse_source"] { score.pulseSource = try string(node, "score.pulse_source") }
        if let node = map["relationship_source"] { score.relationshipSource = try string(node, "score.relationship_source") }
        if let node = map["legs"] {
            let legs = try itemLists(node, "score.legs", allowed: ScoreConfig.legNames)
            guard Set(legs.keys) == Set(ScoreConfig.legNames) else {
                throw fail(node, "score.legs", "missing legs \(Set(ScoreConfig.legNames).subtracting(legs.keys).sorted())", "all three legs: company, value_proposition, customer")
            }
            score.legs = legs
        }
        if let node = map["survey_items"] { score.surveyItems = try itemLists(node, "score.survey_items", allowed: ScoreConfig.surveyItemRoles) }
        if let node = map["windows"] {
            let windows = try mapping(node, "score.windows", allowed: Outcome.allCases.map(\.rawValue).sorted())
            for (key, value) in windows.pairs {
                let days = try int(value, "score.windows.\(key)")
                guard days > 0 else { throw fail(value, "score.windows.\(key)", "must be positive", "a number of days ≥ 1") }
                guard let outcome = Outcome(rawValue: key) else {
                    throw fail(value, "score.windows.\(key)", "unknown outcome", Outcome.allCases.map(\.rawValue).joined(separator: ", "))
                }
                score.windows[outcome] = days
            }
        }
        for (key, path) in [("exposure_days", \ScoreConfig.exposureDays), ("outcome_lag_days", \ScoreConfig.outcomeLagDays),
                            ("outcome_months", \ScoreConfig.outcomeMonths)] {
            if let node = map[key] {
                let value = try int(node, "score.\(key)")
                guard value >= 0 else { throw fail(node, "score.\(key)", "must not be negative", "a whole number ≥ 0") }
                score[keyPath: path] = value
            }
        }
        return score
    }

    /// A mapping of names to one item or a list of items.
    private func itemLists(_ node: Node, _ key: String, allowed: [String]) throws -> [String: [String]] {
        let map = try mapping(node, key, allowed: allowed)
        var out: [String: [String]] = [:]
        for (name, value) in map.pairs {
            if case let .sequence(list) = value {
                out[name] = try list.map { try string($0, key + "." + name) }
            } else {
                out[name] = [try string(value, key + "." + name)]
            }
        }
        return out
    }

    private func loadReport(_ node: Node?, root: String) throws -> ReportConfig {
        guard let node else { return ReportConfig(outDir: absolute("out", base: root)) }
        let map = try mapping(node, "report", allowed: ["out", "title"])
        let out = try map["out"].map { try string($0, "report.out") } ?? "out"
        let title = try map["title"].map { try string($0, "report.title") } ?? "Ambassador report"
        return ReportConfig(outDir: absolute(out, base: root), title: title)
    }

    private func canonicalFields(_ kind: SourceKind) -> [String] {
        CanonicalEntity.forKind(kind)?.fieldNames ?? []
    }

    // MARK: - Typed access

    private struct KeyedNodes {
        var ordered: [(key: (value: String, node: Node), value: Node)] = []
        subscript(_ key: String) -> Node? { ordered.first { $0.key.value == key }?.value }
        var pairs: [(String, Node)] { ordered.map { ($0.key.value, $0.value) } }
    }

    private func mapping(_ node: Node, _ key: String, allowed: [String]?) throws -> KeyedNodes {
        guard case .mapping(let map) = node else {
            throw fail(node, key, "not a mapping", allowed.map { "keys among: " + $0.joined(separator: ", ") } ?? "a mapping")
        }
        var result = KeyedNodes()
        for (keyNode, value) in map {
            guard let name = keyNode.string else { throw fail(keyNode, key, "a key is not text", "text keys") }
            let path = key.isEmpty ? name : key + "." + name
            if let allowed, !allowed.contains(name) {
                throw fail(keyNode, path, "unknown key '\(name)'\(suggestion(name, allowed))", "one of: " + allowed.joined(separator: ", "))
            }
            if result[name] != nil { throw fail(keyNode, path, "duplicate key '\(name)'", "each key once") }
            result.ordered.append(((name, keyNode), value))
        }
        return result
    }

    private func stringMapping(_ node: Node, _ key: String) throws -> [((value: String, node: Node), (value: String, node: Node))] {
        try mapping(node, key, allowed: nil).ordered.map { entry in
            (entry.key, (try string(entry.value, key + "." + entry.key.value), entry.value))
        }
    }

    private func string(_ node: Node, _ key: String) throws -> String {
        guard case .scalar(let scalar) = node else { throw fail(node, key, "not a single value", "text") }
        return try substitute(scalar.string, node: node, key: key)
    }

    private func separator(_ node: Node, _ key: String) throws -> Character {
        let text = try string(node, key)
        guard text == "." || text == "," else {
            throw fail(node, key, "'\(text)' is not a decimal separator", "'.' (1,234.50) or ',' (1.234,50)")
        }
        return text == "," ? "," : "."
    }

    /// `freshness: {warn_after_days: N, error_after_days: M}`: at least one, each ≥ 1, and
    /// the warning before the error.
    private func freshness(_ node: Node, _ key: String) throws -> Freshness {
        let fields = try mapping(node, key, allowed: ["warn_after_days", "error_after_days"])
        var result = Freshness()
        for (name, valueNode) in fields.pairs {
            let days = try int(valueNode, key + "." + name)
            guard days >= 1 else { throw fail(valueNode, key + "." + name, "\(days) days", "a whole number of days, 1 or more") }
            if name == "warn_after_days" { result.warnAfterDays = days } else { result.errorAfterDays = days }
        }
        guard result.warnAfterDays != nil || result.errorAfterDays != nil else {
            throw fail(node, key, "neither warn_after_days nor error_after_days", "at least one of them, e.g. {warn_after_days: 2, error_after_days: 7}")
        }
        if let warn = result.warnAfterDays, let error = result.errorAfterDays, warn >= error {
            throw fail(node, key, "warn_after_days \(warn) is not below error_after_days \(error)", "the warning before the error")
        }
        return result
    }

    private func int(_ node: Node, _ key: String) throws -> Int {
        let text = try string(node, key)
        guard let value = Int(text) else { throw fail(node, key, "'\(text)' is not a whole number", "a whole number") }
        return value
    }

    private func number(_ node: Node, _ key: String) throws -> Double {
        let text = try string(node, key)
        guard let value = Double(text), value.isFinite else { throw fail(node, key, "'\(text)' is not a number", "a number such as 0.05") }
        return value
    }

    /// Replaces `${VAR}` and `${VAR:-default}` from the environment.
    private func substitute(_ text: String, node: Node, key: String) throws -> String {
        guard text.contains("${") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            out += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw fail(node, key, "unterminated ${ in '\(text)'", "${NAME} or ${NAME:-default}")
            }
            let inner = rest[start.upperBound..<end]
            let parts = inner.components(separatedBy: ":-")
            let name = parts[0]
            if let value = environment[name], !value.isEmpty {
                out += value
            } else if parts.count > 1 {
                out += parts.dropFirst().joined(separator: ":-")
            } else {
                throw fail(node, key, "environment variable \(name) is not set", "\(name) set in the environment, or a default: ${\(name):-value}")
            }
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }

    private func fail(_ node: Node?, _ key: String, _ message: String, _ expected: String) -> PipelineError {
        .config(path: path, line: node?.mark?.line, column: node?.mark?.column, key: key, message: message, expected: expected)
    }

    private func yamlError(_ error: YamlError) -> PipelineError {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _):
            return .config(path: path, line: mark.line, column: mark.column, key: "", message: "YAML syntax error: \(problem)", expected: "valid YAML")
        default:
            return .config(path: path, line: nil, column: nil, key: "", message: "YAML error: \(error)", expected: "valid YAML")
        }
    }

    /// ` (did you mean 'x'?)` when a known word is one or two edits away, or starts with the word.
    private func suggestion(_ word: String, _ known: [String]) -> String {
        let best = known.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
        if let best, best.1 <= 2 { return " (did you mean '\(best.0)'?)" }
        if word.count >= 3, let prefixed = known.first(where: { $0.hasPrefix(word) }) { return " (did you mean '\(prefixed)'?)" }
        return ""
    }

    private func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// `path` made absolute against `base` (and `~` expanded), without resolving links.
package func absolute(_ path: String, base: String) -> String {
    let expanded = (path as NSString).expandingTildeInPath
    if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
    return ((base as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
}
