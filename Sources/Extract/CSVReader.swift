/// What went wrong with one CSV record (it is rejected; the file goes on).
package enum CSVRecordProblem: Equatable, Sendable {
    /// The file ended inside a quoted field that began on `line`.
    case unterminatedQuote(line: Int)
    /// The record is longer than the reader's limit; its bytes were dropped.
    case tooLarge(bytes: Int, limit: Int)
    /// Text after the closing quote of field `field` (0-based): `"3" "` — which value was meant
    /// cannot be told, so the record is rejected rather than read as `3 "`.
    case textAfterClosingQuote(line: Int, field: Int)
}

/// One parsed record, valid only during the callback that receives it.
package struct CSVRecord {
    /// Physical line (1-based) the record starts on.
    package let line: Int
    /// Byte offset of the record's first byte in the (decoded) input.
    package let offset: Int64
    package let problem: CSVRecordProblem?
    fileprivate let bytes: UnsafeBufferPointer<UInt8>
    /// Where each field ends in `bytes`; the next begins `gap` bytes later (0 when `bytes` are
    /// the fields copied end to end, 1 when they are the record as it stands in the input,
    /// delimiters between its fields).
    fileprivate let ends: UnsafeBufferPointer<Int>
    fileprivate var gap = 0

    package var fieldCount: Int { ends.count }

    /// The bytes of field `index` (no copy).
    package func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        let start = index == 0 ? 0 : ends[index - 1] + gap
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[index]])
    }

    /// Field `index` as a `String` (invalid UTF-8 is repaired with U+FFFD).
    package func string(_ index: Int) -> String {
        String(decoding: field(index), as: UTF8.self)
    }

    /// All fields as strings.
    package var strings: [String] { (0..<fieldCount).map(string) }

    /// The first field holding a NUL byte or invalid UTF-8, with the byte's offset in the field.
    package func firstBadByte() -> (field: Int, offset: Int, byte: UInt8, nul: Bool)? {
        // One pass over the whole record: the common all-ASCII case costs a compare per byte.
        var suspicious = false
        for b in bytes where b == 0 || b >= 0x80 {
            suspicious = true
            break
        }
        guard suspicious else { return nil }
        for index in 0..<fieldCount {
            let f = field(index)
            if let nul = f.firstIndex(of: 0) {
                return (index, nul, 0, true)
            }
            if let bad = UTF8Check.firstInvalid(f[...]) {
                return (index, bad, f[bad], false)
            }
        }
        return nil
    }
}

