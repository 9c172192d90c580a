import AmbassadorCore
import Foundation
import Generate
import TestSupport
import Warehouse

extension Bench {
    /// The PostgreSQL engine on the pipeline section's rows: extract + normalize + load of the
    /// six monthly ticket files with their rosters into a fresh schema, against `psql \copy` of
    /// the same six files into one plain table, and against the floor of a keyed fact in
    /// `psql` alone (\copy into a table, then one `INSERT … SELECT DISTINCT ON` keyed by ticket
    /// id), each run interleaved; the SQLite path in the same run for comparison. Needs a server:
    /// `make bench` runs under `.ci/with-postgres`, which exports its URL.
    func postgresSection() throws -> String {
        guard let base = ProcessInfo.processInfo.environment["AMBASSADOR_TEST_POSTGRES_URL"], !base.isEmpty else {
            return "## PostgreSQL: extract + normalize + load vs `psql \\copy`\n\nNot measured: no server (run `make bench`, which starts one).\n\n\n"
        }
        let directory = "\(work)/postgres"
        let (counts, ticketFiles) = try ticketPipeline(in: directory)
        let admin = try PostgresConnection(.postgres(url: base), applicationName: "ambassador-bench")
        let schema = "bench_pipeline"
        let url = base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D" + schema
        // The yardsticks, as psql scripts over the same six files.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: directory + "/tickets/" + ticketFiles[0]))
        let header = String(decoding: try handle.read(upToCount: 4096) ?? Data(), as: UTF8.self).prefix { $0 != "\n" && $0 != "\r" }
        try handle.close()
        let names = header.split(separator: ",").map { "\"\($0)\"" }
        let columns = names.map { "\($0) text" }.joined(separator: ", ")
        let copies = ticketFiles.map { "\\copy bench_floor.raw FROM 'tickets/\($0)' WITH (FORMAT csv, HEADER true)" }.joined(separator: "\n")
        try """
            DROP SCHEMA IF EXISTS bench_floor CASCADE;
            CREATE SCHEMA bench_floor;
            CREATE TABLE bench_floor.raw (\(columns));
            \(copies)
            """.write(toFile: directory + "/copy.sql", atomically: true, encoding: .utf8)
        try """
            DROP SCHEMA IF EXISTS bench_floor CASCADE;
            CREATE SCHEMA bench_floor;
            CREATE TABLE bench_floor.raw (\(columns));
            \(copies)
            CREATE TABLE bench_floor.fact (\(columns), PRIMARY KEY ("Ticket ID"));
            INSERT INTO bench_floor.fact SELECT DISTINCT ON ("Ticket ID") * FROM bench_floor.raw ORDER BY "Ticket ID", "Updated At" DESC;
            """.write(toFile: directory + "/floor.sql", atomically: true, encoding: .utf8)
        var totals: [Double] = [], copiesTimes: [Double] = [], floors: [Double] = [], stages: [[Double]] = [], sqliteTotals: [Double] = []
        var sizes: [Int] = [], peak = 0, facts = (postgres: 0, sqlite: 0)
        for run in 0..<runs {
            removeWarehouses(directory)
            try? FileManager.default.removeItem(atPath: directory + "/archive")
            try? FileManager.default.removeItem(atPath: directory + "/var")
            try admin.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE; CREATE SCHEMA \(schema)")
            var times: [Double] = [], sqliteTimes: [Double] = []
            for stage in ["extract", "normalize", "load"] {
                let m = try ChildProcess.measure([ambassador, stage, "--pipeline", "pipeline-bench.yml", "--warehouse", url, "--quiet"], in: directory)
                times.append(m.seconds)
                peak = max(peak, m.peakKB)
            }
            for stage in ["extract", "normalize", "load"] {
                sqliteTimes.append(try ChildProcess.measure([ambassador, stage, "--pipeline", "pipeline-bench.yml", "--quiet"], in: directory).seconds)
            }
            sizes.append(try admin.count("""
                SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relkind IN ('r', 'm')
                """, [.text(schema)]))
            facts.postgres = try admin.count("SELECT count(*) FROM \(schema).fact_ticket")
            facts.sqlite = try Database(path: directory + "/w.sqlite", readOnly: true).count("SELECT count(*) FROM fact_ticket")
            let c = try ChildProcess.measure(["/usr/bin/env", "psql", base, "-q", "-v", "ON_ERROR_STOP=1", "-f", "copy.sql"], in: directory)
            let f = try ChildProcess.measure(["/usr/bin/env", "psql", base, "-q", "-v", "ON_ERROR_STOP=1", "-f", "floor.sql"], in: directory)
            stages.append(times)
            totals.append(times.reduce(0, +))
            sqliteTotals.append(sqliteTimes.reduce(0, +))
            copiesTimes.append(c.seconds)
            floors.append(f.seconds)
            print("postgres \(run + 1)/\(runs): extract+normalize+load \(format(times.reduce(0, +))) s (\(times.map(format).joined(separator: " + "))), psql \\copy \(format(c.seconds)) s, keyed floor \(format(f.seconds)) s, SQLite path \(format(sqliteTimes.reduce(0, +))) s")
        }
        try admin.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE; DROP SCHEMA IF EXISTS bench_floor CASCADE")
        removeWarehouses(directory)
        let total = median(totals), copy = median(copiesTimes), floor = median(floors), sqlite = median(sqliteTotals)
        let stageMedians = (0..<3).map { i in median(stages.map { $0[i] }) }
        let server = (try? admin.scalar("SHOW server_version").stringValue) ?? "?"
        return """
            ## PostgreSQL: extract + normalize + load vs `psql \\copy`

            The pipeline section's rows (generated, seed 3, 60 teams: \(counts.tickets) tickets in six monthly CSVs with their
            rosters) into a fresh schema of a PostgreSQL \(server) server on the same machine (the throw-away cluster of
            `.ci/with-postgres`, whose `fsync` and `synchronous_commit` are off: settings for tests, which flatter the server;
            one that syncs its WAL at each commit will be slower), as `ambassador extract`, `normalize` and `load --warehouse
            postgresql://…`. Yardsticks in the same run: `psql \\copy` of the six files into one plain table, and the keyed floor
            in `psql` alone — the same `\\copy`, then one `INSERT … SELECT DISTINCT ON ("Ticket ID")` into a table keyed by
            ticket id. The SQLite path on the same files in the same run for comparison. Both engines end with the same
            `fact_ticket` row count (\(facts.postgres) on PostgreSQL, \(facts.sqlite) on SQLite).

            | step | median seconds |
            |---|---:|
            | extract | \(format(stageMedians[0])) |
            | normalize | \(format(stageMedians[1])) |
            | load | \(format(stageMedians[2])) |
            | **extract + normalize + load on PostgreSQL** | **\(format(total))** |
            | `psql \\copy` of the six files | \(format(copy)) |
            | keyed floor in `psql` (\\copy, then one keyed insert) | \(format(floor)) |
            | extract + normalize + load on SQLite (same run) | \(format(sqlite)) |

            PostgreSQL pipeline / `\\copy`: **\(format(total / copy))**; / the keyed floor: **\(format(total / floor))** — \(total / floor <= 2 ? "meets" : "MISSES") the
            issue's first bar of 2.0× the staged floor. PostgreSQL / SQLite path: \(format(total / sqlite)). Peak memory of any
            step: \(peak / 1024) MB. Schema size after load: \(sizes.sorted()[sizes.count / 2] / 1_000_000) MB (tables, indexes and TOAST).


            """
    }
}
