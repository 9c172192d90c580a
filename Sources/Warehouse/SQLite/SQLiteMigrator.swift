/// SQLite: applies the numbered migrations a warehouse has not seen yet, each in its own transaction.
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
        var applied: [Int] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) where migration.version > current {
            do {
                try database.transaction {
                    try database.execute(migration.sql)
                    try database.run(
                        "INSERT INTO etl_schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                        [.integer(Int64(migration.version)), .text(migration.name), .text(appliedAt)])
                }
            } catch {
                throw WarehouseError.migration(path: database.path, version: migration.version, message: "\(error)")
            }
            applied.append(migration.version)
        }
        return applied
    }
}
