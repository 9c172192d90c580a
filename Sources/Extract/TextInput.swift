#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text encodings the readers accept; everything is turned into UTF-8 before parsing.
package enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case utf16LE = "utf-16le"
    case utf16BE = "utf-16be"
    case windows1252 = "windows-1252"
    case latin1 = "latin-1"

    /// Parses a configured encoding name; `auto` and `utf-16` (by BOM) return `nil`.
    package static func named(_ name: String) -> TextEncoding?? {
        switch name.lowercased() {
        case "auto", "": return .some(nil)
        case "utf-8", "utf8": return .utf8
        case "utf-16", "utf16": return .some(nil)
        case "utf-16le", "utf16le": return .utf16LE
        case "utf-16be", "utf16be": return .utf16BE
        case "windows-1252", "cp1252", "win-1252": return .windows1252
        case "latin-1", "latin1", "iso-8859-1": return .latin1
        default: return nil
        }
    }
}

/// Reads a file in large chunks and hands out UTF-8, transcoding when needed.
///
/// Detection (encoding `auto`): a byte-order mark decides UTF-8 / UTF-16; without one the
/// first chunk is checked, and a chunk that is not valid UTF-8 makes the file Windows-1252.
package final class TextInput {
    package static let chunkSize = 1 << 20

    package let path: String
    private let fd: Int32
    private var raw: [UInt8]
    private var decoded: [UInt8] = []
    /// Bytes of the file consumed so far.
    package private(set) var bytesRead: Int64 = 0
    /// The file's size at open.
    package let size: Int64
    /// The encoding in use (after detection).
    package private(set) var encoding: TextEncoding = .utf8
    private var pending: [UInt8] = []
    private var highSurrogate: UInt32? = nil
    private var first = true
    private let requested: TextEncoding?

    /// Opens `path`.
    /// - Parameters:
    ///   - encoding: a fixed encoding, or `nil` to detect.
    ///   - chunkSize: bytes per read (tests use tiny chunks to cross every boundary).
    package init(path: String, encoding: TextEncoding?, chunkSize: Int = TextInput.chunkSize) throws {
        self.path = path
        self.requested = encoding
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw ExtractError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        size = fstat(fd, &info) == 0 ? Int64(info.st_size) : 0
        if (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw ExtractError.unreadable(path: path, reason: "is a directory")
        }
        raw = [UInt8](repeating: 0, count: max(chunkSize, 4))
    }

    deinit {
        close(fd)
    }

    /// Calls `body` with the next chunk of UTF-8; returns `false` at end of file.
    package func nextChunk(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Bool {
        let count = try fill()
        if count == 0 {
            if !pending.isEmpty || highSurrogate != nil {
                throw ExtractError.truncated(
                    path: path, offset: bytesRead, message: "the file ends in the middle of a UTF-16 character",
                    expected: "a complete UTF-16 file (an even number of bytes, no lone surrogate at the end)")
            }
            return false
        }
        var start = 0
        if first {
            first = false
            start = detect(count)
        }
        if encoding == .utf8 {
            try raw.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<count])) }
        } else {
            decoded.removeAll(keepingCapacity: true)
            transcode(start, count)
            try decoded.withUnsafeBufferPointer(body)
        }
        return true
    }

    /// read(2) until the buffer is full or the file ends.
    private func fill() throws -> Int {
        var total = 0
        while total < raw.count {
            let n = raw.withUnsafeMutableBytes { read(fd, $0.baseAddress.map { $0 + total }, $0.count - total) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ExtractError.unreadable(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            total += n
        }
        bytesRead += Int64(total)
        return total
    }

    /// Picks the encoding from a BOM or the first chunk; returns the bytes to skip.
    private func detect(_ count: Int) -> Int {
        let b = raw
        if count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF {
            encoding = requested ?? .utf8
            return encoding == .utf8 ? 3 : 0
        }
        if count >= 2, b[0] == 0xFF, b[1] == 0xFE, requested == nil || requested == .utf16LE {
            encoding = .utf16LE
            return 2
        }
        if count >= 2, b[0] == 0xFE, b[1] == 0xFF, requested == nil || requested == .utf16BE {
            encoding = .utf16BE
            return 2
        }
        if let requested {
            encoding = requested
            return 0
        }
        // No BOM: UTF-8 if the chunk is valid (allowing a sequence cut at its end).
        let valid = raw.withUnsafeBufferPointer { UTF8Check.firstInvalid($0[0..<count], allowTruncatedTail: count == raw.count) == nil }
        encoding = valid ? .utf8 : .windows1252
        return 0
    }

    private func transcode(_ start: Int, _ count: Int) {
        switch encoding {
        case .utf8:
            return
        case .latin1:
            for i in start..<count { appendScalar(UInt32(raw[i])) }
        case .windows1252:
            for i in start..<count {
                let byte = raw[i]
                if byte >= 0x80 && byte < 0xA0 {
                    appendScalar(UInt32(TextInput.cp1252High[Int(byte - 0x80)]))
                } else {
                    appendScalar(UInt32(byte))
                }
            }
        case .utf16LE, .utf16BE:
            var i = start
            let bigEndian = encoding == .utf16BE
            if !pending.isEmpty, i < count {
                let unit = bigEndian ? UInt32(pending[0]) << 8 | UInt32(raw[i]) : UInt32(raw[i]) << 8 | UInt32(pending[0])
                pending.removeAll()
                appendUTF16(unit)
                i += 1
            }
            while i + 1 < count {
                let unit = bigEndian ? UInt32(raw[i]) << 8 | UInt32(raw[i + 1]) : UInt32(raw[i + 1]) << 8 | UInt32(raw[i])
                appendUTF16(unit)
                i += 2
            }
            if i < count { pending.append(raw[i]) }
        }
    }

    private func appendUTF16(_ unit: UInt32) {
        if let high = highSurrogate {
            highSurrogate = nil
            if unit >= 0xDC00 && unit <= 0xDFFF {
                appendScalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00))
                return
            }
            appendScalar(0xFFFD)
        }
        if unit >= 0xD800 && unit <= 0xDBFF {
            highSurrogate = unit
        } else if unit >= 0xDC00 && unit <= 0xDFFF {
            appendScalar(0xFFFD)
        } else {
            appendScalar(unit)
        }
    }

    private func appendScalar(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            decoded.append(UInt8(scalar))
        case 0x80..<0x800:
            decoded.append(UInt8(0xC0 | (scalar >> 6)))
            decoded.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            decoded.append(UInt8(0xE0 | (scalar >> 12)))
            decoded.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            decoded.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            decoded.append(UInt8(0xF0 | (scalar >> 18)))
            decoded.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            decoded.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            decoded.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Windows-1252 code points for bytes 0x80–0x9F (undefined ones map to themselves, as
    /// Windows' own decoder does).
    private static let cp1252High: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}

/// UTF-8 validation without building strings.
package enum UTF8Check {
    /// Offset (from the slice's start) of the first byte that is not valid UTF-8, or `nil`.
    /// - Parameter allowTruncatedTail: a sequence cut by the slice's end counts as valid.
    package static func firstInvalid(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, allowTruncatedTail: Bool = false) -> Int? {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let b = bytes[i]
            if b < 0x80 { i += 1; continue }
            let need: Int
            var minimum: UInt32
            var scalar: UInt32
            switch b {
            case 0xC2...0xDF: need = 1; scalar = UInt32(b & 0x1F); minimum = 0x80
            case 0xE0...0xEF: need = 2; scalar = UInt32(b & 0x0F); minimum = 0x800
            case 0xF0...0xF4: need = 3; scalar = UInt32(b & 0x07); minimum = 0x10000
            default: return i - bytes.startIndex
            }
            if i + need >= end {
                // The sequence runs past the slice: valid only as a cut tail of a chunk.
                guard allowTruncatedTail else { return i - bytes.startIndex }
                var k = i + 1
                while k < end {
                    if bytes[k] & 0xC0 != 0x80 { return i - bytes.startIndex }
                    k += 1
                }
                return nil
            }
            for k in 1...need {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { return i - bytes.startIndex }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (scalar >= 0xD800 && scalar <= 0xDFFF) {
                return i - bytes.startIndex
            }
            i += need + 1
        }
        return nil
    }
}
