/// Transactions and savepoints.
extension Database {
    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`): committed when it returns,
    /// rolled back when it throws. Taking the write lock up front means a busy database
    /// fails at BEGIN, not half way through. Inside an enclosing transaction (a backfill
    /// makes its whole range one) it is a savepoint: its failure undoes only its own work.
    @discardableResult
    package func transaction<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction { return try savepoint("ambassador_nested", body) }
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Runs `body` inside a savepoint: on error only its work is undone, and the
    /// enclosing transaction (if any) goes on.
    @discardableResult
    package func savepoint<T>(_ name: String = "ambassador", _ body: () throws -> T) throws -> T {
        let quoted = Database.quote(name)
        try execute("SAVEPOINT \(quoted)")
        do {
            let result = try body()
            try execute("RELEASE \(quoted)")
            return result
        } catch {
            try? execute("ROLLBACK TO \(quoted)")
            try? execute("RELEASE \(quoted)")
            throw error
        }
    }
}
