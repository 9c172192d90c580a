import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SHA-256 of a file, read in 1 MiB chunks (the manifest's change detector).
package enum FileDigest {
    /// What identifies one version of a file without reading it: device, inode, size and
    /// modification time to the nanosecond. Compared before and after a read to notice a file
    /// that an exporter is still writing.
    package struct Identity: Equatable, Sendable {
        var device: UInt64, inode: UInt64, size: Int64, seconds: Int, nanoseconds: Int
    }

    package static func identity(_ path: String) -> Identity? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Identity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
                        seconds: info.st_mtim.tv_sec, nanoseconds: info.st_mtim.tv_nsec)
    }

    /// The file's size in bytes, 0 when it cannot be read (for progress only).
    package static func size(_ path: String) -> Int64 {
        identity(path)?.size ?? 0
    }

    /// Lower-case hex SHA-256 of the file at `path`, and its size.
    package static func sha256(_ path: String) throws -> (hex: String, size: Int64) {
        // O_NONBLOCK: opening a FIFO must not wait for a writer (regular files ignore it).
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw ExtractError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG {
            throw ExtractError.unreadable(path: path, reason: "not a regular file (a FIFO, socket or device)")
        }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var size: Int64 = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ExtractError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            size += Int64(n)
        }
        let hex = hasher.finalize().map { byte in
            let s = String(byte, radix: 16)
            return byte < 16 ? "0" + s : s
        }.joined()
        return (hex, size)
    }
}

/// A file's SHA-256 computed on another thread, so a reader can parse the file on this one
/// while the digest that proves it is the registered file is worked out beside it.
package final class BackgroundDigest: @unchecked Sendable {
    private let finished = DispatchSemaphore(value: 0)
    private var outcome: Result<(hex: String, size: Int64), Error>?

    package init(path: String) {
        let thread = Thread { [self] in
            outcome = Result { try FileDigest.sha256(path) }
            finished.signal()
        }
        thread.start()
    }

    /// Waits for the digest (the semaphore orders the write before this read).
    package func wait() throws -> (hex: String, size: Int64) {
        finished.wait()
        finished.signal()
        guard let outcome else { throw ExtractError.unreadable(path: "", reason: "the digest was not computed") }
        return try outcome.get()
    }
}
