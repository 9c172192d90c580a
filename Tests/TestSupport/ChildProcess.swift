import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs programs as whole processes and reports wall time and peak memory, for the
/// benchmarks and for tests with a memory bar.
///
/// Peak memory is measured through GNU time (`/usr/bin/time -f %M`), not this process's
/// own `wait4`: posix_spawn vforks, and at exec Linux folds the parent's high-water mark
/// into the child's `ru_maxrss`, so a large test or bench process would be counted as the
/// child's. GNU time is a small process of its own, so what it reports is the child's.
public enum ChildProcess {
    /// A finished child process.
    public struct Measured {
        public let seconds: Double
        /// User plus system CPU time: what a bound on work done should use, as it does
        /// not grow when other processes share the machine.
        public let cpuSeconds: Double
        public let peakKB: Int
        /// Exit status, or 128 + signal.
        public let status: Int32
    }

    public enum Failure: Error, CustomStringConvertible {
        case spawn(String, Int32)
        case failed([String], Int32)
        case report(String)

        public var description: String {
            switch self {
            case let .spawn(command, code): return "\(command): cannot start (\(String(cString: strerror(code))))"
            case let .failed(argv, status): return "\(argv.joined(separator: " ")): exited with \(status)"
            case let .report(text): return "GNU time wrote \"\(text)\"; expected user and system seconds and peak KB"
            }
        }
    }

    /// Runs `argv` (looked up in PATH) in `directory`, stdout (and with `quiet` stderr) to
    /// /dev/null. Throws when it cannot start, or exits non-zero unless `allowFailure`.
    public static func measure(_ argv: [String], in directory: String? = nil, quiet: Bool = false,
                               allowFailure: Bool = false) throws -> Measured {
        let timer = "/usr/bin/time"
        guard FileManager.default.isExecutableFile(atPath: timer) else { throw Failure.spawn(timer, ENOENT) }
        let report = NSTemporaryDirectory() + "ambassador-time-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer { unlink(report) }
        // `env -C DIR` changes directory inside the measured process, then execs the command.
        let command = directory.map { ["/usr/bin/env", "-C", $0] + argv } ?? argv
        let result = try spawnAndWait([timer, "-o", report, "-f", "%U %S %M"] + command, quiet: quiet)
        let text = (try? String(contentsOfFile: report, encoding: .utf8)) ?? ""
        // GNU time writes "Command exited with non-zero status N" before the figures when it fails.
        let figures = text.split(separator: "\n").last.map { $0.split(separator: " ").map(String.init) } ?? []
        guard figures.count == 3, let user = Double(figures[0]), let system = Double(figures[1]), let peak = Int(figures[2]) else {
            throw Failure.report(text)
        }
        guard result.status == 0 || allowFailure else { throw Failure.failed(argv, result.status) }
        return Measured(seconds: result.seconds, cpuSeconds: user + system, peakKB: peak, status: result.status)
    }

    private static func spawnAndWait(_ argv: [String], quiet: Bool) throws -> (seconds: Double, status: Int32) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        if quiet { posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0) }
        var pid = pid_t()
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        let started = monotonic()
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ)
        guard rc == 0 else { throw Failure.spawn(argv[0], rc) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let seconds = monotonic() - started
        let exit = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return (seconds, exit)
    }

    /// Seconds until `argv` writes its first line to a pipe; the process is then ended.
    public static func timeToFirstLine(_ argv: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        let started = monotonic()
        try process.run()
        var byte: UInt8 = 0
        let fd = pipe.fileHandleForReading.fileDescriptor
        while read(fd, &byte, 1) == 1 && byte != 10 {}
        let seconds = monotonic() - started
        process.terminate()
        process.waitUntilExit()
        return seconds
    }

    static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
