import AmbassadorCore
import Foundation
import TestSupport
import Vendors
import XCTest
@testable import Extract

final class FormatTests: XCTestCase {
    private let fixtures = TestSupport.fixtures

    func testSkippingOtherRecordTypesLosesNoRecordAfterThem() throws {
        let path = TestSupport.temporaryDirectory() + "/unload.xml"
        TestSupport.write("<unload><incident><number>1</number></incident><sys_attachment><f>x</f></sys_attachment>"
            + "<incident><number>2</number></incident><sys_attachment_doc/><incident><number>3</number></incident></unload>", to: path)
        let sink = try CollectingSink.read(path, format: .servicenowXML)
        XCTAssertEqual(sink.records.map { $0.values.first ?? nil }, ["1", "2", "3"])
        XCTAssertEqual(sink.metadata["skipped/sys_attachment"], "1")
        XCTAssertEqual(sink.metadata["skipped/sys_attachment_doc"], "1")
    }

    /// Every real export in the fixtures: recognised, read, and with the right record count
    /// (counted independently: JSON with Python's json module, CSV by header rows).
    func testEveryFixtureIsRecognisedAndReadWithTheRightRecordCount() throws {
        let expected: [(String, String, Int)] = [
            ("surveys/QualtricsTools_Single_Answer_MC_Insights.csv", "qualtrics_csv", 5),
            ("surveys/QualtricsTools_Single_Answer_MC_Legacy.csv", "qualtrics_csv", 5),
            ("surveys/qualtRics_sample.csv", "qualtrics_csv", 1),
            ("surveys/qualtRics_sample_legacy.csv", "qualtrics_csv", 1),
            ("surveys/fivethirtyeight_steak-risk-survey_surveymonkey_2header.csv", "surveymonkey_csv", 550),
            // Its id columns were cut: recognised by the start date and the "Response" sub-header row
            // (1,093 records: Python's csv module over the file read as Latin-1).
            ("surveys/fivethirtyeight_sleeping_alone_surveymonkey_2header.csv", "surveymonkey_csv", 1093),
            ("surveys/sp_qualtrics_xml_export_Responses.xml", "qualtrics_xml", 4),
            ("tickets/go-zendesk_GET_groups.json", "json", 1),
            ("tickets/go-zendesk_GET_ticket_audits.json", "zendesk_json", 1),
            ("tickets/go-zendesk_GET_ticket_comments.json", "json", 2),
            ("tickets/go-zendesk_GET_ticket_custom_field.json", "json", 1),
            ("tickets/go-zendesk_GET_ticket_fields.json", "json", 15),
            ("tickets/go-zendesk_GET_tickets.json", "zendesk_json", 2),
            ("tickets/go-zendesk_GET_users.json", "json", 2),
            ("tickets/python-freshdesk_v2_agents.json", "json", 2),
            ("tickets/python-freshdesk_v2_all_tickets.json", "freshdesk_json", 1),
            ("tickets/python-freshdesk_v2_conversations.json", "json", 2),
            ("tickets/python-freshdesk_v2_ticket_1.json", "freshdesk_json", 1),
            ("tickets/zendesk_api_client_rb_satisfaction_ratings.json", "zendesk_json", 65),
            ("tickets/zendesk_api_client_rb_ticket_1_audits.json", "zendesk_json", 100),
            ("hr/cranbambooHR_employees_123_tables_jobInfo.json", "json", 3),
            ("hr/cranbambooHR_employees_directory.json", "bamboohr_json", 1),
            ("hr/cranbambooHR_meta_tables.json", "json", 2),
            ("hr/cranbambooHR_time_off_requests-ace3fd.json", "json", 2),
            ("hr/cranbambooHR_time_off_whos_out-ccd212.json", "json", 3),
            ("tickets/fivetran_dbt_zendesk_seeds/fivetran_ticket_data.csv", "csv", 10),
            ("xml-hostile/defusedxml_simple.xml", "xml", 2),
            ("xml-hostile/defusedxml_simple-ns.xml", "xml", 2),
            // The second batch; each count is the length of the file's records array (or CSV
            // rows less the three Qualtrics header rows), read with Python's json and csv modules.
            ("surveys/qualtRics_api_export_in_progress_SV_3FdDswpcO88rSxE.csv", "qualtrics_csv", 60),
            ("surveys/qualtRics_api_export_in_progress_custom_cols_SV_3FdDswpcO88rSxE.csv", "qualtrics_csv", 15),
            ("surveys/qualtRics_api_export_responses_colmap_API_TEST_PROJECT.csv", "qualtrics_csv", 14),
            ("surveys/surveymonkey_api_v3_responses_bulk_survey_152299962.json", "json", 4),
            ("surveys/surveymonkey_api_v3_responses_bulk_survey_152299598_per_page5_page2.json", "json", 5),
            ("tickets/servicenow_table_api_incident_dev197215.json", "servicenow_json", 67),
            ("tickets/servicenow_table_api_sys_user_page1_dev197215.json", "servicenow_json", 500),
            ("tickets/servicenow_table_api_sys_user_page2_offset500_dev197215.json", "servicenow_json", 126),
            ("tickets/servicenow_table_api_sys_user_group_dev197215.json", "servicenow_json", 46),
            ("tickets/freshservice_api_v2_tickets.json", "freshdesk_json", 6),
            ("tickets/jira_cloud_rest_api3_search_issues.json", "json", 5),
            ("tickets/zendesk_api_client_rb_tickets_list.json", "zendesk_json", 100),
            ("tickets/zendesk_api_client_rb_users_list.json", "json", 33),
            ("hr/finch_api_employer_directory.json", "json", 30),
            ("tickets/zendesk_api_client_rb_tickets_recent.json", "zendesk_json", 4),
            ("tickets/zendesk_api_client_rb_requests_list.json", "json", 100),
            ("tickets/zendesk_api_client_rb_suspended_tickets.json", "json", 1),
            ("tickets/zendesk_api_client_rb_ticket_fields.json", "json", 15),
            ("tickets/zendesk_api_client_rb_ticket_forms.json", "json", 9),
            ("tickets/freshservice_api_v2_agents.json", "json", 3),
            ("tickets/freshservice_api_v2_groups.json", "json", 14),
            ("surveys/surveymonkey_api_v3_responses_bulk_survey_152303468_start_created_at.json", "json", 1),
            ("surveys/surveymonkey_api_v3_surveys_list_page1.json", "json", 4),
            ("customers/hubspot_companies_v2_recent_modified.json", "json", 2),
            ("customers/hubspot_crm_v3_owners_page1.json", "json", 2),
            ("customers/hubspot_crm_v3_owners_page2_after_cursor.json", "json", 2),
            ("customers/salesforce_soql_userrole_query.json", "json", 19),
            ("customers/stripe_event_customer_created.json", "stripe_json", 1),
            ("customers/stripe_event_invoice_payment_failed.json", "stripe_json", 1),
        ]
        for (file, format, count) in expected {
            let path = fixtures + "/" + file
            XCTAssertEqual(try SourceRegistry.detect(path).rawValue, format, file)
            let sink = try CollectingSink.read(path)
            XCTAssertEqual(sink.records.count, count, file)
            XCTAssertTrue(sink.rejects.isEmpty, "\(file): \(sink.rejects)")
        }
    }

