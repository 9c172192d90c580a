import AmbassadorCore
import TestSupport
import XCTest
@testable import Warehouse

/// The canonical entities (AmbassadorCore) are the one list of canonical fields; the
/// migrations are frozen history. These tests keep the two in step: every staging table holds
/// exactly its entity's fields (besides the bookkeeping columns), with the SQL type the
/// field's type stores as, and the keyed facts hold every field the load copies.
final class CanonicalEntityTests: XCTestCase {
    private func migrated() throws -> Database {
        let database = try Database(path: TestSupport.temporaryDirectory() + "/w.sqlite")
        _ = try Migrator.migrate(database, appliedAt: "2026-12-01T00:00:00Z")
        return database
    }

    /// column → declared type, from SQLite's own description of the table.
    private func declared(_ table: String, in database: Database) throws -> [String: String] {
        Dictionary(uniqueKeysWithValues: try database.query("SELECT name, type FROM pragma_table_info(?)", [.text(table)]) {
            ($0.text(0) ?? "", ($0.text(1) ?? "").uppercased())
        })
    }

    func testEveryStagingTableHoldsExactlyItsEntitysFields() throws {
        let database = try migrated()
        // Written by normalize beside the fields: lineage (an audit record stages several
        // events, numbered), the source, and who answered.
        let bookkeeping: Set<String> = ["file_id", "record_no", "event_no", "source", "respondent_kind"]
        for entity in CanonicalEntity.all {
            let columns = try declared(entity.table, in: database)
            XCTAssertFalse(columns.isEmpty, "\(entity.table) does not exist")
            XCTAssertEqual(Set(columns.keys).subtracting(bookkeeping), Set(entity.fields.map(\.column)), entity.table)
            for field in entity.fields {
                XCTAssertEqual(columns[field.column], field.type.sqlType, "\(entity.table).\(field.column)")
            }
        }
    }

    func testFactTicketHoldsEveryCanonicalTicketField() throws {
        let database = try migrated()
        let columns = try declared("fact_ticket", in: database)
        for field in CanonicalEntity.ticket.fields {
            XCTAssertEqual(columns[field.column], field.type.sqlType, "fact_ticket.\(field.column)")
        }
    }

    func testEverySourceKindButRawHasAnEntityAndRequiredFieldsComeFirstForKeys() {
        for kind in SourceKind.allCases {
            XCTAssertEqual(CanonicalEntity.forKind(kind) == nil, kind == .raw, "\(kind)")
        }
        for entity in CanonicalEntity.all {
            let names = entity.fieldNames
            XCTAssertEqual(Set(names).count, names.count, "\(entity.table): a field listed twice")
            XCTAssertTrue(entity.fields.first?.required ?? false, "\(entity.table): its key field is required")
        }
    }
}
