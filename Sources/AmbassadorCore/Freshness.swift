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