    func testQualtricsLayoutsGiveExportTagsWithQuestionTextsAndImportIDs() throws {
        let modern = try CollectingSink.read(fixtures + "/surveys/qualtRics_sample.csv")
        XCTAssertEqual(Array(modern.names.suffix(3)), ["Q1", "Q2", "Q2 - Topics"])
        XCTAssertEqual(modern.records.first?.number, 4, "data starts on line 4, after three header rows")
        XCTAssertEqual(modern.value(0, "Q2"), "Hello World!")
        XCTAssertEqual(modern.metadata["label/Q1"], "This is a multiple choice question.")
        XCTAssertEqual(modern.metadata["import_id/Q1"], "QID1")
        XCTAssertEqual(modern.metadata["import_id/ResponseId"], "_recordId")

        let dict2017 = try CollectingSink.read(fixtures + "/surveys/QualtricsTools_Single_Answer_MC_Insights.csv")
        XCTAssertEqual(dict2017.metadata["import_id/Q4"], "QID5", "the 2017 layout's Python-dict row")
        XCTAssertEqual(dict2017.value(0, "ResponseID"), "R_862TbryT6hpIAfP")

        let legacy = try CollectingSink.read(fixtures + "/surveys/qualtRics_sample_legacy.csv")
        XCTAssertEqual(Array(legacy.names.prefix(3)), ["ResponseID", "ResponseSet", "Name"], "V1..V10 take their names from row 2")
        XCTAssertEqual(legacy.names.last, "LocationAccuracy", "the trailing comma adds no column")
        XCTAssertEqual(legacy.records.first?.number, 3)
        XCTAssertEqual(legacy.metadata["label/Q2"], "This is a free text question.")
    }

