/// Inserts many rows into one table through one prepared statement: bind, step, reset.
///
/// The caller wraps the whole batch in a transaction. This is the path every stage uses
/// for volume; `make bench` compares it with a plain C loop.
package final class BulkInserter {
    package let statement: Statement
    package let columnCount: Int
    /// Rows inserted so far.
    package private(set) var rowsInserted = 0

    /// Prepares `INSERT [OR REPLACE] INTO "table" ("c1", …) VALUES (?, …)`; names are quoted.
    package init(database: Database, table: String, columns: [String], orReplace: Bool = false) throws {
        let names = columns.map(Database.quote).joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        let verb = orReplace ? "INSERT OR REPLACE" : "INSERT"
        statement = try database.prepare("\(verb) INTO \(Database.quote(table)) (\(names)) VALUES (\(marks))")
        columnCount = columns.count
    }

    /// Inserts one row of values (in column order).
    package func insert(_ values: [SQLValue]) throws {
        try statement.execute(values)
        rowsInserted += 1
    }

    /// Inserts one row bound by `bind` (for zero-copy binding with `Statement.bindText`).
    /// `bind` must set every parameter: bindings are kept from the previous row.
    package func insert(binding bind: (Statement) throws -> Void) throws {
        defer { statement.reset() }
        try bind(statement)
        try statement.step()
        rowsInserted += 1
    }
}
