import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Disk space held back beside the warehouse (`<warehouse>.reserve`, 8 MiB), so that a run
/// that fills the disk can still close its books: on a full disk the reserve is given up, the
/// WAL is checkpointed and truncated and the ledger records the failure — instead of the run
/// staying `running` and the next one calling it killed. The next run makes the reserve again;
/// when it cannot (a file-size limit, a disk already full), it says so and goes on without.
package struct SpaceReserve {
    package static let bytes = 8 << 20
    package let path: String

    package init(warehouse: String) {
        path = warehouse + ".reserve"
    }

    /// Makes sure the reserve exists at its full size.
    package func ensure() throws {
        var info = stat()
        if stat(path, &info) == 0, Int(info.st_size) >= SpaceReserve.bytes { return }
        let fd = open(path, O_WRONLY | O_CREAT, 0o600)
        guard fd >= 0 else { throw WarehouseError.fileSystem(path: path, message: "cannot create the space reserve (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        let rc = posix_fallocate(fd, 0, off_t(SpaceReserve.bytes))
        guard rc == 0 else {
            unlink(path)
            throw WarehouseError.fileSystem(
                path: path,
                message: "cannot set aside \(SpaceReserve.bytes >> 20) MiB beside the warehouse (\(String(cString: strerror(rc)))); expected free disk space — on a full disk this run may not be able to record its failure")
        }
    }

    /// Gives the space back (on a full disk, to record the failure).
    package func release() {
        unlink(path)
    }
}