/// A streaming RFC 4180 CSV parser that also reads what spreadsheets really write:
/// CRLF, LF, CR-only and mixed line endings, quoted fields with delimiters, doubled quotes
/// and embedded newlines, stray quotes inside unquoted fields (kept as data), blank lines
/// (skipped). Works on bytes in large chunks; memory is one chunk plus one record.
package final class CSVReader {
    package static let defaultMaxRecordBytes = 16 << 20

    private enum State {
        case fieldStart, unquoted, quoted, quoteInQuoted
        /// Spaces after a closing quote: allowed up to the delimiter or the line's end.
        case afterQuote
    }

    private let input: TextInput
    /// The field delimiter in use (configured or sniffed).
    package private(set) var delimiter: UInt8
    private let sniff: Bool
    private let maxRecordBytes: Int
    private var state = State.fieldStart
    private var buffer: [UInt8] = []
    private var ends: [Int] = []
    private var line = 1
    private var recordLine = 1
    private var quoteLine = 1
    private var skipLF = false
    private var quotedPrevCR = false
    private var position: Int64 = 0
    private var recordOffset: Int64 = 0
    private var oversize = false
    /// The size of the oversized record, in field bytes (delimiters and quotes not counted).
    private var droppedBytes = 0
    private var stopped = false
    /// The field of the current record that had text after its closing quote.
    private var strayAfterQuote: Int?

    /// - Parameters:
    ///   - delimiter: `nil` sniffs `,` `;` tab or `|` from the first line.
    package init(input: TextInput, delimiter: UInt8?, maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes) {
        self.input = input
        self.delimiter = delimiter ?? UInt8(ascii: ",")
        self.sniff = delimiter == nil
        self.maxRecordBytes = maxRecordBytes
        buffer.reserveCapacity(4096)
        ends.reserveCapacity(64)
    }

    /// The encoding the input turned out to use.
    package var encoding: TextEncoding { input.encoding }

    /// Bytes of the file consumed so far (for progress).
    package var bytesRead: Int64 { input.bytesRead }

    /// Parses the whole input, calling `body` per record; `body` returns `false` to stop.
    package func forEach(_ body: (CSVRecord) throws -> Bool) throws {
        var firstChunk = true
        while !stopped {
            let more = try input.nextChunk { chunk in
                if firstChunk {
                    firstChunk = false
                    if sniff { delimiter = CSVReader.sniffDelimiter(chunk) }
                }
                try consume(chunk, body)
            }
            if !more { break }
        }
        guard !stopped else { return }
        switch state {
        case .quoted:
            try finishRecord(body, problem: .unterminatedQuote(line: quoteLine))
        case .unquoted, .quoteInQuoted, .afterQuote:
            try finishRecord(body, problem: nil)
        case .fieldStart:
            // A delimiter right before end of file still makes an (empty) last field.
            if !ends.isEmpty { try finishRecord(body, problem: nil) }
        }
    }

    private func consume(_ chunk: UnsafeBufferPointer<UInt8>, _ body: (CSVRecord) throws -> Bool) throws {
        let quote = UInt8(ascii: "\"")
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        let delimiter = self.delimiter
        let n = chunk.count
        var i = 0
        while i < n && !stopped {
            if skipLF {
                skipLF = false
                if chunk[i] == lf {
                    i += 1
                    continue
                }
            }
            if state == .fieldStart && ends.isEmpty && buffer.isEmpty, let next = try wholeRecord(chunk, from: i, body) {
                i = next
                continue
            }
            switch state {
            case .fieldStart, .unquoted:
                if state == .fieldStart {
                    if ends.isEmpty && buffer.isEmpty { recordLine = line; recordOffset = position + Int64(i) }
                    if chunk[i] == quote {
                        state = .quoted
                        quoteLine = line
                        i += 1
                        continue
                    }
                    state = .unquoted
                }
                var j = i
                while j < n {
                    let c = chunk[j]
                    if c == delimiter || c == lf || c == cr { break }
                    j += 1
                }
                append(chunk, i, j)
                i = j
                if j == n { break }
                let c = chunk[j]
                i += 1
                if c == delimiter {
                    endField()
                    state = .fieldStart
                } else {
                    try endLine(c == cr, body)
                }
            case .quoted:
                var j = i
                while j < n {
                    let c = chunk[j]
                    if c == quote { break }
                    // Count physical lines inside the field; CRLF is one line break,
                    // even when a chunk boundary splits it.
                    if c == lf {
                        if !quotedPrevCR { line += 1 }
                        quotedPrevCR = false
                    } else if c == cr {
                        line += 1
                        quotedPrevCR = true
                    } else {
                        quotedPrevCR = false
                    }
                    j += 1
                }
                append(chunk, i, j)
                i = j
                if j < n {
                    state = .quoteInQuoted
                    quotedPrevCR = false
                    i += 1
                }
            case .quoteInQuoted:
                let c = chunk[i]
                i += 1
                if c == quote {
                    appendByte(quote)
                    state = .quoted
                } else if c == delimiter {
                    endField()
                    state = .fieldStart
                } else if c == lf || c == cr {
                    try endLine(c == cr, body)
                } else if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") {
                    state = .afterQuote
                } else {
                    // `"abc"def`: the record is rejected (see finishRecord); the text is read on
                    // to find where the record ends.
                    if strayAfterQuote == nil { strayAfterQuote = ends.count }
                    appendByte(c)
                    state = .unquoted
                }
            case .afterQuote:
                let c = chunk[i]
                i += 1
                if c == delimiter {
                    endField()
                    state = .fieldStart
                } else if c == lf || c == cr {
                    try endLine(c == cr, body)
                } else if c != UInt8(ascii: " ") && c != UInt8(ascii: "\t") {
                    if strayAfterQuote == nil { strayAfterQuote = ends.count }
                    appendByte(c)
                    state = .unquoted
                }
            }
        }
        position += Int64(n)
    }

    /// Reads the record starting at `start` in place when it is the common kind — no quote
    /// in it, its line end inside this chunk, not blank, within the size limit: one scan finds
    /// its fields, which reach `body` as they stand in the chunk, delimiters between them
    /// (the byte-by-byte states and the copy of each field into the record buffer were most
    /// of the parse of a plain export). Returns where the next record starts, or nil — nothing
    /// consumed — for any other record, which the states read.
    private func wholeRecord(_ chunk: UnsafeBufferPointer<UInt8>, from start: Int, _ body: (CSVRecord) throws -> Bool) throws -> Int? {
        let (quote, lf, cr, delimiter) = (UInt8(ascii: "\""), UInt8(ascii: "\n"), UInt8(ascii: "\r"), self.delimiter)
        // Worked on as a local (no access checks per field), given back with its capacity.
        var fieldEnds = ends
        ends = []
        defer {
            fieldEnds.removeAll(keepingCapacity: true)
            ends = fieldEnds
        }
        let n = chunk.count
        var j = start
        while j < n {
            let c = chunk[j]
            if c == delimiter {
                fieldEnds.append(j - start)
            } else if c == lf || c == cr {
                break
            } else if c == quote {
                return nil
            }
            j += 1
        }
        guard j < n, j > start, j - start <= maxRecordBytes else { return nil }
        fieldEnds.append(j - start)
        recordLine = line
        recordOffset = position + Int64(start)
        let keepGoing = try fieldEnds.withUnsafeBufferPointer { ends in
            try body(CSVRecord(line: line, offset: recordOffset, problem: nil,
                               bytes: UnsafeBufferPointer(rebasing: chunk[start..<j]), ends: ends, gap: 1))
        }
        if !keepGoing { stopped = true }
        skipLF = chunk[j] == cr
        line += 1
        return j + 1
    }

    @inline(__always)
    private func append(_ chunk: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) {
        guard to > from else { return }
        if oversize {
            droppedBytes += to - from
            return
        }
        if buffer.count + (to - from) > maxRecordBytes {
            oversize = true
            droppedBytes = buffer.count + to - from
            return
        }
        buffer.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[from..<to]))
    }

    @inline(__always)
    private func appendByte(_ byte: UInt8) {
        if oversize {
            droppedBytes += 1
            return
        }
        if buffer.count + 1 > maxRecordBytes {
            oversize = true
            droppedBytes = buffer.count + 1
            return
        }
        buffer.append(byte)
    }

    @inline(__always)
    private func endField() {
        ends.append(buffer.count)
    }

    private func endLine(_ wasCR: Bool, _ body: (CSVRecord) throws -> Bool) throws {
        skipLF = wasCR
        // (An oversized one-field record has an empty buffer too: its bytes were dropped.)
        let blank = ends.isEmpty && buffer.isEmpty && !oversize && state == .unquoted
        if blank {
            state = .fieldStart
        } else {
            try finishRecord(body, problem: nil)
        }
        line += 1
    }

    private func finishRecord(_ body: (CSVRecord) throws -> Bool, problem: CSVRecordProblem?) throws {
        endField()
        var problem = problem
        if problem == nil, let field = strayAfterQuote {
            problem = .textAfterClosingQuote(line: recordLine, field: field)
        }
        strayAfterQuote = nil
        if oversize {
            problem = .tooLarge(bytes: droppedBytes, limit: maxRecordBytes)
            buffer.removeAll(keepingCapacity: false)
            ends = [0]
        }
        let keepGoing = try buffer.withUnsafeBufferPointer { bytes in
            try ends.withUnsafeBufferPointer { ends in
                try body(CSVRecord(line: recordLine, offset: recordOffset, problem: problem, bytes: bytes, ends: ends))
            }
        }
        if !keepGoing { stopped = true }
        buffer.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        oversize = false
        state = .fieldStart
    }

    /// Picks the delimiter that occurs most often (outside quotes) on the first line.
    package static func sniffDelimiter(_ chunk: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]
        var counts = [Int](repeating: 0, count: candidates.count)
        var inQuotes = false
        for b in chunk {
            if b == UInt8(ascii: "\"") { inQuotes.toggle(); continue }
            if inQuotes { continue }
            if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") { break }
            if let k = candidates.firstIndex(of: b) { counts[k] += 1 }
        }
        var best = 0
        for k in 1..<candidates.count where counts[k] > counts[best] { best = k }
        return candidates[best]
    }
}
