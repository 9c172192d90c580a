import AmbassadorCore
import Extract
import Foundation

// Fuzzing the streaming readers (issue: CSV, JSON and XML). Built two ways:
//  - `make fuzz`: with `-sanitize=fuzzer -parse-as-library -DFUZZING`, libFuzzer drives
//    `LLVMFuzzerTestOneInput` with coverage feedback; AMBASSADOR_FUZZ_FORMAT picks the reader.
//  - a plain build: a replayer, `ambassador-fuzz FORMAT FILE…`, that runs saved inputs
//    (the seeds and every crash ever found) through the same checks; a test calls it.
// The oracle: no trap, no hang, every value valid UTF-8, column names unique ignoring case,
// no record wider than its columns, and only ExtractError as a failure.

/// Checks what a reader hands over; a broken invariant traps, which the fuzzer reports.
final class CheckingSink: RecordSink {
    var columnCount = 0
    var records = 0

    func columns(_ names: [String]) throws {
        precondition(Set(names.map { ColumnName.key($0) }).count == names.count, "column names must be unique by ColumnName.key: \(names)")
        precondition(names.count >= columnCount, "columns never shrink")
        columnCount = names.count
    }

    func record<V: FieldValues>(_ number: Int, _ values: V) throws -> Bool {
        precondition(values.count <= columnCount, "record \(number) has \(values.count) values for \(columnCount) columns")
        precondition(number >= 1, "record numbers start at 1")
        for index in 0..<values.count {
            values.withValue(index) { bytes in
                guard let bytes else { return }
                precondition(String(validating: bytes, as: UTF8.self) != nil, "value \(index) of record \(number) is not valid UTF-8")
            }
        }
        records += 1
        return records < 100_000
    }

    func reject(_ number: Int, field: String?, rawValue: String?, reason: String) throws {
        precondition(!reason.isEmpty, "a reject has a reason")
    }
}

enum Fuzz {
    nonisolated(unsafe) static var format = ProcessInfo.processInfo.environment["AMBASSADOR_FUZZ_FORMAT"].flatMap(SourceFormat.init(rawValue:)) ?? .csv
    static let scratch = (ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/ambassador-fuzz-\(getpid())"

    /// Runs one input through the reader of `format`.
    static func run(_ bytes: UnsafeRawBufferPointer) {
        let fd = open(scratch, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
            if n <= 0 { break }
            offset += n
        }
        close(fd)
        do {
            let source = try SourceRegistry.source(format: format, encoding: "auto", delimiter: nil, path: scratch)
            try source.read(scratch, into: CheckingSink(), progress: .silent)
        } catch is ExtractError {
            // A clear refusal is a correct answer to bad input.
        } catch {
            preconditionFailure("\(format): not an ExtractError: \(error)")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    Fuzz.run(UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

#if FUZZING
/// libFuzzer's entry for programs that have their own main (SwiftPM gives executables one).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

var fuzzArgc = CommandLine.argc
var fuzzArgv = CommandLine.unsafeArgv
exit(runFuzzerDriver(&fuzzArgc, &fuzzArgv, fuzzOneInput))
#else
// Replayer: ambassador-fuzz FORMAT FILE...
let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: ambassador-fuzz csv|json|xml FILE...\n".utf8))
    exit(64)
}
guard let format = SourceFormat(rawValue: arguments[0]) else {
    FileHandle.standardError.write(Data("\(arguments[0]): not a format; expected one of: \(SourceRegistry.formats.joined(separator: ", "))\n".utf8))
    exit(64)
}
Fuzz.format = format
for path in arguments.dropFirst() {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("\(path): cannot read\n".utf8))
        exit(66)
    }
    data.withUnsafeBytes { Fuzz.run($0) }
}
unlink(Fuzz.scratch)
print("replayed \(arguments.count - 1) input(s) through the \(arguments[0]) reader")
#endif
