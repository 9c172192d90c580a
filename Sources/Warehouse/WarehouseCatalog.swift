/// What every table and view of the warehouse holds and which stage writes it: the data
/// dictionary `ambassador docs` renders (what `dbt docs` gives its users). A test checks
/// that every relation a migrated warehouse has is described here.
package enum WarehouseCatalog {
    package struct Entry: Sendable {
        package let layer: String
        package let writer: String
        package let meaning: String
    }

    /// Relations by name; `raw_<source>` tables are described by `entry(for:)`.
    package static let entries: [String: Entry] = [
        // The run's own records.
        "etl_run": Entry(layer: "operations", writer: "every command that runs stages",
                         meaning: "One row per run: command, arguments, run date, start and end, status and exit code."),
        "etl_stage_run": Entry(layer: "operations", writer: "every command that runs stages",
                               meaning: "One row per stage and source of a run: rows read, written and rejected; files done, unchanged and failed."),
        "etl_source_file": Entry(layer: "operations", writer: "extract (normalize and load move its status)",
                                 meaning: "The manifest: one row per inbox file version — path, SHA-256, size, partition date, status (extracted, normalized, loaded, failed, superseded), records and rejects."),
        "etl_file_metadata": Entry(layer: "operations", writer: "extract, normalize",
                                   meaning: "Per-file facts read from the export: column labels, Qualtrics import ids, pages, skipped records, columns nothing maps, vendor words no vocabulary knew."),
        "etl_reject": Entry(layer: "operations", writer: "extract, normalize, load",
                            meaning: "Every quarantined row with its file, line, field, raw value and reason."),
        "etl_check": Entry(layer: "operations", writer: "load",
                           meaning: "The data checks of each run (and each source's freshness): severity, failing rows and sample keys."),
        "etl_ticket_file": Entry(layer: "operations", writer: "load",
                                 meaning: "The tickets held more than once — by several loaded files, or in several records of one — with each file and how many of its records: a corrected re-export's taken-back tickets are read again from exactly those files. A ticket not listed is held once, by the file its fact row names (fact_ticket._file_id)."),
        "etl_schema_change": Entry(layer: "operations", writer: "extract",
                                   meaning: "A column an export gained compared with the source's earlier files."),
        "etl_schema_version": Entry(layer: "operations", writer: "every command that opens the warehouse for writing",
                                    meaning: "The migrations applied to this warehouse, with when."),
        "etl_state": Entry(layer: "operations", writer: "load",
                           meaning: "Incremental state kept between runs (for example the employee-history version tickets are attributed with)."),
        "score_state": Entry(layer: "operations", writer: "score",
                             meaning: "Fingerprints of each scored period's inputs, so an unchanged period is not recomputed."),
        // Staging.
        "stg_ticket": Entry(layer: "staging", writer: "normalize", meaning: "Tickets in canonical columns, one row per exported record, until load merges them."),
        "stg_ticket_agent": Entry(layer: "staging", writer: "normalize", meaning: "The agent ids each staged ticket file names (assignees), until load maps them to employees and merges the file."),
        "stg_ticket_event": Entry(layer: "staging", writer: "normalize", meaning: "Ticket events (created, assigned, solved, reopened, messages) in canonical form."),
        "stg_employee": Entry(layer: "staging", writer: "normalize", meaning: "Roster snapshots in canonical columns, one row per employee and snapshot; kept to rebuild history."),
        "stg_survey_response": Entry(layer: "staging", writer: "normalize", meaning: "Survey responses in canonical form (a pulse respondent carries no identity)."),
        "stg_survey_answer": Entry(layer: "staging", writer: "normalize", meaning: "Survey answers, one row per response and item."),
        "stg_customer_event": Entry(layer: "staging", writer: "normalize", meaning: "Customer events (renewal, purchase, cancellation, referral) in canonical form."),
        // Dimensions.
        "dim_employee": Entry(layer: "dimension", writer: "load",
                              meaning: "Employee history (SCD type 2): one version per change of team, manager, role, status or hire date, valid from valid_from to valid_to (exclusive); is_current marks the latest."),
        "dim_team": Entry(layer: "dimension", writer: "load", meaning: "Every team the rosters name, with when it was first and last seen."),
        "dim_agent_identity": Entry(layer: "dimension", writer: "load",
                                    meaning: "Which employee a helpdesk agent id or e-mail belongs to (how tickets find their employee)."),
        "dim_customer": Entry(layer: "dimension", writer: "(a view)", meaning: "Every customer id of a loaded ticket: the first ticket's time and how many tickets (a view over fact_ticket)."),
        "dim_survey_item": Entry(layer: "dimension", writer: "load", meaning: "Survey items with their question text (labels from the export)."),
        // Facts.
        "fact_ticket": Entry(layer: "fact", writer: "load",
                             meaning: "One row per ticket id: times, status, priority, channel, category, first assignee and resolver as employees, and the team of the first assignee when it opened."),
        "fact_ticket_event": Entry(layer: "fact", writer: "load", meaning: "Ticket events from event logs and audits."),
        "fact_customer_event": Entry(layer: "fact", writer: "load", meaning: "What customers did: renewals, purchases, cancellations, referrals."),
        "fact_survey_response": Entry(layer: "fact", writer: "load",
                                      meaning: "Survey responses: customer responses with their customer and ticket; employee pulse responses with their team only."),
        "fact_survey_answer": Entry(layer: "fact", writer: "load", meaning: "Survey answers, one row per response and item (answered or not)."),
        "fact_ticket_outcome": Entry(layer: "score", writer: "score",
                                     meaning: "Per resolved ticket, what the customer did afterwards (REPEAT, REOPEN, ESCALATE, CHURN, RENEW, REFERRAL; NULL when the window is not complete) and its survey ratings."),
        // Scores and linkage.
        "score_team_period": Entry(layer: "score", writer: "score",
                                   meaning: "Self-reported ambassadorship per team and period (no figure under the anonymity threshold), with ICC(1), ICC(2) and r_wg."),
        "score_agent_period": Entry(layer: "score", writer: "score",
                                    meaning: "Behavioural ambassadorship per agent and period: ownership, transfers, follow-ups, customers' CX_EMP ratings, shrunk toward the team, and the index."),
        "score_customer_period": Entry(layer: "score", writer: "score", meaning: "Customer advocacy segments per period from the relationship survey."),
        "linkage_estimate": Entry(layer: "linkage", writer: "score",
                                  meaning: "The linkage models' estimates per outcome, model and predictor: log-odds per SD, interval, p and BH q, counts, method and flags (docs/SCORING.md §3)."),
        "linkage_segment_lift": Entry(layer: "linkage", writer: "score", meaning: "Outcome rates by team-index quartile and band, and the top–bottom quartile gap."),
        "linkage_team": Entry(layer: "linkage", writer: "score", meaning: "Per outcome and team: the team's mean index, tickets, events and outcome rate."),
        "linkage_predictive": Entry(layer: "linkage", writer: "score", meaning: "How well each measure (CSAT, effort, NPS, CX_EMP, ambassadorship) predicts each outcome (AUC)."),
        // Views.
        "v_ticket": Entry(layer: "view", writer: "(a view)",
                          meaning: "A ticket with its team, its first assignee as the roster had them when it opened, and what the customer did afterwards."),
        "v_team_period": Entry(layer: "view", writer: "(a view)",
                               meaning: "Each team and period: self-reported ambassadorship beside the outcome rates of the tickets it resolved in that period (not the linkage's time-ordered windows)."),
        "v_agent_period": Entry(layer: "view", writer: "(a view)", meaning: "Each agent and period: behavioural measures with the agent's current name and role."),
    ]

    /// The raw table of a source: the vendor's columns as read (extract writes it, normalize
    /// reads it). The one place the name is formed.
    package static func rawTable(source: String) -> String {
        "raw_" + source
    }

    /// The rows of table or view `name`; nil when the warehouse has no such relation.
    package static func rowCount(of name: String, database: any WarehouseConnection) throws -> Int? {
        guard try database.relationExists(name) else { return nil }
        return try database.count("SELECT count(*) FROM \(database.quoted(name))")
    }

    /// The entry of `name`, including the per-source raw tables; nil when undocumented.
    package static func entry(for name: String) -> Entry? {
        if let entry = entries[name] { return entry }
        if name.hasPrefix("raw_") {
            return Entry(layer: "raw", writer: "extract",
                         meaning: "The vendor's columns of source '\(name.dropFirst(4))' as read, one row per record, with file and line.")
        }
        return nil
    }

    /// What common columns mean wherever they appear.
    package static let columns: [String: String] = [
        "ticket_id": "the ticket's id as exported (after the source's ticket_id_prefix)",
        "customer_id": "the customer's id (an e-mail is lower-cased; a keyed hash under pseudonymisation)",
        "employee_id": "the employee's id from the roster",
        "team_id": "the team, as the roster names it",
        "created_at": "when the ticket opened (ISO 8601, UTC)",
        "resolved_at": "when the ticket was resolved (ISO 8601, UTC)",
        "updated_at": "the ticket's last update in the export (ISO 8601, UTC)",
        "period": "the period key: YYYY-MM, or YYYY-Qn with score.period: quarter",
        "source": "the pipeline source the row came from",
        "_file_id": "the manifest row (etl_source_file) of the file the row came from",
        "_record_no": "the line the record starts on in that file",
        "file_id": "the manifest row (etl_source_file) of the file",
        "record_no": "the line the record starts on in its file",
        "valid_from": "first day this version holds",
        "valid_to": "first day it no longer holds (NULL: still current)",
        "is_current": "1 for the latest version",
        "repeat": "1 when the customer came back with the same category within the window (7 days), 0 when not, NULL when the window is not over",
        "reopen": "1 when reopened within the window (14 days), 0 when not, NULL when the window is not over",
        "escalate": "1 when escalated within the window (30 days)",
        "churn": "1 when a cancellation followed within the window (90 days)",
        "renew": "1 when a renewal or purchase followed within the window (180 days)",
        "referral": "1 when a referral followed within the window (90 days)",
        "respondents": "pulse respondents of the team in the period",
        "suppressed": "1 when under the anonymity threshold: no figure is kept",
        "ambassador_index": "the team's self-reported index, 0–100",
        "net_ambassadorship": "% Ambassadors − % Saboteurs",
        "behaviour_index": "the agent's behavioural index as a 0–100 percentile",
        "status": "the row's state in its own vocabulary",
    ]
}
