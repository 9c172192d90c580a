import AmbassadorCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds inbox files and their partition dates.
package enum InboxScanner {
    /// Paths matching the glob `pattern`, sorted (glob(3)), directories left out. Anything
    /// else that matches — a dangling symlink, a symlink loop, a FIFO — is returned so that
    /// extract reports it as a failed file instead of passing over it in silence.
    package static func files(matching pattern: String) -> [String] {
        var result = glob_t()
        defer { globfree(&result) }
        guard glob(pattern, 0, nil, &result) == 0 else { return [] }
        var paths: [String] = []
        for index in 0..<Int(result.gl_pathc) {
            guard let pointer = result.gl_pathv[index] else { continue }
            let path = String(cString: pointer)
            var info = stat()
            if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR { continue }
            paths.append(path)
        }
        return paths.sorted()
    }

    /// The real path of `path` (every symbolic link followed) when it lies outside all of
    /// `roots` (themselves taken as real paths); nil when it is inside one, or cannot be
    /// resolved (a dangling link fails later as unreadable).
    package static func outside(_ path: String, roots: [String]) -> String? {
        guard let target = realPath(path) else { return nil }
        let allowed = roots.map { realPath($0) ?? $0 }
        let inside = allowed.contains { root in target == root || target.hasPrefix(root.hasSuffix("/") ? root : root + "/") }
        return inside ? nil : target
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The first valid date written `YYYY-MM-DD`, `YYYY_MM_DD` or `YYYYMMDD` in the file name.
    package static func dateInFileName(_ path: String) -> CivilDate? {
        let name = Array((path.split(separator: "/").last.map(String.init) ?? path).utf8)
        func digit(_ i: Int) -> Int? {
            guard i < name.count, name[i] >= 48, name[i] <= 57 else { return nil }
            return Int(name[i] - 48)
        }
        func number(_ from: Int, _ count: Int) -> Int? {
            var value = 0
            for i in from..<(from + count) {
                guard let d = digit(i) else { return nil }
                value = value * 10 + d
            }
            return value
        }
        var i = 0
        while i + 8 <= name.count {
            // Not in the middle of a longer number.
            if i > 0, digit(i - 1) != nil { i += 1; continue }
            if let y = number(i, 4) {
                let separated = i + 10 <= name.count && (name[i + 4] == UInt8(ascii: "-") || name[i + 4] == UInt8(ascii: "_"))
                    && name[i + 7] == name[i + 4]
                if separated, let m = number(i + 5, 2), let d = number(i + 8, 2), digit(i + 10) == nil,
                   let date = CivilDate(year: y, month: m, day: d) {
                    return date
                }
                if let m = number(i + 4, 2), let d = number(i + 6, 2), digit(i + 8) == nil,
                   let date = CivilDate(year: y, month: m, day: d) {
                    return date
                }
            }
            i += 1
        }
        return nil
    }
}
