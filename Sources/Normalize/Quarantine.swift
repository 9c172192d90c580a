import AmbassadorCore
import Warehouse

/// The rows one file's normalization rejects, through its `RejectLog` (run, source, file,
/// record number, field, raw value and reason); counts them.
final class Quarantine {
    private let log: RejectLog
    var count: Int { log.count }
    /// Under pseudonymisation, the raw values (and their echo in the reason) of identity
    /// fields are withheld: a reject must not keep what the facts may not.
    private let pseudonymizer: Pseudonymizer?

    init(database: any WarehouseConnection, context: StageContext, source: String, fileID: Int64, path: String) throws {
        pseudonymizer = Pseudonymizer(context.config.privacy)
        log = try RejectLog(database, runID: context.runID, stage: .normalize, source: source, fileID: fileID, path: path)
    }

    func add(recordNo: Int64, field: String, raw: String?, reason: String) throws {
        var raw = raw, reason = reason
        if let pseudonymizer, let clear = raw, pseudonymizer.withholds(field: field, raw: clear) {
            raw = nil
            reason = (clear.isEmpty ? reason : reason.replacingOccurrences(of: clear, with: "(withheld)"))
                + " [value withheld: privacy.pseudonymise]"
        }
        try log.add(recordNo: recordNo, field: field, raw: raw, reason: reason)
    }

    /// Sends the rejects that wait (PostgreSQL): before the file's transaction commits.
    func finish() throws {
        try log.finish()
    }

    func add(recordNo: Int64, _ failure: RowFailure) throws {
        try add(recordNo: recordNo, field: failure.field, raw: failure.raw, reason: failure.reason)
    }
}

/// The pipeline's plausibility rule for dates (`validation:`): none before the earliest
/// date, none later than the run date plus the allowed days. Without a configured limit, the
/// times things *happened* — every timestamp, and a roster's snapshot date — may still lie at
/// most `ValidationConfig.defaultEventDaysAfterRunDate` days after the run date, so one ticket
/// dated 2099 is quarantined rather than moving the data cut-off; calendar dates that may be
/// planned (a hire or termination date) have no default limit. Compares the `YYYY-MM-DD`
/// prefix of canonical dates and timestamps as bytes, so the hot path builds no string.
struct PlausibleDates {
    private let earliest: [UInt8]?, latest: [UInt8]?, eventLatest: [UInt8]?
    private let earliestText: String, latestText: String, eventLatestText: String
    private let eventRule: String

    init(validation: ValidationConfig, runDate: CivilDate?) {
        earliestText = validation.earliest?.description ?? ""
        earliest = validation.earliest.map { Array($0.description.utf8) }
        let last = validation.maxDaysAfterRunDate.flatMap { days in runDate.map { $0.adding(days: days) } }
        latestText = last?.description ?? ""
        latest = last.map { Array($0.description.utf8) }
        let eventDays = validation.maxDaysAfterRunDate ?? ValidationConfig.defaultEventDaysAfterRunDate
        let eventLast = runDate.map { $0.adding(days: eventDays) }
        eventLatestText = eventLast?.description ?? ""
        eventLatest = eventLast.map { Array($0.description.utf8) }
        eventRule = validation.maxDaysAfterRunDate == nil
            ? "the run date plus \(eventDays) days (the default for timestamps and snapshot dates; validation.max_days_after_run_date sets it)"
            : "the run date plus validation.max_days_after_run_date"
    }

    /// Why canonical `value` (a date or UTC timestamp) is implausible, or nil. `event`: the
    /// value is when something happened (a timestamp, a snapshot date).
    func reason(_ value: UnsafeBufferPointer<UInt8>, event: Bool = true) -> String? {
        let limit = event ? eventLatest : latest
        guard earliest != nil || limit != nil else { return nil }
        let day = UnsafeBufferPointer(rebasing: value[0..<min(10, value.count)])
        if let earliest, day.lexicographicallyPrecedes(earliest) {
            return "\(String(decoding: value, as: UTF8.self)) is before the earliest plausible date \(earliestText) (validation.earliest_date); expected a later date"
        }
        if let limit, limit.lexicographicallyPrecedes(day) {
            let rule = event ? eventRule : "the run date plus validation.max_days_after_run_date"
            return "\(String(decoding: value, as: UTF8.self)) is after \(event ? eventLatestText : latestText), beyond \(rule); expected a date that has happened"
        }
        return nil
    }

    func reason(_ value: String) -> String? {
        var value = value
        return value.withUTF8 { reason($0) }
    }
}
