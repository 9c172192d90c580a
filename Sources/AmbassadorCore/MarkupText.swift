/// Text for XML and HTML element content and attribute values: `&`, `<`, `>`, `"` and `'`
/// as character references, and control characters other than tab and newline (which
/// XML 1.0 does not allow) as spaces. The report and the generator's XML writers share it.
package func markupEscaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            if scalar.value < 0x20 && scalar != "\t" && scalar != "\n" { out += " " } else { out.unicodeScalars.append(scalar) }
        }
    }
    return out
}
