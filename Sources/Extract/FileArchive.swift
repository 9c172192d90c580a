import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The raw layer: each accepted inbox file kept under its SHA-256 (`archive/<sha256>` beside
/// the warehouse), so that normalize, a backfill or `trace` read exactly the bytes extract
/// registered even after the inbox was cleaned or the exporter rewrote the file. A copy, not
/// a hard link: an exporter that rewrites its file in place (`curl -o` truncates the same
/// inode) would otherwise change the archived bytes too. Written beside its final name and
/// renamed into place, so a name in the archive is always a whole file.
///
/// Not kept when that would store what the run must not: a pulse survey's file holds the
/// respondents' identities with their answers, and under pseudonymisation files hold clear
/// names and e-mails. Those files are read again from the inbox, checked against the manifest.
package enum FileArchive {
    /// Where the file with this digest is (or would be) archived.
    package static func path(sha256: String, directory: String) -> String {
        directory + "/" + sha256
    }

    /// Archives `source` as `sha256`; nothing to do when that content is already there.
    package static func keep(_ source: String, sha256: String, size: Int64, directory: String) throws {
        let target = path(sha256: sha256, directory: directory)
        if let existing = FileDigest.identity(target), existing.size == size { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw ExtractError.notArchived(path: source, archive: directory, reason: "\(error)")
        }
        let partial = directory + "/." + sha256 + ".partial"
        unlink(partial)
        do {
            try FileManager.default.copyItem(atPath: source, toPath: partial)
        } catch {
            unlink(partial)
            throw ExtractError.notArchived(path: source, archive: target, reason: "\(error)")
        }
        // As private as the warehouse: the copy holds what the export held.
        chmod(partial, 0o600)
        guard FileDigest.identity(partial)?.size == size, rename(partial, target) == 0 else {
            let reason = FileDigest.identity(partial)?.size == size ? String(cString: strerror(errno)) : "the copy is not the registered size"
            unlink(partial)
            throw ExtractError.notArchived(path: source, archive: target, reason: reason)
        }
    }
}
