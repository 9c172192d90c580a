import AmbassadorCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One run at a time: an exclusive `flock` on `<warehouse>.lock`, holding the holder's pid,
/// start time and command, and a second one on the warehouse file itself — so that deleting
/// the lock file during a run (a clean-up script, an operator) does not let a second run in.
/// (SQLite's own locks are POSIX record locks, which flock does not touch on Linux; but closing
/// any descriptor of the file drops them, so `release` must come after the connection is
/// closed — Runner keeps the connection inside the locked region.) The
/// kernel releases both when the holder dies, so the lock of a killed run is taken over by
/// the next run with no clean-up.
package final class WarehouseLock {
    package let path: String
    private let warehouse: String
    private var fd: Int32 = -1
    private var warehouseFD: Int32 = -1

    package init(warehouse: String) {
        self.warehouse = warehouse
        path = warehouse + ".lock"
    }

    deinit {
        release()
    }

    /// Takes the lock at once or throws `PipelineError.lockHeld` naming the holder.
    package func acquire(command: String, startedAt: String) throws {
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !directory.isEmpty { mkdir(directory, 0o700) }
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            let folder = directory.isEmpty ? "." : directory
            throw PipelineError.cannotCreate(message: "\(path): cannot create the warehouse's lock file (\(reason)); expected the folder \(folder) to exist (or be creatable) and be writable by this user — create it, or point warehouse: (or --warehouse) at a writable place")
        }
        // flock(LOCK_EX | LOCK_NB): never wait, a second run exits 75 at once.
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let holder = WarehouseLock.readHolder(descriptor)
            close(descriptor)
            throw PipelineError.lockHeld(lockPath: path, pid: holder.pid, startedAt: holder.started, command: holder.command)
        }
        // The warehouse file too (created 0600 when missing, as Database would).
        let data = open(warehouse, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard data >= 0 else {
            close(descriptor)
            throw PipelineError.cannotCreate(message: "\(warehouse): cannot open or create the warehouse (\(String(cString: strerror(errno)))); expected a writable warehouse file in a writable folder")
        }
        if flock(data, LOCK_EX | LOCK_NB) != 0 {
            close(data)
            close(descriptor)
            throw PipelineError.lockHeld(lockPath: warehouse, pid: nil, startedAt: nil,
                                         command: "its lock file \(path) was removed while it ran")
        }
        warehouseFD = data
        fd = descriptor
        let text = "pid=\(getpid()) started=\(startedAt) command=\(command)\n"
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }

    /// Releases the lock (also done by the kernel at exit).
    package func release() {
        guard fd >= 0 else { return }
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
        if warehouseFD >= 0 {
            flock(warehouseFD, LOCK_UN)
            close(warehouseFD)
            warehouseFD = -1
        }
    }

    /// Parses `pid=… started=… command=…` from the lock file.
    private static func readHolder(_ descriptor: Int32) -> (pid: Int32?, started: String?, command: String?) {
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return (nil, nil, nil) }
        let text = String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        var pid: Int32? = nil, started: String? = nil, command: String? = nil
        for part in text.split(separator: " ") {
            if part.hasPrefix("pid=") { pid = Int32(part.dropFirst(4)) }
            if part.hasPrefix("started=") { started = String(part.dropFirst(8)) }
            if part.hasPrefix("command=") { command = String(part.dropFirst(8)) }
        }
        return (pid, started, command)
    }
}
