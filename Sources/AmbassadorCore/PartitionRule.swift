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
