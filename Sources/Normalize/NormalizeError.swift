/// Fatal problems of the normalize stage for one file (the file fails alone).
package enum NormalizeError: Error, CustomStringConvertible, Equatable {
    /// A required canonical field has no column in the file.
    case missingColumn(path: String, source: String, field: String, tried: [String])
    /// A configured column name is not in the file.
    case unknownColumn(path: String, source: String, field: String, column: String)
    /// The configured time zone is not known.
    case unknownTimeZone(name: String)
    /// A survey file whose records hold no answer column: loading it would give responses with
    /// no answers, in silence.
    case noAnswers(path: String, source: String, hint: String)
    /// The file's rows could not be staged for a reason of this file's, not the warehouse's.
    case notStaged(path: String, reason: String)
    /// A correction cannot be staged until another file (holding tickets it takes back) can
    /// be read again; it stays extracted and the next run tries again.
    case needsAnotherFile(path: String, other: String, reason: String)
    /// The file must be read again (it was not archived: a pulse survey's, or any under
    /// pseudonymisation) and is no longer in the inbox; it stays extracted.
    case fileGone(path: String)

    /// Whether the file is not at fault and waits, extracted, for a later run.
    package var waits: Bool {
        switch self {
        case .needsAnotherFile, .fileGone: return true
        default: return false
        }
    }

    package var description: String {
        switch self {
        case let .missingColumn(path, source, field, tried):
            return "\(path):1: source '\(source)' has no column for the required field '\(field)'; expected a header named one of: \(tried.joined(separator: ", ")) (or map it under sources.\(source).fields.\(field))"
        case let .unknownColumn(path, source, field, column):
            return "\(path):1: sources.\(source).fields.\(field) names the column '\(column)', which the file does not have; expected one of the file's header names"
        case let .noAnswers(path, source, hint):
            return "\(path):1: source '\(source)' has records but no answer column (\(hint)); expected Qualtrics question ids, `Q…` columns, a SurveyMonkey CSV, or the item columns named under sources.\(source).items — nothing of the file was loaded"
        case let .notStaged(path, reason):
            return "\(path): the file's rows could not be staged (\(reason)); expected rows the warehouse can hold — nothing of this file was staged, and the other files go on"
        case let .needsAnotherFile(path, other, reason):
            return "\(path): not staged yet: it replaces a file whose tickets \(other) also holds, and that file cannot be read again to give them back (\(reason)); expected it in the archive or, unchanged, in the inbox — put it back; \(path) stays extracted and the next run stages it"
        case let .fileGone(path):
            return "\(path): not staged yet: the file is no longer in the inbox, and it was not archived (a pulse survey's files and every file under pseudonymisation are read again from the inbox); expected it back, unchanged — it stays extracted and the next run stages it"
        case let .unknownTimeZone(name):
            return "time zone '\(name)' is not known; expected an IANA name such as Europe/Berlin or UTC"
        }
    }
}
