/// PostgreSQL: a new warehouse created whole, then the steps it has not seen.
extension Migrator {
    /// Brings a PostgreSQL warehouse (the connection's current schema) to the newest version:
    /// a new one is created whole at `PostgresSchema.createdVersion` in one transaction, every
    /// version it stands for recorded as SQLite's migrations would record it; then each of
    /// `steps` the warehouse has not seen is applied and recorded in a transaction of its own.
    /// Returns the versions recorded (none when the schema is current). `steps` other than
    /// the schema's own are for tests (a warehouse left at an older version).
    @discardableResult
    package static func migrate(_ connection: PostgresConnection, steps: [Migration] = PostgresSchema.steps, appliedAt: String) throws -> [Int] {
        let known = WarehouseSchema.migrations.map(\.version).max() ?? 0
        guard PostgresSchema.version == known else {
            throw WarehouseError.migration(
                path: connection.target, version: known,
                message: "the PostgreSQL schema reaches version \(PostgresSchema.version) while SQLite's migrations reach \(known); expected both engines at the same version (add the step to PostgresSchema.steps in Warehouse/Postgres/PostgresSchema.swift)")
        }
        let target = steps.map(\.version).max() ?? PostgresSchema.createdVersion
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS etl_schema_version (
                version    bigint PRIMARY KEY,
                name       text NOT NULL,
                applied_at text NOT NULL
            )
            """)
        var current = try connection.count("SELECT coalesce(max(version), 0) FROM etl_schema_version")
        if current > target {
            throw WarehouseError.schemaTooNew(path: connection.target, found: current, known: target)
        }
        var recorded: [Int] = []
        if current == 0 {
            do {
                recorded = try connection.transaction {
                    try connection.execute(PostgresSchema.sql)
                    var created: [Int] = []
                    for migration in WarehouseSchema.migrations.sorted(by: { $0.version < $1.version }) where migration.version <= PostgresSchema.createdVersion {
                        try record(migration, appliedAt: appliedAt, on: connection)
                        created.append(migration.version)
                    }
                    return created
                }
            } catch {
                throw WarehouseError.migration(path: connection.target, version: PostgresSchema.createdVersion, message: "\(error)")
            }
            current = PostgresSchema.createdVersion
        } else if current < PostgresSchema.createdVersion {
            throw WarehouseError.migration(
                path: connection.target, version: current + 1,
                message: "the PostgreSQL warehouse is at version \(current) and there is no step from it; expected version \(PostgresSchema.createdVersion) or later (the first PostgreSQL warehouses were created at \(PostgresSchema.createdVersion))")
        }
        for step in steps.sorted(by: { $0.version < $1.version }) where step.version > current {
            do {
                try connection.transaction {
                    try connection.execute(step.sql)
                    try record(step, appliedAt: appliedAt, on: connection)
                }
            } catch {
                throw WarehouseError.migration(path: connection.target, version: step.version, message: "\(error)")
            }
            recorded.append(step.version)
        }
        return recorded
    }

    private static func record(_ migration: Migration, appliedAt: String, on connection: PostgresConnection) throws {
        try connection.run("INSERT INTO etl_schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                           [.integer(Int64(migration.version)), .text(migration.name), .text(appliedAt)])
    }
}
