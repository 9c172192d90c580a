import AmbassadorCore

/// Escaping for the report's output formats. Every text and number that reaches a file
/// passes through one of these.
package enum Escaping {
    /// Text for HTML element content and attribute values (also valid inside SVG).
    package static func html(_ text: String) -> String {
        markupEscaped(text)
    }

    /// A CSV cell for spreadsheets: quoted when needed, and neutralised against formula
    /// injection — a cell starting with =, +, -, @, tab or CR gets a leading apostrophe, so
    /// Excel and LibreOffice show it as text instead of evaluating it. Numbers written by
    /// the report itself are passed as `number: true` and left alone (a negative estimate
    /// must stay a number).
    package static func csv(_ text: String, number: Bool = false) -> String {
        var value = text
        if !number, let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            value = "'" + value
        }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
