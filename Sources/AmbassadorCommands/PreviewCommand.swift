import AmbassadorCore
import ArgumentParser
import Pipeline

/// `ambassador preview FILE`: the records extract would produce, as JSON Lines.
struct PreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Print what extract would produce from one file, as JSON Lines; writes nothing.",
        discussion: """
            Each record is one JSON object (column → string, plus _record_no: the line for CSV).
            Each rejected record is a line on stderr with its line and reason. Output streams:
            a large file starts printing at once.
            """)

    @Argument(help: ArgumentHelp("The file to read.", valueName: "file"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("The format, or auto to recognise it from the content: \(Preview.formats.joined(separator: ", ")).", valueName: "format"))
    var format: String = "auto"

    @Option(name: .long, help: ArgumentHelp("XML record element or JSON records key (default: recognised).", valueName: "name"))
    var record: String?

    @Flag(name: .customLong("show-format"), help: "Print the recognised format on stderr.")
    var showFormat = false

    @Option(name: .long, help: ArgumentHelp("Instead of the records, show how each column would map onto this kind's canonical fields: \(SourceKind.allCases.filter { $0 != .raw }.map(\.rawValue).joined(separator: ", ")).", valueName: "kind"))
    var kind: String?

    @Option(name: .long, help: ArgumentHelp("With --kind survey: customer or employee (an employee survey's identity columns are shown as dropped).", valueName: "who"))
    var respondent: String?

    @Option(name: .long, help: "Stop after this many records.")
    var limit: Int?

    @Option(name: .long, help: ArgumentHelp("Text encoding: auto, utf-8, utf-16, windows-1252, latin-1.", valueName: "name"))
    var encoding: String = "auto"

    @Option(name: .long, help: ArgumentHelp("Field delimiter (one character, or 'tab'); sniffed by default.", valueName: "char"))
    var delimiter: String?

    // --pipeline and --warehouse are accepted for symmetry; preview reads neither.
    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard Preview.formats.contains(format) else {
            throw ValidationError("--format '\(format)' is not known; expected one of: \(Preview.formats.joined(separator: ", "))")
        }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let kind, SourceKind(rawValue: kind) == nil || kind == "raw" {
            throw ValidationError("--kind '\(kind)' is not known; expected one of: \(SourceKind.allCases.filter { $0 != .raw }.map(\.rawValue).joined(separator: ", "))")
        }
        if let respondent, Respondent(rawValue: respondent) == nil {
            throw ValidationError("--respondent must be one of: \(Respondent.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let delimiter, delimiter != "tab", delimiter.utf8.count != 1 {
            throw ValidationError("--delimiter must be one character or 'tab'")
        }
    }

    func run() throws {
        try withExitCodes {
            _ = common.makeLogger()
            let byte = delimiter.map { $0 == "tab" ? UInt8(ascii: "\t") : $0.utf8.first ?? UInt8(ascii: ",") }
            if let kind, let sourceKind = SourceKind(rawValue: kind) {
                FileDescriptorWriter.standardOutput.write(try PreviewMapping.run(
                    path: file, format: Preview.format(named: format), kind: sourceKind, respondent: respondent.flatMap(Respondent.init(rawValue:)), limit: limit ?? 200, encoding: encoding,
                    delimiter: byte, record: record))
                return 0
            }
            let result = try Preview.run(path: file, format: Preview.format(named: format), limit: limit, encoding: encoding, delimiter: byte,
                                         record: record, output: .standardOutput, errors: .standardError)
            if showFormat { FileDescriptorWriter.standardError.write("\(file): format \(result.format.rawValue)\n") }
            if result.rejected > 0 {
                FileDescriptorWriter.standardError.write("\(file): \(result.written) records, \(result.rejected) rejected\n")
            }
            return 0
        }
    }
}
