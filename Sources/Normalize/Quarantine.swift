import AmbassadorCore
import Warehouse

/// Writes the rows one file's normalization rejects to `etl_reject`, with run, source, file,
/// record number, field, raw value and reason; counts them.
final class Quarantine {
    private let statement: Statement
    private let runID: Int64, source: String, fileID: Int64, path: String
    private(set) var count = 0
    /// Under pseudonymisation, the raw values (and their echo in the reason) of identity
    /// fields are withheld: a reject must not keep what the facts may not.
    private let pseudonymizer: Pseudonymizer?

    init(database: Database, context: StageContext, source: String, fileID: Int64, path: String) throws {
        pseudonymizer = Pseudonymizer(context.config.privacy)
        statement = try database.prepare("""
            INSERT INTO etl_reject (run_id, stage, source, file_id, file_path, record_no, field, raw_value, reason)
            VALUES (?, 'normalize', ?, ?, ?, ?, ?, ?, ?)
            """)
        runID = context.runID
        self.source = source
        self.fileID = fileID
        self.path = path
    }

    func add(recordNo: Int64, field: String, raw: String?, reason: String) throws {
        var raw = raw, reason = reason
        if let pseudonymizer, let clear = raw, pseudonymizer.withholds(field: field, raw: clear) {
            raw = nil
            reason = (clear.isEmpty ? reason : reason.replacingOccurrences(of: clear, with: "(withheld)"))
                + " [value withheld: privacy.pseudonymise]"
        }
        try statement.execute([.integer(runID), .text(source), .integer(fileID), .text(path), .integer(recordNo),
                               .text(field), SQLValue(raw), .text(reason)])
        count += 1
    }

    func add(recordNo: Int64, _ failure: RowFailure) throws {
        try add(recordNo: recordNo, field: failure.field, raw: failure.raw, reason: failure.reason)
    }
}

/// The pipeline's plausibility rule for dates (`validation:`): none before the earliest
/// date, none later than the run date plus the allowed days. Compares the `YYYY-MM-DD` prefix
/// of canonical dates and timestamps as bytes, so the hot path builds no string.
struct PlausibleDates {
    private let earliest: [UInt8]?, latest: [UInt8]?
    private let earliestText: String, latestText: String

    init(validation: ValidationConfig, runDate: CivilDate?) {
        earliestText = validation.earliest?.description ?? ""
        earliest = validation.earliest.map { Array($0.description.utf8) }
        let last = validation.maxDaysAfterRunDate.flatMap { days in runDate.map { $0.adding(days: days) } }
        latestText = last?.description ?? ""
        latest = last.map { Array($0.description.utf8) }
    }

    /// Why canonical `value` (a date or UTC timestamp) is implausible, or nil.
    func reason(_ value: UnsafeBufferPointer<UInt8>) -> String? {
        guard earliest != nil || latest != nil else { return nil }
        let day = UnsafeBufferPointer(rebasing: value[0..<min(10, value.count)])
        if let earliest, day.lexicographicallyPrecedes(earliest) {
            return "\(String(decoding: value, as: UTF8.self)) is before the earliest plausible date \(earliestText) (validation.earliest_date); expected a later date"
        }
        if let latest, latest.lexicographicallyPrecedes(day) {
            return "\(String(decoding: value, as: UTF8.self)) is after \(latestText), beyond the run date plus validation.max_days_after_run_date; expected a date that has happened"
        }
        return nil
    }

    func reason(_ value: String) -> String? {
        var value = value
        return value.withUTF8 { reason($0) }
    }
}
