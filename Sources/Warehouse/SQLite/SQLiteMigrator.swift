/// SQLite: applies the numbered migrations a warehouse has not seen yet, each in its own
/// transaction (all of them in one for a new warehouse).
extension Migrator {
    /// Brings `database` up to the newest version in `migrations`; returns the versions applied.
    @discardableResult
    package static func migrate(
        _ database: Database, migrations: [Migration] = WarehouseSchema.migrations, appliedAt: String
    ) throws -> [Int] {
        try database.execute("""
            CREATE TABLE IF NOT EXISTS etl_schema_version (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )
            """)
        let current = try currentVersion(database)
        let known = migrations.map(\.version).max() ?? 0
        if current > known {
            throw WarehouseError.schemaTooNew(path: database.path, found: current, known: known)
        }
        let pending = migrations.sorted(by: { $0.version < $1.version }).filter { $0.version > current }
        // A new warehouse takes its whole schema in one transaction: all of it or nothing, and
        // each page is logged once (one transaction per migration logged the schema's first
        // page fifteen times: 2 MB of WAL for a schema of 0.9 MB with 16 KB pages).
        let units = current == 0 ? [pending] : pending.map { [$0] }
        for unit in units where !unit.isEmpty {
            var version = unit[0].version
            do {
                try database.transaction {
                    for migration in unit {
                        version = migration.version
                        try database.execute(migration.sql)
                        try database.run(
                            "INSERT INTO etl_schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                            [.integer(Int64(migration.version)), .text(migration.name), .text(appliedAt)])
                    }
                }
            } catch {
                throw WarehouseError.migration(path: database.path, version: version, message: "\(error)")
            }
        }
        return pending.map(\.version)
    }
}
