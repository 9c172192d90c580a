#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named places where a crash test may kill the process, for proving crash safety.
///
/// Set `AMBASSADOR_KILL_AT=<name>` (optionally `<name>#N` for the N-th time it is reached)
/// or `AMBASSADOR_KILL_AFTER=<N>` (the N-th fault point of any name) and the process sends
/// itself SIGKILL there, exactly as `kill -9` from outside would. Unset, this is one
/// comparison per call, and it is only called at commit boundaries, never per row.
///
/// `AMBASSADOR_PAUSE_AT=<name>:<seconds>` sleeps there instead, so a test can hold the
/// warehouse lock for a known time. With `AMBASSADOR_PAUSE_SIGNAL=<path>` as well, the
/// process creates that file when it starts to sleep and wakes early once the file is
/// removed: a test waits for the file instead of guessing how long start-up takes on a
/// loaded machine, does what it must while the process is held, then lets it go.
package enum FaultPoint {
    private nonisolated(unsafe) static var hits: [String: Int] = [:]
    private nonisolated(unsafe) static var total = 0
    private static let killAt: (name: String, count: Int)? = {
        guard let raw = getenv("AMBASSADOR_KILL_AT").map({ String(cString: $0) }), !raw.isEmpty else {
            return nil
        }
        let parts = raw.split(separator: "#", maxSplits: 1)
        let count = parts.count > 1 ? Int(parts[1]) ?? 1 : 1
        return (String(parts[0]), count)
    }()
    private static let killAfter: Int? = getenv("AMBASSADOR_KILL_AFTER").flatMap { Int(String(cString: $0)) }
    private static let pauseAt: (name: String, seconds: UInt32)? = {
        guard let raw = getenv("AMBASSADOR_PAUSE_AT").map({ String(cString: $0) }),
              let colon = raw.lastIndex(of: ":"), let seconds = UInt32(raw[raw.index(after: colon)...]) else { return nil }
        return (String(raw[..<colon]), seconds)
    }()

    private static func hold(seconds: UInt32) {
        guard let signal = getenv("AMBASSADOR_PAUSE_SIGNAL").map({ String(cString: $0) }), !signal.isEmpty else {
            sleep(seconds)
            return
        }
        let descriptor = open(signal, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if descriptor >= 0 { close(descriptor) }
        var left = Int(seconds) * 20
        while left > 0, access(signal, F_OK) == 0 {
            usleep(50_000)
            left -= 1
        }
    }

    /// Marks that the process reached the point `name`.
    package static func reached(_ name: String) {
        guard killAt != nil || killAfter != nil || pauseAt != nil else { return }
        if let pause = pauseAt, pause.name == name {
            hold(seconds: pause.seconds)
        }
        total += 1
        hits[name, default: 0] += 1
        if let target = killAt, target.name == name, hits[name] == target.count {
            kill(getpid(), SIGKILL)
        }
        if let after = killAfter, total == after {
            kill(getpid(), SIGKILL)
        }
    }
}
