import AmbassadorCore
import Foundation
import Crypto

/// Pseudonymisation (`privacy.pseudonymise`): a keyed HMAC-SHA256, as 32 hex characters,
/// stable across runs (so joins still work) and not reversible without the key.
///
/// It applies to the configured canonical fields (`name`, `email`, …) and to every other
/// place the same identity turns up: an id that is an e-mail address (an agent, a customer,
/// a survey respondent named by e-mail) is hashed as that e-mail (lower-cased, as the `email`
/// field is), and an agent or actor named by a person's name (ServiceNow display values) as
/// that name — so a ticket still resolves to the employee whose pseudonymised e-mail or name
/// it carries.
struct Pseudonymizer {
    private let key: SymmetricKey
    let fields: Set<String>
    let emails: Bool
    let names: Bool

    /// Nil when the pipeline pseudonymises nothing (or has no key).
    init?(_ privacy: PrivacyConfig) {
        guard !privacy.pseudonymise.isEmpty, let key = privacy.key else { return nil }
        self.key = SymmetricKey(data: key)
        fields = privacy.pseudonymise
        emails = fields.contains("email")
        names = fields.contains("name")
    }

    /// The fields whose values name an agent or an actor: hashed when they look like a name.
    static let personFields: Set<String> = ["first_assignee_id", "assignee_id", "actor_id"]

    /// The pseudonym of `clear`, written into `buffer` (at least 32 bytes).
    func hash(_ clear: UnsafeBufferPointer<UInt8>, into buffer: UnsafeMutableBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        let mac = HMAC<SHA256>.authenticationCode(for: UnsafeRawBufferPointer(clear), using: key)
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var n = 0
        for byte in mac.prefix(16) {
            buffer[n] = hex[Int(byte >> 4)]
            buffer[n + 1] = hex[Int(byte & 0x0F)]
            n += 2
        }
        return UnsafeBufferPointer(rebasing: buffer[0..<n])
    }

    /// How an identifier `value` of `field` is hashed, if it is an identity: an e-mail
    /// address (lower-cased first), or for an agent or actor field a person's name.
    func identity(_ value: UnsafeBufferPointer<UInt8>, field: String, into buffer: UnsafeMutableBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        if emails && value.contains(UInt8(ascii: "@")) {
            let lowered = value.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
            return lowered.withUnsafeBufferPointer { hash($0, into: buffer) }
        }
        if names && Pseudonymizer.personFields.contains(field) && Pseudonymizer.looksLikeName(value) {
            return hash(value, into: buffer)
        }
        return nil
    }

    /// The same for a `String` (the survey normalizer's respondent).
    func identity(_ value: String, field: String) -> String {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 32)
        defer { buffer.deallocate() }
        return Array(value.utf8).withUnsafeBufferPointer { clear in
            identity(clear, field: field, into: buffer).map { String(decoding: $0, as: UTF8.self) } ?? value
        }
    }

    /// Whether a reject's raw value must be withheld: it belongs to a pseudonymised field, or
    /// holds an e-mail address, or names an agent.
    func withholds(field: String, raw: String) -> Bool {
        fields.contains(field) || (emails && raw.contains("@"))
            || (names && Pseudonymizer.personFields.contains(field))
    }

    /// Letters and spaces (a given name and a family name), no digits: `Beth Anglin`.
    static func looksLikeName(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        var space = false, letter = false
        for b in value {
            if b == 0x20 { space = true } else if b >= 0x30 && b <= 0x39 { return false } else if b >= 0x41 { letter = true }
        }
        return space && letter
    }

    /// Free text (a survey's text answer) with every e-mail address in it replaced by its
    /// pseudonym — the same one the address gets as an id — when e-mails are pseudonymised.
    /// An address is a run of characters between white space holding an `@`, without the
    /// punctuation around it (`<ada@example.com>,`). Names in prose cannot be told from other
    /// words and stay as written.
    func scrubbingEmails(_ text: String) -> String {
        guard emails, text.contains("@") else { return text }
        let edges = CharacterSet(charactersIn: "<>()[]{}\"'.,;:!?")
        var out = ""
        var word = ""
        func flush() {
            guard word.contains("@") else { out += word; word = ""; return }
            let scalars = word.unicodeScalars
            let start = scalars.firstIndex { !edges.contains($0) } ?? scalars.endIndex
            let end = scalars.lastIndex { !edges.contains($0) }.map { scalars.index(after: $0) } ?? start
            let core = String(scalars[start..<max(start, end)])
            out += String(scalars[scalars.startIndex..<start])
            out += core.contains("@") ? identity(core, field: "email") : core
            out += String(scalars[max(start, end)..<scalars.endIndex])
            word = ""
        }
        for character in text {
            if character.isWhitespace {
                flush()
                out.append(character)
            } else {
                word.append(character)
            }
        }
        flush()
        return out
    }
}
