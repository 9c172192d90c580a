import Foundation

/// What a column's name is and when two names are the same column — defined once, for the
/// readers, the raw tables and normalize's field look-ups alike.
///
/// Swift compares strings by canonical equivalence and folds case across all of Unicode;
/// SQLite compares identifiers byte for byte, folding ASCII letters only. A header that one
/// side took for a known column and the other for a new one used to stop extract (`Prénom`
/// in NFC in one roster, NFD in the next; `été` then `ÉTÉ`; a key holding `\u0000`). So a
/// name is first *cleaned* (NFC, no control characters or byte-order marks, trimmed), and two
/// cleaned names are one column exactly when their *keys* match: the bytes with ASCII
/// letters lowered — SQLite's own rule. `été` and `ÉTÉ` are therefore two columns, on both sides.
package enum ColumnName {
    /// The name as it is kept: Unicode NFC, control characters (including NUL) shown as
    /// U+FFFD, byte-order marks and zero-width no-break spaces removed, white space trimmed.
    package static func clean(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        var changed = false
        for scalar in raw.unicodeScalars {
            switch scalar.value {
            case 0xFEFF:
                changed = true
            case 0x00...0x1F, 0x7F...0x9F:
                // A tab or line break inside a header is white space; other controls are shown.
                changed = true
                scalars.append(scalar.value == 0x09 || scalar.value == 0x0A || scalar.value == 0x0D ? " " : "\u{FFFD}")
            default:
                scalars.append(scalar)
            }
        }
        let text = changed ? String(scalars) : raw
        return text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespaces)
    }

    /// The identity of a cleaned name: its UTF-8 bytes with ASCII letters lowered (how SQLite
    /// compares identifiers). Bytes, not a `String`, so that Swift's own equivalence never
    /// enters. Equal keys, same column.
    package struct Key: Hashable, Sendable {
        package let bytes: [UInt8]
    }

    package static func key(_ cleaned: String) -> Key {
        var bytes = Array(cleaned.utf8)
        for index in bytes.indices where bytes[index] >= 0x41 && bytes[index] <= 0x5A {
            bytes[index] += 0x20
        }
        return Key(bytes: bytes)
    }

    /// The key header aliases are compared by (`Recipient Email` ~ `recipientEmail`): lower
    /// case, ASCII letters and digits only.
    package static func aliasKey(_ header: String) -> String {
        String(String.UnicodeScalarView(header.lowercased().unicodeScalars.filter {
            ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9")
        }))
    }

    /// Whether `a` and `b` (either raw or cleaned) name the same column.
    package static func same(_ a: String, _ b: String) -> Bool {
        key(clean(a)) == key(clean(b))
    }
}
