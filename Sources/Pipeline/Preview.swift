import AmbassadorCore
import Extract
import Foundation

/// `ambassador preview`: what extract would produce from one file, as JSON Lines; writes nothing.
package enum Preview {
    /// Streams the records of `path`; returns (records written, records rejected).
    package static func run(
        path: String, format: String, limit: Int?, encoding: String = "auto", delimiter: UInt8? = nil, record: String? = nil,
        output: FileDescriptorWriter, errors: FileDescriptorWriter
    ) throws -> (written: Int, rejected: Int, format: String) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw PipelineError.noInput(message: "\(path): no such file; expected a file to preview")
        }
        let resolved = format == "auto" ? try SourceRegistry.detect(path) : format
        let source = try SourceRegistry.source(format: resolved, encoding: encoding, delimiter: delimiter, record: record, path: path)
        let sink = JSONLinesWriter(path: path, limit: limit, write: output.write, writeError: errors.write)
        defer { output.flush() }
        try source.read(path, into: sink, progress: .silent)
        return (sink.written, sink.rejected, resolved)
    }

    /// The formats `--format` accepts.
    package static var formats: [String] { ["auto"] + SourceRegistry.formats }
}