    func testSurveyMonkeyCombinesQuestionAndSubAnswerRows() throws {
        let sink = try CollectingSink.read(fixtures + "/surveys/fivethirtyeight_steak-risk-survey_surveymonkey_2header.csv")
        XCTAssertEqual(sink.names.first, "RespondentID")
        XCTAssertTrue(sink.names.contains("Do you ever smoke cigarettes?"))
        XCTAssertEqual(sink.records.first?.number, 3)
        XCTAssertEqual(sink.value(1, "Do you ever drink alcohol?"), "Yes")
    }

    /// Issue 14.6: a "select all" question spreads its options over blank header cells, and the
    /// second header row may be wider than the first: every position is a column, no row ragged.
    func testSurveyMonkeySecondHeaderRowWiderThanTheFirst() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("""
            Respondent ID,Which do you use?
            ,Email,Phone,Chat
            1,Email,,Chat
            2,,Phone,

            """, to: directory + "/monkey.csv")
        let sink = try CollectingSink.read(directory + "/monkey.csv", format: .surveymonkeyCSV)
        XCTAssertEqual(sink.names, ["Respondent ID", "Which do you use? - Email", "Which do you use? - Phone", "Which do you use? - Chat"])
        XCTAssertEqual(sink.rejects.count, 0, "\(sink.rejects)")
        XCTAssertEqual(sink.value(0, "Which do you use? - Chat"), "Chat")
        XCTAssertEqual(sink.value(1, "Which do you use? - Phone"), "Phone")
    }

    /// csvkit's expected conversions of its JSON inputs hold: the same columns, the same text.
    func testJSONFlatteningMatchesCsvkitsConversions() throws {
        let nested = try CollectingSink.read(fixtures + "/csv/csvkit/csvkit_testjson_nested.json")
        let expectedNested = try CollectingSink.csv(fixtures + "/csv/csvkit/csvkit_testjson_nested_converted.csv")
        XCTAssertEqual(nested.names, expectedNested.names)
        for column in ["text", "float", "datetime", "nested/nested/date", "nested/nested/integer"] {
            XCTAssertEqual((0..<2).map { nested.value($0, column) }, (0..<2).map { expectedNested.value($0, column) }, column)
        }
        let lines = try CollectingSink.read(fixtures + "/csv/csvkit/csvkit_testjson_multiline.json")
        let expectedLines = try CollectingSink.csv(fixtures + "/csv/csvkit/csvkit_testjson_multiline_converted.csv")
        XCTAssertEqual(lines.names, expectedLines.names)
        XCTAssertEqual(lines.records.map { $0.values.map { $0 ?? "" } + Array(repeating: "", count: 3 - $0.values.count) },
                       expectedLines.records.map { $0.values.map { $0 ?? "" } })
        XCTAssertEqual(lines.records.map(\.number), [1, 2], "JSON Lines records are numbered by line")
    }

    func testZendeskPagesKeepNestedFieldsCustomFieldsAndPaging() throws {
        let tickets = try CollectingSink.read(fixtures + "/tickets/go-zendesk_GET_tickets.json")
        XCTAssertEqual(tickets.value(0, "via/channel"), "email")
        XCTAssertEqual(tickets.value(0, "via/source/from/address"), "nukosuke@lavabit.com")
        XCTAssertTrue(tickets.metadata.keys.contains("next_page"))
        let custom = try CollectingSink.read(fixtures + "/tickets/go-zendesk_GET_ticket_custom_field.json")
        XCTAssertEqual(custom.value(0, "id"), "4")
        XCTAssertEqual(custom.value(0, "custom_fields/360005657120"), "Custom field value for testing")
        XCTAssertEqual(custom.value(0, "custom_fields/360005657121"), "[\"list\",\"of\",\"values\"]", "array values stay JSON")
        XCTAssertEqual(custom.value(0, "custom_fields/360005657123"), "true")
        XCTAssertNil(custom.value(0, "custom_fields/360005657122"), "null is NULL")
        let freshdesk = try CollectingSink.read(fixtures + "/tickets/python-freshdesk_v2_ticket_1.json")
        XCTAssertEqual(freshdesk.value(0, "subject"), "This is a sample ticket")
        XCTAssertEqual(freshdesk.value(0, "priority"), "1")
    }

    func testServiceNowUnloadKeepsIdAndDisplayValueAndSkipsOtherRecordTypes() throws {
        let path = TestSupport.temporaryDirectory() + "/incident.xml"
        TestSupport.write("""
            <?xml version="1.0" encoding="UTF-8"?>
            <unload unload_date="2026-11-21 23:00:00">
            <incident action="INSERT_OR_UPDATE">
            <number>INC0010001</number>
            <assigned_to display_value="Beth Anglin">46d44a23a9fe19810012d100cca80666</assigned_to>
            <caller_id display_value="Abel Tuter">62826bf03710200044e0bfc8bcbe5df1</caller_id>
            <opened_at>2026-11-20 09:15:02</opened_at>
            <business_duration>1970-01-01 00:20:02</business_duration>
            <short_description>Can't &amp; won't <![CDATA[<connect>]]></short_description>
            <reassignment_count>1</reassignment_count>
            <close_notes/>
            </incident>
            <sys_attachment action="INSERT_OR_UPDATE"><file_name>log.txt</file_name></sys_attachment>
            <incident action="INSERT_OR_UPDATE">
            <number>INC0010002</number>
            <assigned_to display_value="">   </assigned_to>
            </incident>
            </unload>
            """, to: path)
        XCTAssertEqual(try SourceRegistry.detect(path), .servicenowXML)
        let sink = try CollectingSink.read(path)
        XCTAssertEqual(sink.records.count, 2)
        XCTAssertEqual(sink.records.map(\.number), [1, 2])
        XCTAssertEqual(sink.value(0, "@action"), "INSERT_OR_UPDATE")
        XCTAssertEqual(sink.value(0, "assigned_to"), "46d44a23a9fe19810012d100cca80666")
        XCTAssertEqual(sink.value(0, "assigned_to@display_value"), "Beth Anglin")
        XCTAssertEqual(sink.value(0, "business_duration"), "1970-01-01 00:20:02")
        XCTAssertEqual(sink.value(0, "short_description"), "Can't & won't <connect>")
        XCTAssertEqual(sink.value(0, "close_notes"), "")
        XCTAssertEqual(sink.value(1, "assigned_to@display_value"), "")
        XCTAssertNil(sink.value(1, "caller_id"))
        XCTAssertEqual(sink.metadata["skipped/sys_attachment"], "1")
        XCTAssertEqual(sink.metadata["record_type"], "incident")
    }

    func testWorkdayReportEntriesWithDescriptorsAndRepeatedIDs() throws {
        let path = TestSupport.temporaryDirectory() + "/workers.xml"
        TestSupport.write("""
            <?xml version='1.0' encoding='UTF-8'?>
            <wd:Report_Data xmlns:wd="urn:com.workday.report/Worker_Roster">
              <wd:Report_Entry>
                <wd:Worker wd:Descriptor="Logan McNeil">
                  <wd:ID wd:type="WID">3aa5550b7fe348b98d7b5741afc65534</wd:ID>
                  <wd:ID wd:type="Employee_ID">21001</wd:ID>
                </wd:Worker>
                <wd:Employee_ID>21001</wd:Employee_ID>
                <wd:Supervisory_Organization wd:Descriptor="Support EMEA (Logan McNeil)"/>
                <wd:Hire_Date>2019-03-04-08:00</wd:Hire_Date>
              </wd:Report_Entry>
              <wd:Report_Entry>
                <wd:Worker wd:Descriptor="Zoë Müller"><wd:ID wd:type="Employee_ID">21002</wd:ID></wd:Worker>
                <wd:Employee_ID>21002</wd:Employee_ID>
              </wd:Report_Entry>
            </wd:Report_Data>
            """, to: path)
        XCTAssertEqual(try SourceRegistry.detect(path), .workdayXML)
        let sink = try CollectingSink.read(path)
        XCTAssertEqual(sink.records.count, 2)
        XCTAssertEqual(sink.value(0, "Worker@Descriptor"), "Logan McNeil")
        XCTAssertEqual(sink.value(0, "Worker/ID"), "3aa5550b7fe348b98d7b5741afc65534")
        XCTAssertEqual(sink.value(0, "Worker/ID[2]"), "21001")
        XCTAssertEqual(sink.value(0, "Worker/ID[2]@type"), "Employee_ID")
        XCTAssertEqual(sink.value(0, "Supervisory_Organization@Descriptor"), "Support EMEA (Logan McNeil)")
        XCTAssertEqual(sink.value(1, "Worker@Descriptor"), "Zoë Müller")
        XCTAssertFalse(sink.names.contains { $0.contains("xmlns") }, "namespace declarations are not data")
    }
}

