import AmbassadorCore
import Foundation
import Load
import Warehouse

/// `ambassador confirm FILE`: a roster snapshot held back for dropping too much of the
/// workforce at once (`validation.max_roster_drop`) is declared real, under the lock.
package enum RosterConfirmation {
    /// Releases the held file at `path` (relative to the current directory or absolute).
    /// Throws `PipelineError.usage` when no held file has that path.
    package static func confirm(config: PipelineConfig, path: String, now: String) throws -> String {
        // As given from here, or as the manifest names it (relative to the pipeline's root).
        let absolutePath = absolute(path, base: FileManager.default.currentDirectoryPath)
        func release(_ database: any WarehouseConnection) throws -> Int {
            let found = try RosterDropGuard.confirm(database: database, path: config.manifestPath(absolutePath))
            return found > 0 ? found : try RosterDropGuard.confirm(database: database, path: config.manifestPath(config.absolutePath(manifest: path)))
        }
        let released: Int
        if config.location.isPostgres {
            // The schema's advisory lock, as a run takes it.
            let connection = try PostgresConnection(config.location, applicationName: "ambassador confirm")
            let schema = try connection.currentSchema()
            let lock = PostgresAdvisoryLock(connection: connection, schema: schema)
            if let holder = try lock.acquire() {
                throw PipelineError.lockHeld(lockPath: "\(config.location.redacted) (schema \(schema))", pid: holder.pid,
                                             startedAt: holder.since, command: holder.application)
            }
            defer { try? lock.release() }
            try Migrator.migrate(connection, appliedAt: now)
            released = try release(connection)
        } else {
            let lock = WarehouseLock(warehouse: config.warehouse)
            try lock.acquire(command: "confirm", startedAt: now)
            defer { lock.release() }
            // The connection is closed (the closure's end) before the lock is released (see Runner).
            released = try { () throws -> Int in
                let database = try Database(path: config.warehouse)
                try Migrator.migrate(database, appliedAt: now)
                return try release(database)
            }()
        }
        guard released > 0 else {
            throw PipelineError.usage(message: "\(absolutePath): no roster file of that path is held back in \(config.location.redacted); expected the path a load held back (see `ambassador status`)")
        }
        return "\(absolutePath): confirmed; its snapshot counts from the next `ambassador load` (or run)"
    }
}
