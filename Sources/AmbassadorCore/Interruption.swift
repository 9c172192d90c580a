#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The signal that asked the run to stop (SIGTERM from cron or systemd, SIGINT from Ctrl-C),
/// set by the handler; 0 when none. A plain integer store is async-signal-safe.
private nonisolated(unsafe) var requestedSignal: Int32 = 0

/// Stopping a run cleanly: while a run is going on, SIGTERM and SIGINT only set a flag; the
/// stages look at it between units of work (`checkpoint()`, never inside a transaction), so
/// the run stops at the next commit boundary and the runner records it as `interrupted`,
/// exiting 128 + the signal (143, 130). A second signal ends the process at once.
package enum Interruption {
    /// Installs the handlers for the length of a run.
    package static func install() {
        requestedSignal = 0
        for sig in [SIGTERM, SIGINT] {
            signal(sig) { received in
                if requestedSignal != 0 { _exit(128 + received) }
                requestedSignal = received
            }
        }
    }

    /// Puts the default handlers back (the run is over).
    package static func uninstall() {
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
    }

    /// Throws `RunInterrupted` when a stop was asked for. Call between committed units only.
    package static func checkpoint() throws {
        let received = requestedSignal
        if received != 0 { throw RunInterrupted(signal: received) }
    }
}

/// A run stopped by a signal at a commit boundary: what was committed stays, nothing else.
package struct RunInterrupted: Error, CustomStringConvertible, Equatable {
    package let signal: Int32

    package var exitCode: Int32 { 128 + signal }

    package var description: String {
        let name = signal == SIGINT ? "SIGINT" : signal == SIGTERM ? "SIGTERM" : "signal \(signal)"
        return "interrupted by \(name): stopped at a commit boundary; expected nothing — a rerun goes on from what was committed"
    }
}
