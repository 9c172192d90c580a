import AmbassadorCore
import Foundation
import Report
import Warehouse

/// `ambassador docs`: one self-contained HTML page describing every table and view of the
/// warehouse — what it holds, which stage writes it, how many rows it has now, and its
/// columns with their types and meaning (WarehouseCatalog). Read-only; no script, no request.
package enum DataDictionary {
    package struct Relation {
        package var name: String
        package var kind: String
        package var rows: Int
        package var columns: [(name: String, type: String)]
        package var entry: WarehouseCatalog.Entry?
    }

    /// Every table and view of the warehouse (SQLite's own tables left out), by layer then name.
    package static func relations(_ database: any WarehouseConnection) throws -> [Relation] {
        var out: [Relation] = []
        for (name, isView) in try database.relations() {
            let kind = isView ? "view" : "table"
            let columns = try database.columnInfo(of: name).map { (name: $0.name, type: $0.declared) }
            let rows = try WarehouseCatalog.rowCount(of: name, database: database) ?? 0
            out.append(Relation(name: name, kind: kind, rows: rows, columns: columns, entry: WarehouseCatalog.entry(for: name)))
        }
        let order = ["view", "fact", "dimension", "score", "linkage", "staging", "raw", "operations"]
        return out.sorted { a, b in
            let la = order.firstIndex(of: a.entry?.layer ?? "") ?? order.count, lb = order.firstIndex(of: b.entry?.layer ?? "") ?? order.count
            return (la, a.name) < (lb, b.name)
        }
    }

    package static func render(warehouse location: String) throws -> String {
        let database = try StatusReport.openForReading(location)
        let warehouse = database.target
        let version = try Migrator.currentVersion(database)
        let relations = try relations(database)
        let h = Escaping.html
        var out = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <title>Ambassador warehouse: data dictionary</title>
            <style>
            body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.4}
            table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}td,th{border-bottom:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
            td.n{text-align:right;font-variant-numeric:tabular-nums}code{font-size:.95em}.layer{color:#666;font-size:.9em}
            </style></head><body>
            <h1>Ambassador warehouse: data dictionary</h1>
            <p>\(h(warehouse)) — schema version \(version), \(relations.count) tables and views. Layers: views for analysts, facts and dimensions (load), scores and linkage (score), staging (normalize), raw (extract), and the run's own records (operations). The method behind the scores is docs/SCORING.md.</p>
            <table><tr><th>name</th><th>layer</th><th>written by</th><th>rows</th><th>what it holds</th></tr>

            """
        for relation in relations {
            let entry = relation.entry
            out += "<tr><td><a href=\"#\(h(relation.name))\"><code>\(h(relation.name))</code></a></td><td>\(h(entry?.layer ?? "?"))</td><td>\(h(entry?.writer ?? "?"))</td><td class=\"n\">\(HTMLReport.grouped(relation.rows))</td><td>\(h(entry?.meaning ?? "not described"))</td></tr>\n"
        }
        out += "</table>\n"
        for relation in relations {
            out += "<h2 id=\"\(h(relation.name))\"><code>\(h(relation.name))</code> <span class=\"layer\">\(h(relation.kind)), \(h(relation.entry?.layer ?? "?")), \(HTMLReport.grouped(relation.rows)) rows</span></h2>\n"
            out += "<p>\(h(relation.entry?.meaning ?? "not described")) Written by \(h(relation.entry?.writer ?? "?")).</p>\n"
            out += "<table><tr><th>column</th><th>type</th><th>meaning</th></tr>\n"
            for column in relation.columns {
                out += "<tr><td><code>\(h(column.name))</code></td><td>\(h(column.type))</td><td>\(h(WarehouseCatalog.columns[column.name] ?? ""))</td></tr>\n"
            }
            out += "</table>\n"
        }
        return out + "</body></html>\n"
    }
}
