import AmbassadorCore
import ArgumentParser
import Extract
import Normalize
import Pipeline
import Warehouse

/// Runs a command body and turns every error into its message on stderr and the exit
/// code of DESIGN.md: 1 failure, 64 usage, 65 data, 66 no input, 73 cannot create the
/// warehouse, 74 damaged warehouse, 75 locked, 78 config.
func withExitCodes(_ body: () throws -> Int32) throws {
    let code: Int32
    do {
        code = try body()
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        let underlying = (error as? StageFailure)?.underlying ?? error
        code = exitCode(for: underlying)
        if LoggingBootstrap.format == .json {
            // The last line a log pipeline sees is as structured as the others.
            let stage = (error as? StageFailure).map { ",\"stage\":\(JSONText.quote($0.stage))" } ?? ""
            FileDescriptorWriter.standardError.write("{\"time\":\(JSONText.quote(Clock.nowUTC())),\"level\":\"critical\",\"message\":\(JSONText.quote("\(error)")),\"exit_code\":\(code)\(stage)}\n")
        } else {
            FileDescriptorWriter.standardError.write("ambassador: error: \(LogText.escaped("\(error)"))\n")
        }
    }
    FileDescriptorWriter.standardOutput.flush()
    if code != 0 { throw ExitCode(code) }
}

/// The exit code for an error.
func exitCode(for error: Error) -> Int32 {
    switch error {
    case let error as PipelineError: return error.exitCode
    case let error as RunInterrupted: return error.exitCode
    case is ExtractError: return 65
    case is NormalizeError: return 78
    // A warehouse that cannot be read as one (damaged, not a database): EX_IOERR.
    case let error as WarehouseError where error.isDamaged: return 74
    default: return 1
    }
}

/// Prints the run summary on stdout (with `--quiet`, the headline and any stage that
/// rejected rows or failed files).
func printSummary(_ summary: RunSummary, quiet: Bool = false) -> Int32 {
    FileDescriptorWriter.standardOutput.write(summary.text(quiet: quiet) + "\n")
    return summary.exitCode
}