extension FormatTests {
    /// A record over the size limit fails its JSON or XML file with a position, instead of
    /// growing memory without bound.
    func testARecordOverTheSizeLimitFailsTheFileWithItsPosition() throws {
        let directory = TestSupport.temporaryDirectory()
        let big = String(repeating: "x", count: 5000)
        TestSupport.write("{\"tickets\": [{\"id\": 1}, {\"id\": 2, \"body\": \"\(big)\"}]}", to: directory + "/big.json")
        var json = JSONSource()
        json.maxRecordBytes = 1000
        XCTAssertThrowsError(try json.read(directory + "/big.json", into: CollectingSink(), progress: .silent)) { error in
            XCTAssertTrue("\(error)".contains("big.json:1:") && "\(error)".contains("larger than 1000 bytes"), "\(error)")
        }
        TestSupport.write("<unload>\n<incident><n>1</n></incident>\n<incident><n>\(big)</n></incident>\n</unload>", to: directory + "/big.xml")
        var xml = XMLSource(rule: .childrenOfRoot(nil))
        xml.maxRecordBytes = 1000
        XCTAssertThrowsError(try xml.read(directory + "/big.xml", into: CollectingSink(), progress: .silent)) { error in
            XCTAssertTrue("\(error)".contains("big.xml:3:") && "\(error)".contains("record 2, starting on line 3, is larger than 1000 bytes"), "\(error)")
        }
    }
}

