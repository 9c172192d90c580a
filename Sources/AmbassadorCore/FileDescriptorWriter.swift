#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered writer on a file descriptor (stdout for data, stderr for messages).
///
/// Used instead of the C `stdout`/`stderr` globals, which Swift 6 treats as shared mutable
/// state. Call `flush()` before exiting; data lines are buffered in 64 KiB blocks.
package final class FileDescriptorWriter: @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let capacity: Int

    package init(fd: Int32, capacity: Int = 1 << 16) {
        self.fd = fd
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    /// Standard output, buffered.
    package static let standardOutput = FileDescriptorWriter(fd: 1)
    /// Standard error, flushed after every write.
    package static let standardError = FileDescriptorWriter(fd: 2, capacity: 0)

    /// Writes raw bytes (which need not be valid UTF-8).
    package func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= capacity { flush() }
    }

    package func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in buffer.append(contentsOf: bytes) }
        if buffer.count >= capacity { flush() }
    }

    /// Flushes and closes the descriptor (for files opened by the caller).
    package func close() {
        flush()
        _ = Glibc.close(fd)
    }

    /// Whether every write so far reached the descriptor.
    package private(set) var failed = false

    package func flush() {
        var offset = 0
        while offset < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress.map { $0 + offset }, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                failed = true
                break
            }
            offset += n
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
