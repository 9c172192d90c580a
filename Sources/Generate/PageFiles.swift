import AmbassadorCore

/// The pages of one month's API export being written: records are appended to the current
/// page until it holds `pageSize`, then the page is written as `<stem>_pNNN.json`.
struct PageFiles {
    let stem: String
    let pageSize: Int
    private var buffer: [UInt8] = []
    private(set) var count = 0
    private(set) var files = 0

    init(stem: String, pageSize: Int) {
        self.stem = stem
        self.pageSize = pageSize
    }

    var isFull: Bool { count >= pageSize }

    /// Adds one record, after `separator` when the page already holds one.
    mutating func append(_ record: [UInt8], separator: [UInt8] = [44]) {
        if count > 0 { buffer.append(contentsOf: separator) }
        buffer.append(contentsOf: record)
        count += 1
    }

    /// Writes the page between `prefix` and `suffix` and starts the next one.
    mutating func write(prefix: String, suffix: String) throws {
        let out = try OutputFile(path: "\(stem)_p\(pad(files + 1, 3)).json")
        out.write(prefix)
        out.write(bytes: buffer)
        out.write(suffix)
        try out.finish()
        files += 1
        buffer.removeAll(keepingCapacity: true)
        count = 0
    }
}
