import AmbassadorCore
import ArgumentParser
import Pipeline

/// `ambassador trace TABLE KEY`: where one row came from.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Show where one warehouse row came from: file, line, the raw record, the mapping rules, the runs.",
        discussion: """
            For example `ambassador trace fact_ticket 100234`: the stored row, the file and record behind it, that record read back from the archive (or from the inbox when it was not archived and still hashes the same), each field's column, rule, raw value and stored value, the run that registered the file, the other loaded files that hold the ticket and anything quarantined under its id. For `ambassador trace linkage_estimate REPEAT/confirmatory/team_self_index`: the stored estimate, the run that fitted it, the survey waves and windows, the other estimates of the same model, the loaded files behind the facts, and how to write out its rows to refit them. Reads the warehouse without taking the lock. Tables: \(RowTrace.traceable.joined(separator: ", ")). Exits 64 for a table it cannot trace (or a malformed key), 66 when no row has the key.
            """)

    @OptionGroup var common: CommonOptions

    @Argument(help: "The table, e.g. fact_ticket or linkage_estimate.")
    var table: String

    @Argument(help: "The row's key as stored, e.g. a ticket id (with its source's ticket_id_prefix), or OUTCOME/MODEL/PREDICTOR for a linkage estimate.")
    var key: String

    func run() throws {
        try withExitCodes {
            _ = common.makeLogger()
            let config = try common.loadConfig()
            FileDescriptorWriter.standardOutput.write(try RowTrace.render(config: config, warehouse: config.warehouse, table: table, key: key))
            return 0
        }
    }
}