extension FormatTests {
    /// Issue 14.5: a BambooHR response keyed by employee id (`{"123": {…}, "124": {…}}`, the
    /// shape of its employee-by-id endpoints; written here after BambooHR's documentation, no
    /// real file of this shape is in the fixtures) is one record per employee with its key as
    /// `id` — not one record with a column per employee and field.
    func testAnObjectOfObjectsKeyedByIdIsOneRecordEach() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("""
            {"123": {"firstName": "Ann", "department": "Support"}, "124": {"id": "124", "firstName": "Bo", "department": "Sales"}}
            """, to: directory + "/bamboo.json")
        let sink = try CollectingSink.read(directory + "/bamboo.json", format: .json)
        XCTAssertEqual(sink.records.count, 2)
        XCTAssertEqual(Set(sink.names), ["id", "firstName", "department"])
        XCTAssertEqual(sink.value(0, "id"), "123")
        XCTAssertEqual(sink.value(1, "id"), "124")
        XCTAssertEqual(sink.value(1, "department"), "Sales")
    }

    /// Issue 14.5: Finch's directory page (`{"paging": …, "individuals": […]}`): the people are the records.
    func testFinchDirectoryIndividualsAreTheRecords() throws {
        let sink = try CollectingSink.read(fixtures + "/hr/finch_api_employer_directory.json")
        // 30 = the length of the `individuals` array (python3 -c "import json; print(len(json.load(open(F))['individuals']))").
        XCTAssertEqual(sink.records.count, 30)
        XCTAssertEqual(sink.value(0, "first_name"), "Cordell")
        XCTAssertEqual(sink.value(0, "department/name"), "Product")
    }
}

