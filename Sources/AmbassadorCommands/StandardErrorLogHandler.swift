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
            // One event, one line: a file name holding a line break cannot forge another.
            line = "\(now) \(event.level) \(LogText.escaped(stage))\(LogText.escaped(event.message.description))\n"
        case .json:
            var fields = ["\"time\":\(JSONText.quote(now))", "\"level\":\(JSONText.quote(event.level.rawValue))",
                          "\"message\":\(JSONText.quote(event.message.description))"]
            for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
                // Counts are numbers in JSON; everything else is a string.
                if case .stringConvertible = value, Int64(value.description) != nil {
                    fields.append("\(JSONText.quote(key)):\(value.description)")
                } else {
                    fields.append("\(JSONText.quote(key)):\(JSONText.quote(value.description))")
                }
            }
            line = "{" + fields.joined(separator: ",") + "}\n"
        }
        FileDescriptorWriter.standardError.write(line)
    }
}
