import AmbassadorCore
import Foundation
import Logging

/// Log lines on stderr: `2026-11-22T17:03:00Z info [extract] message`, or one JSON object
/// per line with `--log-format json` (for log collectors).
struct StandardErrorLogHandler: LogHandler {
    enum Format: String, CaseIterable {
        case text, json
    }

    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info
    let format: Format
    let label: String

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let now = utcTimestamp(epochSeconds: Int64(Date().timeIntervalSince1970))
        var merged = self.metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let line: String
        switch format {
        case .text:
            let stage = merged["stage"].map { "[\($0)] " } ?? ""
            line = "\(now) \(event.level) \(stage)\(event.message)\n"
        case .json:
            var fields = ["\"time\":\(JSONString.quote(now))", "\"level\":\(JSONString.quote(event.level.rawValue))",
                          "\"message\":\(JSONString.quote(event.message.description))"]
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
                fields.append("\(JSONString.quote(key)):\(JSONString.quote(value.description))")
            }
            line = "{" + fields.joined(separator: ",") + "}\n"
        }
        FileDescriptorWriter.standardError.write(line)
    }
}

/// JSON string quoting for log lines.
enum JSONString {
    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case let s where s.value < 0x20: out += "\\u00" + (s.value < 16 ? "0" : "") + String(s.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
