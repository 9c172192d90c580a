import AmbassadorCore

/// Fatal problems of a pipeline run; each maps to one exit code of DESIGN.md.
package enum PipelineError: Error, CustomStringConvertible, Equatable {
    /// The pipeline file is wrong (exit 78).
    case config(path: String, line: Int?, column: Int?, key: String, message: String, expected: String)
    /// Another run holds the warehouse lock (exit 75).
    case lockHeld(lockPath: String, pid: Int32?, startedAt: String?, command: String?)
    /// Nothing to read (exit 66).
    case noInput(message: String)
    /// Bad command-line usage that the parser could not catch (exit 64).
    case usage(message: String)
    /// The warehouse (or its lock file) cannot be created where the pipeline says (exit 73).
    case cannotCreate(message: String)

    package var exitCode: Int32 {
        switch self {
        case .config: return 78
        case .lockHeld: return 75
        case .noInput: return 66
        case .usage: return 64
        case .cannotCreate: return 73
        }
    }

    package var description: String {
        switch self {
        case let .config(path, line, column, key, message, expected):
            var position = path
            if let line { position += ":\(line)" }
            if let column { position += ":\(column)" }
            let at = key.isEmpty ? "" : " at '\(key)'"
            return "\(position): \(message)\(at); expected \(expected)"
        case let .lockHeld(lockPath, pid, startedAt, command):
            let holder = pid.map { "process \($0)" } ?? "another process"
            let since = startedAt.map { " since \($0)" } ?? ""
            let what = command.map { " (\($0))" } ?? ""
            return "\(lockPath): the warehouse is locked by \(holder)\(what)\(since); expected no other run — retry when it ends"
        case let .noInput(message):
            return message
        case let .usage(message):
            return message
        case let .cannotCreate(message):
            return message
        }
    }
}
