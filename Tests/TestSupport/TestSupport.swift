import Foundation

/// The scratch root, readable from the `atexit` handler (which cannot capture).
nonisolated(unsafe) private var scratchRootForExit: String?

/// Paths and helpers the test targets share. Every test gets its own directory and its
/// own SQLite file: real databases, never mocks.
public enum TestSupport {
    /// The package root (found from this file's path).
    public static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The real public exports the tests read, kept in the repository (`Tests/Fixtures`, byte for
    /// byte with their `SOURCES.md` rows), so that a clone alone passes `make test`.
    /// `AMBASSADOR_FIXTURES` points elsewhere, e.g. at a newer batch to try.
    public static let fixtures: String = {
        let env = ProcessInfo.processInfo.environment["AMBASSADOR_FIXTURES"]
        return env ?? packageRoot + "/Tests/Fixtures"
    }()

    /// This process's scratch root, removed when the test process exits
    /// (set `AMBASSADOR_KEEP_TEST_FILES=1` to keep it for a post-mortem).
    private static let scratchRoot: String = {
        let path = NSTemporaryDirectory() + "ambassador-tests/\(getpid())-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        scratchRootForExit = path
        if ProcessInfo.processInfo.environment["AMBASSADOR_KEEP_TEST_FILES"] == nil {
            atexit {
                if let root = scratchRootForExit { try? FileManager.default.removeItem(atPath: root) }
            }
        }
        return path
    }()

    /// A fresh empty directory under this process's scratch root.
    public static func temporaryDirectory(_ name: String = #function) -> String {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        let path = scratchRoot + "/\(safe)-\(UUID().uuidString.prefix(8))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `text` to `path` (creating directories), byte for byte.
    /// Every employee's name and e-mail in the roster snapshots under `folder` (the bundled
    /// samples' CSV layout: id, name, e-mail first), read from the files themselves; and each
    /// employee id's e-mail.
    public static func rosterIdentities(in folder: String) throws -> (identities: Set<String>, emailOf: [String: String]) {
        var identities: Set<String> = []
        var emailOf: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder).sorted() {
            let text = try String(contentsOfFile: folder + "/" + file, encoding: .utf8)
            for line in text.split(whereSeparator: \.isNewline).dropFirst() {
                let cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard cells.count > 2 else { continue }
                identities.insert(cells[1])
                identities.insert(cells[2])
                emailOf[cells[0]] = cells[2]
            }
        }
        return (identities, emailOf)
    }

    public static func write(_ text: String, to path: String) {
        write(Array(text.utf8), to: path)
    }

    public static func write(_ bytes: [UInt8], to path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    /// The `ambassador` executable built beside the test bundle (or `AMBASSADOR_BIN`).
    public static var binary: String {
        if let env = ProcessInfo.processInfo.environment["AMBASSADOR_BIN"] { return env }
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [directory.appendingPathComponent("ambassador").path,
                          packageRoot + "/.build/debug/ambassador"]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }

    /// The result of running the binary.
    public struct Result {
        public let status: Int32
        /// True when the process was ended by a signal (`status` is then the signal).
        public let signaled: Bool
        public let stdout: String
        public let stderr: String
    }

    /// Runs `ambassador` (or `executable`) with `arguments` in `directory`, waiting for it to end.
    @discardableResult
    public static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
                           executable: String? = nil) throws -> Result {
        let process = try start(arguments, in: directory, environment: environment, executable: executable)
        return finish(process)
    }

    /// A started process with its captured output.
    public final class Running: @unchecked Sendable {
        public let process: Process
        let out: Pipe
        let err: Pipe
        var outData = Data()
        var errData = Data()
        let group = DispatchGroup()

        init(process: Process, out: Pipe, err: Pipe) {
            self.process = process
            self.out = out
            self.err = err
        }
    }

    /// Starts `ambassador` without waiting.
    public static func start(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
                             executable: String? = nil) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable ?? binary)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = ProcessInfo.processInfo.environment
        for key in ["AMBASSADOR_KILL_AT", "AMBASSADOR_KILL_AFTER", "AMBASSADOR_PAUSE_AT", "AMBASSADOR_PAUSE_SIGNAL", "AMBASSADOR_PIPELINE"] { env[key] = nil }
        env.merge(environment) { _, new in new }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let running = Running(process: process, out: out, err: err)
        running.group.enter()
        running.group.enter()
        DispatchQueue.global().async {
            running.outData = out.fileHandleForReading.readDataToEndOfFile()
            running.group.leave()
        }
        DispatchQueue.global().async {
            running.errData = err.fileHandleForReading.readDataToEndOfFile()
            running.group.leave()
        }
        try process.run()
        return running
    }

    /// Waits until a process started with `AMBASSADOR_PAUSE_SIGNAL=signal` holds at its pause
    /// point (it has created `signal`); false if it has not within `timeout` seconds or ended.
    public static func awaitPause(_ running: Running, signal: String, timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, running.process.isRunning {
            if FileManager.default.fileExists(atPath: signal) { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return FileManager.default.fileExists(atPath: signal)
    }

    /// Waits for a started process and collects its output.
    public static func finish(_ running: Running) -> Result {
        running.process.waitUntilExit()
        running.group.wait()
        return Result(status: running.process.terminationStatus,
                      signaled: running.process.terminationReason == .uncaughtSignal,
                      stdout: String(decoding: running.outData, as: UTF8.self),
                      stderr: String(decoding: running.errData, as: UTF8.self))
    }
}
