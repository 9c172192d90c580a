/// Fatal problems of the extract stage for one file (the file fails alone; the run goes on).
package enum ExtractError: Error, CustomStringConvertible, Equatable {
    /// The file cannot be opened or read.
    case unreadable(path: String, reason: String)
    /// The file is not in the expected format at `line` (and `column`, when known).
    case malformed(path: String, line: Int, column: Int?, message: String, expected: String)
    /// The file ends where it cannot (half a UTF-16 character, inside a structure).
    case truncated(path: String, offset: Int64, message: String, expected: String)
    /// No reader handles this format name.
    case unknownFormat(path: String, format: String, known: [String])
    /// The file's partition date could not be found.
    case noPartitionDate(path: String, rule: String)
    /// The file changed (size, modification time or inode) while it was being read.
    case changedWhileReading(path: String)
    /// The file is compressed (zip, gzip, …): it is refused, never read as text.
    case compressed(path: String, kind: String)
    /// A matched inbox file whose real path (a symbolic link followed) leaves the allowed roots.
    case outsideRoot(path: String, target: String)
    /// The file was read, but its records could not be stored (an error that is this file's,
    /// not the warehouse's: see `WarehouseError.isWarehouseWide`).
    case notStored(path: String, reason: String)
    /// The accepted file could not be kept in the archive (the raw layer).
    case notArchived(path: String, archive: String, reason: String)
    /// The file normalize was to read is no longer the one extract registered.
    case notTheRegisteredFile(path: String, expected: String, found: String)

    package var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "\(path): cannot read the file (\(reason)); expected a readable regular file"
        case let .malformed(path, line, column, message, expected):
            let position = column.map { "\(line):\($0)" } ?? "\(line)"
            return "\(path):\(position): \(message); expected \(expected)"
        case let .truncated(path, offset, message, expected):
            return "\(path): byte \(offset): \(message); expected \(expected)"
        case let .unknownFormat(path, format, known):
            return "\(path): unknown format '\(format)'; expected one of: \(known.joined(separator: ", "))"
        case let .changedWhileReading(path):
            return "\(path): the file changed while it was being read; expected a file that is complete before the run starts (nothing was kept: the next run reads it again)"
        case let .compressed(path, kind):
            return "\(path): the file is \(kind)-compressed; expected the export itself — unpack it into the inbox first (`\(kind == "zip" ? "unzip" : kind == "gzip" ? "gunzip" : "unpack")`), nothing was read"
        case let .outsideRoot(path, target):
            return "\(path): refused: it leads to \(target), outside the pipeline's root and inbox_roots; expected a file inside them (list the target's directory under inbox_roots to allow it) — nothing was read"
        case let .notStored(path, reason):
            return "\(path): the file's records could not be stored (\(reason)); expected records the warehouse can hold — nothing of this file was kept, and the other files go on"
        case let .notArchived(path, archive, reason):
            return "\(path): cannot keep the file in the archive \(archive) (\(reason)); expected a writable archive folder beside the warehouse with room for the file — nothing of this file was kept, the next run tries again"
        case let .notTheRegisteredFile(path, expected, found):
            return "\(path): these bytes are not the file extract registered (SHA-256 \(found)); expected SHA-256 \(expected) — the file changed after extract and no archived copy holds the registered bytes; nothing of it was staged: restore it, or let the next run extract the new version"
        case let .noPartitionDate(path, rule):
            return "\(path): no snapshot date found (\(rule)); expected a date like 2026-11-22 in the file name — or set partition: run_date (the snapshot is the day the file is loaded) or partition: column:<header> (a column holding the snapshot date)"
        }
    }
}