extension FormatTests {
    /// Every vendor format of the Vendors module is a format pipelines accept, and FORMATS.md
    /// says how it loads.
    func testEveryVendorFormatIsKnownAndDocumented() throws {
        let formatsDoc = try String(contentsOfFile: TestSupport.packageRoot + "/FORMATS.md", encoding: .utf8)
        for vendor in Vendors.all {
            XCTAssertTrue(SourceRegistry.formats.contains(vendor.name.rawValue), vendor.name.rawValue)
            XCTAssertTrue(formatsDoc.contains("`\(vendor.name.rawValue)`"), "FORMATS.md does not mention \(vendor.name.rawValue)")
        }
        XCTAssertEqual(Set(Vendors.all.map(\.name)).count, Vendors.all.count, "one entry per format")
    }
}

extension FormatTests {
    /// Issue 14.3: a Zendesk audits page (100 real audits) keeps each audit's `events` array whole
    /// for the audit normalizer — it used to spread into a column per event id (909 columns).
    func testZendeskAuditEventsStayOneColumnNotAColumnPerEvent() throws {
        let sink = try CollectingSink.read(fixtures + "/tickets/zendesk_api_client_rb_ticket_1_audits.json")
        XCTAssertEqual(sink.records.count, 100)
        XCTAssertTrue(sink.names.contains("events"))
        XCTAssertFalse(sink.names.contains { $0.hasPrefix("events/") }, "\(sink.names.filter { $0.hasPrefix("events/") }.prefix(3))")
        XCTAssertLessThan(sink.names.count, 40, "\(sink.names.count) columns")
    }

    /// Issue 14.2: ServiceNow JSONv2 (`{"records": […]}`, every value a string, a per-record
    /// `__status`) and a Table API page with `sysparm_display_value=all` (`{display_value,
    /// value}` pairs) — written after ServiceNow's documentation; no real file of either shape
    /// is in the fixtures.
    func testServiceNowJSONv2AndDisplayValuePairs() throws {
        let directory = TestSupport.temporaryDirectory()
        TestSupport.write("""
            {"records": [{"__status": "success", "number": "INC0010001", "sys_id": "a1", "state": "6", "priority": "2"}]}
            """, to: directory + "/v2.json")
        let v2 = try CollectingSink.read(directory + "/v2.json")
        XCTAssertEqual(try SourceRegistry.detect(directory + "/v2.json"), .servicenowJSON)
        XCTAssertEqual(v2.records.count, 1)
        XCTAssertEqual(v2.value(0, "state"), "6")
        TestSupport.write("""
            {"result": [{"number": {"display_value": "INC0010002", "value": "INC0010002"}, "sys_id": {"display_value": "b2", "value": "b2"},
                         "state": {"display_value": "In Progress", "value": "2"},
                         "assigned_to": {"display_value": "Beth Anglin", "link": "https://x.service-now.com/api/now/table/sys_user/46d4", "value": "46d4"}}]}
            """, to: directory + "/all.json")
        let all = try CollectingSink.read(directory + "/all.json")
        XCTAssertEqual(all.value(0, "state"), "2")
        XCTAssertEqual(all.value(0, "state/display_value"), "In Progress")
        XCTAssertEqual(all.value(0, "assigned_to"), "46d4")
        XCTAssertEqual(all.value(0, "assigned_to/display_value"), "Beth Anglin")
        XCTAssertFalse(all.names.contains("assigned_to/link"))
    }
}
