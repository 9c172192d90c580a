/// A numbered schema change, applied once and recorded in `etl_schema_version`.
package struct Migration: Sendable {
    package let version: Int
    package let name: String
    package let sql: String

    package init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// Applies the migrations a warehouse has not seen yet, each in its own transaction.
package enum Migrator {
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

    /// The highest applied version, 0 for a new warehouse (either engine).
    package static func currentVersion(_ database: any WarehouseConnection) throws -> Int {
        try database.count("SELECT coalesce(max(version), 0) FROM etl_schema_version")
    }
}

extension Migrator {
    /// Brings a PostgreSQL warehouse (the connection's current schema) to the newest version:
    /// a new one is created whole from `PostgresSchema` in one transaction, and every version
    /// it stands for is recorded as SQLite's migrations would record it. Returns the versions
    /// recorded (none when the schema is current).
    @discardableResult
    package static func migrate(_ connection: PostgresConnection, appliedAt: String) throws -> [Int] {
        let known = WarehouseSchema.migrations.map(\.version).max() ?? 0
        guard PostgresSchema.version == known else {
            throw WarehouseError.migration(
                path: connection.target, version: known,
                message: "the PostgreSQL schema stands for version \(PostgresSchema.version) while SQLite's migrations reach \(known); expected both engines at the same version (add the migration to Warehouse/Postgres/PostgresSchema.swift)")
        }
        try connection.execute("""
            CREATE TABLE IF NOT EXISTS etl_schema_version (
                version    bigint PRIMARY KEY,
                name       text NOT NULL,
                applied_at text NOT NULL
            )
            """)
        let current = try connection.count("SELECT coalesce(max(version), 0) FROM etl_schema_version")
        if current > known {
            throw WarehouseError.schemaTooNew(path: connection.target, found: current, known: known)
        }
        if current == known { return [] }
        guard current == 0 else {
            throw WarehouseError.migration(
                path: connection.target, version: current + 1,
                message: "the PostgreSQL warehouse is at version \(current) and there is no step from it; expected a warehouse this version created")
        }
        do {
            return try connection.transaction {
                try connection.execute(PostgresSchema.sql)
                var recorded: [Int] = []
                for migration in WarehouseSchema.migrations.sorted(by: { $0.version < $1.version }) {
                    try connection.run("INSERT INTO etl_schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                                       [.integer(Int64(migration.version)), .text(migration.name), .text(appliedAt)])
                    recorded.append(migration.version)
                }
                return recorded
            }
        } catch {
            throw WarehouseError.migration(path: connection.target, version: known, message: "\(error)")
        }
    }
}
