import Foundation

/// The warehouse boundary (issue 17): which lines of a module's sources build SQL. A stage
/// that talks to the Warehouse module's stores has none.
package enum SQLBoundary {
    /// What a statement looks like: a query, an insert, a delete, an update, DDL.
    package static let statement: NSRegularExpression = {
        let pattern = #"\b(SELECT|INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\w+\s+SET|CREATE\s+(TEMP\s+)?(UNIQUE\s+)?(TABLE|INDEX)|DROP\s+TABLE|TRUNCATE|ANALYZE|PRAGMA)\b"#
        do { return try NSRegularExpression(pattern: pattern) } catch { fatalError("the statement pattern does not compile: \(error)") }
    }()

    /// True when `code` (one line, comments already cut) builds SQL.
    package static func buildsSQL(_ code: String) -> Bool {
        statement.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil
    }

    /// Every line of `Sources/<module>` (its sub-folders included) that builds SQL, as
    /// `path:line: text`; comments (after `//`) are not read.
    package static func statements(inModule module: String) throws -> (files: Int, lines: [String]) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("Sources/\(module)")
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return (0, []) }
        var files = 0
        var found: [String] = []
        for case let file as String in walker where file.hasSuffix(".swift") {
            files += 1
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = String(line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                if buildsSQL(code) {
                    found.append("Sources/\(module)/\(file):\(number + 1): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        return (files, found)
    }
}
