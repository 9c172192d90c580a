import AmbassadorCore
import Extract
import Foundation
import TestSupport
import Warehouse
import XCTest
@testable import Normalize

/// What normalize makes of each real public export the repository carries (Tests/Fixtures):
/// the file's fate, its rejects, its first staged rows exactly, and a profile of every
/// staged column over all rows — compared with `Golden/normalized/<fixture>.txt`. Each golden
/// file was read against its export before it was committed; the conformance tests
/// (PipelineTests) derive their counts from the exports themselves with Python.
final class FixtureGoldenTests: XCTestCase {
    /// fixture path, kind, respondent (surveys), and a format when detection is not meant.
    static let fixtures: [(path: String, kind: SourceKind, respondent: Respondent?, format: SourceFormat?)] = [
        ("tickets/go-zendesk_GET_tickets.json", .tickets, nil, nil),
        ("tickets/go-zendesk_GET_ticket_custom_field.json", .tickets, nil, nil),
        ("tickets/zendesk_api_client_rb_tickets_list.json", .tickets, nil, nil),
        ("tickets/python-freshdesk_v2_all_tickets.json", .tickets, nil, nil),
        ("tickets/python-freshdesk_v2_ticket_1.json", .tickets, nil, nil),
        ("tickets/servicenow_table_api_incident_dev197215.json", .tickets, nil, nil),
        ("tickets/freshservice_api_v2_tickets.json", .tickets, nil, nil),
        ("tickets/jira_cloud_rest_api3_search_issues.json", .tickets, nil, nil),
        ("tickets/fivetran_dbt_zendesk_seeds/fivetran_ticket_data.csv", .tickets, nil, .zendeskCSV),
        ("tickets/go-zendesk_GET_ticket_audits.json", .ticketEvents, nil, nil),
        ("tickets/zendesk_api_client_rb_ticket_1_audits.json", .ticketEvents, nil, nil),
        ("tickets/python-freshdesk_v2_conversations.json", .ticketEvents, nil, .freshdeskJSON),
        ("hr/cranbambooHR_employees_directory.json", .hrRoster, nil, nil),
        ("hr/finch_api_employer_directory.json", .hrRoster, nil, nil),
        ("surveys/qualtRics_sample.csv", .survey, .customer, nil),
        ("surveys/qualtRics_sample_legacy.csv", .survey, .customer, nil),
        ("surveys/qualtRics_api_export_in_progress_SV_3FdDswpcO88rSxE.csv", .survey, .customer, nil),
        ("surveys/qualtRics_api_export_in_progress_custom_cols_SV_3FdDswpcO88rSxE.csv", .survey, .customer, nil),
        ("surveys/qualtRics_api_export_responses_colmap_API_TEST_PROJECT.csv", .survey, .customer, nil),
        ("surveys/QualtricsTools_Single_Answer_MC_Insights.csv", .survey, .customer, nil),
        ("surveys/QualtricsTools_Single_Answer_MC_Legacy.csv", .survey, .employee, nil),
        ("surveys/sp_qualtrics_xml_export_Responses.xml", .survey, .customer, nil),
        ("surveys/fivethirtyeight_steak-risk-survey_surveymonkey_2header.csv", .survey, .customer, nil),
        ("surveys/fivethirtyeight_sleeping_alone_surveymonkey_2header.csv", .survey, .employee, nil),
        ("surveys/surveymonkey_api_v3_responses_bulk_survey_152299962.json", .survey, .customer, .json),
        ("customers/stripe_event_customer_created.json", .customerEvents, nil, nil),
        ("customers/stripe_event_customer_subscription_deleted.json", .customerEvents, nil, nil),
        ("customers/stripe_event_customer_subscription_updated.json", .customerEvents, nil, nil),
        ("customers/stripe_event_invoice_payment_failed.json", .customerEvents, nil, nil),
    ]

    /// Rows shown exactly; the rest are in the column profiles.
    static let headRows = 12

    func testEveryRealExportNormalizesAsItsGoldenFileSays() throws {
        for fixture in Self.fixtures {
            let text = try normalized(fixture)
            let name = (fixture.path as NSString).lastPathComponent
            TestSupport.assertGolden(text, "normalized/\(name).txt")
        }
    }

    /// Extract and normalize one fixture alone; the text the golden file holds.
    private func normalized(_ fixture: (path: String, kind: SourceKind, respondent: Respondent?, format: SourceFormat?)) throws -> String {
        let source = (fixture.path as NSString).lastPathComponent
        let harness = try StageHarness("fixture")
        let inbox = harness.directory + "/inbox/" + source
        TestSupport.write(try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestSupport.fixtures + "/" + fixture.path))), to: inbox)
        var config = SourceConfig(name: "fixture", kind: fixture.kind, format: try fixture.format ?? SourceRegistry.detect(inbox),
                                  inbox: inbox, partition: fixture.kind == .hrRoster ? .runDate : .none)
        config.respondent = fixture.respondent
        harness.config.sources = [config]
        _ = try ExtractStage.run(database: harness.database, context: harness.context)
        _ = try NormalizeStage.run(database: harness.database, context: harness.stagedContext)

        var out = "# \(fixture.path) as \(fixture.kind)" + (fixture.respondent.map { " (\($0) respondents)" } ?? "")
            + ", format \(config.format)\n"
        out += "file: " + (try harness.rows("SELECT status, records, rejected, coalesce(error, '') FROM etl_source_file")).joined(separator: "\n") + "\n"
        let rejects = try harness.rows("SELECT stage, record_no, coalesce(field, ''), coalesce(raw_value, ''), reason FROM etl_reject ORDER BY record_no, field")
        out += "rejects: \(rejects.count)\n" + rejects.prefix(Self.headRows).map { "  " + $0 + "\n" }.joined()
        let tables = fixture.kind == .survey ? ["stg_survey_response", "stg_survey_answer"] : [CanonicalEntity.forKind(fixture.kind)?.table ?? ""]
        for table in tables {
            out += try describe(table, harness: harness)
        }
        // Messages name the file where it lay; the golden file names it the same way each run.
        return out.replacingOccurrences(of: harness.directory, with: "<test>")
    }

    /// A staged table: its row count, its first rows in record order, and per column the
    /// NULL count, distinct count, least and greatest value over every row.
    private func describe(_ table: String, harness: StageHarness) throws -> String {
        let columns = try harness.database.columns(of: table).filter { $0 != "file_id" && $0 != "source" }
        let order = columns.filter { ["record_no", "event_no", "item"].contains($0) }.joined(separator: ", ")
        let count = try harness.database.count("SELECT count(*) FROM \(table)")
        var out = "\n## \(table): \(count) rows\n" + columns.joined(separator: "|") + "\n"
        out += try harness.rows("SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(order) LIMIT \(Self.headRows)")
            .map { $0 + "\n" }.joined()
        guard count > 0 else { return out }
        out += "profile (nulls, distinct, least, greatest):\n"
        for column in columns where column != "record_no" && column != "event_no" {
            let profile = try harness.rows("SELECT count(*) - count(\(column)), count(DISTINCT \(column)), min(\(column)), max(\(column)) FROM \(table)")
            out += "  \(column): " + profile.joined() + "\n"
        }
        return out
    }
}
