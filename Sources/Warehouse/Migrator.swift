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

/// Brings a warehouse to the newest schema version: each engine's way is in its own folder
/// (`SQLite/SQLiteMigrator.swift`: SQLite's numbered migrations, `WarehouseSchema`;
/// `Postgres/PostgresMigrator.swift`: created whole at version 12, then steps).
package enum Migrator {
    /// The highest applied version, 0 for a new warehouse (either engine).
    package static func currentVersion(_ database: any WarehouseConnection) throws -> Int {
        try database.count("SELECT coalesce(max(version), 0) FROM etl_schema_version")
    }
}

