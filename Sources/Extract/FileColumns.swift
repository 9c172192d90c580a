import AmbassadorCore
import Foundation

/// A file's column names as extract lists them in `etl_file_metadata` (`columns`): a JSON
/// array in position order. Normalize reads it to map a file's columns before reading the file.
package enum FileColumns {
    package static let metadataKey = "columns"

    package static func encode(_ names: [String]) -> String {
        "[" + names.map(JSONText.quote).joined(separator: ",") + "]"
    }

    /// The names, or nil when `text` is not a JSON array of strings.
    package static func decode(_ text: String) -> [String]? {
        guard let data = text.data(using: .utf8),
              let array = try? JSONSerialization.jsonObject(with: data) as? [Any] else { return nil }
        let names = array.compactMap { $0 as? String }
        return names.count == array.count ? names : nil
    }
}
