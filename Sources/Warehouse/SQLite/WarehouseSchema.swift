/// The warehouse's tables (DESIGN.md, "Warehouse model"). Names are the contract; later
/// migrations add columns and tables, never rename.
package enum WarehouseSchema {
    package static let migrations: [Migration] = [
        Migration(version: 1, name: "ledger, manifest, staging, dimensions, facts, scores", sql: v1),
        Migration(version: 2, name: "per-file metadata: column labels, import ids, paging, skipped records", sql: v2),
        Migration(version: 3, name: "raw rows located by rowid range instead of an index", sql: v3),
        Migration(version: 4, name: "clustered staging and ticket facts; attribution versions", sql: v4),
        Migration(version: 5, name: "customer events: staging and facts", sql: v5),
        Migration(version: 6, name: "survey responses and answers (long format)", sql: v6),
        Migration(version: 7, name: "ticket event logs: staging and facts", sql: v7),
        Migration(version: 8, name: "scores, outcomes and linkage (SCORING.md)", sql: v8),
        Migration(version: 9, name: "ticket audits: several staged events per raw record", sql: v9),
        Migration(version: 10, name: "linkage estimates keyed by model (confirmatory, behaviour, joint)", sql: v10),
        Migration(version: 11, name: "views for analysts: tickets, team periods, agent periods", sql: v11),
        Migration(version: 12, name: "staged tickets last until loaded; which files hold each ticket; customers clustered by id", sql: v12),
        Migration(version: 13, name: v13Name, sql: v13),
        Migration(version: 14, name: v14Name, sql: v14),
        Migration(version: 15, name: v15Name, sql: v15),
    ]

    /// The agent ids a staged ticket file names, as normalize finds them: load maps each to its
    /// employee before merging the file, and reading them from the file's staged tickets (two
    /// scans of every staged row) was about 0.1 s of each 170 000-ticket file. Staging: a
    /// file's rows go when it is loaded.
    static let v15Name = "the agent ids of each staged ticket file"
    static let v15 = """
        CREATE TABLE stg_ticket_agent (
            file_id  INTEGER NOT NULL,
            agent_id TEXT NOT NULL,
            PRIMARY KEY (file_id, agent_id)
        ) WITHOUT ROWID;
        """

    /// Two things load wrote per ticket that it no longer writes (issue 18: load was two-thirds
    /// of extract + normalize + load). `dim_customer` becomes a view over `fact_ticket`: load
    /// rebuilt it whole after every merge (about 1 s of a 1 M-ticket load on SQLite, 1.5 s on
    /// PostgreSQL), and only analysts read it. `etl_ticket_file` keeps only the tickets held
    /// more than once — by several files, or twice by one — as load finds them: a ticket with
    /// no row there is held once, by the file its fact row names (`_file_id`). The rows it has
    /// stay true, so none is deleted. The view's text is both engines'.
    static let v14Name = "customers as a view over the ticket facts; only tickets held more than once listed with their files"
    static let v14 = """
        DROP TABLE dim_customer;
        CREATE VIEW dim_customer AS
        SELECT customer_id, min(created_at) AS first_ticket_at, count(*) AS tickets
        FROM fact_ticket WHERE customer_id IS NOT NULL GROUP BY customer_id;
        DELETE FROM etl_state WHERE source = 'load' AND key = 'customers_pending';
        """

    /// `etl_ticket_file` loses its foreign key to the manifest. Load writes a row per ticket and
    /// file from the file's own staged rows, so the key held by construction, while checking it
    /// cost PostgreSQL about 5 µs a row (0.9 s of a 170 000-ticket file's 2 s there); manifest
    /// rows are never deleted, and forgetting a file deletes its rows here by name
    /// (`FileRows.forget`).
    static let v13Name = "which files hold each ticket: no per-row key check against the manifest"
    static let v13 = """
        CREATE TABLE etl_ticket_file_v13 (
            ticket_id TEXT NOT NULL,
            file_id   INTEGER NOT NULL,
            records   INTEGER NOT NULL,
            PRIMARY KEY (ticket_id, file_id)
        ) WITHOUT ROWID;
        INSERT INTO etl_ticket_file_v13 (ticket_id, file_id, records) SELECT ticket_id, file_id, records FROM etl_ticket_file;
        DROP TABLE etl_ticket_file;
        ALTER TABLE etl_ticket_file_v13 RENAME TO etl_ticket_file;
        """

    /// A file's staged tickets are deleted once it is merged (the archived file is its
    /// canonical copy); `etl_ticket_file` remembers which loaded files hold each ticket, so a
    /// corrected re-export's taken-back tickets are read again from exactly those files.
    /// Staged rows of files already loaded become their entries. `dim_customer` is clustered
    /// by its key (no rowid and separate key index: a third less space).
    static let v12 = """
        CREATE TABLE etl_ticket_file (
            ticket_id TEXT NOT NULL,
            file_id   INTEGER NOT NULL REFERENCES etl_source_file (file_id),
            records   INTEGER NOT NULL,
            PRIMARY KEY (ticket_id, file_id)
        ) WITHOUT ROWID;
        INSERT INTO etl_ticket_file (ticket_id, file_id, records)
        SELECT s.ticket_id, s.file_id, count(*) FROM stg_ticket s JOIN etl_source_file f ON f.file_id = s.file_id
        WHERE f.status = 'loaded' GROUP BY s.ticket_id, s.file_id;
        DELETE FROM stg_ticket WHERE file_id IN (SELECT file_id FROM etl_source_file WHERE status = 'loaded');
        CREATE TABLE dim_customer_v12 (
            customer_id     TEXT PRIMARY KEY,
            first_ticket_at TEXT,
            tickets         INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        INSERT INTO dim_customer_v12 (customer_id, first_ticket_at, tickets) SELECT customer_id, first_ticket_at, tickets FROM dim_customer;
        DROP TABLE dim_customer;
        ALTER TABLE dim_customer_v12 RENAME TO dim_customer;
        """

    /// The questions analysts ask, as views (documented by `ambassador docs`):
    /// - `v_ticket`: a ticket with its team, its first assignee as the roster had them when it
    ///   opened, and what the customer did afterwards (NULL: window not complete);
    /// - `v_team_period`: the team's self-reported ambassadorship per period (no figure under
    ///   the anonymity threshold) beside the outcome rates of the tickets it resolved then;
    /// - `v_agent_period`: an agent's behavioural measures per period with their name and role.
    static let v11 = """
        CREATE VIEW v_ticket AS
        SELECT t.ticket_id, t.source, t.customer_id, t.created_at, t.resolved_at, t.status, t.priority, t.channel, t.category,
               t.team_id, t.first_assignee_employee_id AS employee_id, e.name AS employee_name, e.role AS employee_role,
               t.reassignments, t.reopens, t.escalated,
               o.repeat, o.reopen, o.escalate, o.churn, o.renew, o.referral, o.csat, o.effort, o.nps, o.cx_emp
        FROM fact_ticket t
        LEFT JOIN dim_employee e ON e.employee_id = t.first_assignee_employee_id
             AND e.valid_from <= t.created_at AND (e.valid_to IS NULL OR t.created_at < e.valid_to)
        LEFT JOIN fact_ticket_outcome o ON o.ticket_id = t.ticket_id;

        CREATE VIEW v_team_period AS
        SELECT s.period, s.team_id, s.respondents, s.suppressed, s.ambassador_index, s.company, s.value_proposition, s.customer,
               s.share_ambassador, s.share_positive, s.share_ambivalent, s.share_saboteur, s.net_ambassadorship, s.rwg,
               s.icc1, s.icc2, s.wave_closed_at,
               count(o.ticket_id) AS tickets_resolved, avg(o.repeat) AS repeat_rate, avg(o.reopen) AS reopen_rate,
               avg(o.escalate) AS escalate_rate, avg(o.churn) AS churn_rate, avg(o.csat) AS csat
        FROM score_team_period s
        LEFT JOIN fact_ticket_outcome o ON o.team_id = s.team_id
             AND (CASE WHEN s.period LIKE '____-Q_'
                       THEN substr(o.resolved_at, 1, 4) || '-Q' || ((CAST(substr(o.resolved_at, 6, 2) AS INTEGER) + 2) / 3)
                       ELSE substr(o.resolved_at, 1, 7) END) = s.period
        GROUP BY s.period, s.team_id;

        CREATE VIEW v_agent_period AS
        SELECT a.period, a.employee_id, e.name AS employee_name, e.role AS employee_role, a.team_id, a.tickets, a.resolved,
               a.own_rate, a.xfer_rate, a.own_shrunk, a.xfer_shrunk, a.followup_rate, a.cx_emp, a.cx_responses,
               a.behaviour_z, a.behaviour_index
        FROM score_agent_period a
        LEFT JOIN dim_employee e ON e.employee_id = a.employee_id AND e.is_current = 1;
        """

    /// SCORING.md §3 separates the confirmatory model from the behaviour and joint models, so
    /// one predictor can have an estimate in several models. The old single model held all
    /// three predictors: its rows are kept as the joint model's, and the linkage is refitted
    /// at the next score.
    static let v10 = """
        CREATE TABLE linkage_estimate_v10 (
            outcome TEXT NOT NULL, model TEXT NOT NULL, predictor TEXT NOT NULL, estimate REAL, odds_ratio REAL, std_error REAL,
            ci_low REAL, ci_high REAL, p_value REAL, q_value REAL, confirmatory INTEGER NOT NULL DEFAULT 0,
            tickets INTEGER, agents INTEGER, teams INTEGER, events INTEGER, parameters INTEGER, method TEXT NOT NULL,
            exposure_window TEXT, outcome_window TEXT, underpowered INTEGER NOT NULL DEFAULT 0, power_r20 REAL, power_r30 REAL,
            status TEXT NOT NULL, note TEXT, input_hash TEXT, settings_hash TEXT,
            PRIMARY KEY (outcome, model, predictor)
        ) WITHOUT ROWID;
        INSERT INTO linkage_estimate_v10
            SELECT outcome, CASE predictor WHEN 'team_correlation' THEN 'correlation' WHEN 'reverse_prior_outcome_rate' THEN 'reverse'
                                           ELSE 'joint' END,
                   predictor, estimate, odds_ratio, std_error, ci_low, ci_high, p_value, q_value, 0, tickets, agents, teams, events,
                   parameters, method, exposure_window, outcome_window, underpowered, power_r20, power_r30, status, note, input_hash,
                   settings_hash
            FROM linkage_estimate;
        DROP TABLE linkage_estimate;
        ALTER TABLE linkage_estimate_v10 RENAME TO linkage_estimate;
        DELETE FROM score_state WHERE scope = 'linkage';
        """

    /// The score stage's tables. Suppressed team cells keep their row (so a reader sees the
    /// team was measured) but no figure at all. Per-period input fingerprints let the stage
    /// recompute only the periods whose inputs changed.
    /// A Zendesk audit is one raw record holding many events: staged events get a number
    /// within their record (0 for one-event-per-line logs). Staged rows pending load are kept.
    static let v9 = """
        CREATE TABLE stg_ticket_event_v9 (
            file_id INTEGER NOT NULL, record_no INTEGER NOT NULL, event_no INTEGER NOT NULL DEFAULT 0, source TEXT NOT NULL,
            ticket_id TEXT NOT NULL, occurred_at TEXT NOT NULL, event TEXT NOT NULL, actor_id TEXT,
            PRIMARY KEY (file_id, record_no, event_no)
        ) WITHOUT ROWID;
        INSERT INTO stg_ticket_event_v9 (file_id, record_no, event_no, source, ticket_id, occurred_at, event, actor_id)
            SELECT file_id, record_no, 0, source, ticket_id, occurred_at, event, actor_id FROM stg_ticket_event;
        DROP TABLE stg_ticket_event;
        ALTER TABLE stg_ticket_event_v9 RENAME TO stg_ticket_event;
        """

    static let v8 = """
        ALTER TABLE score_agent_period ADD COLUMN followup_rate REAL;
        ALTER TABLE score_agent_period ADD COLUMN cx_emp REAL;
        ALTER TABLE score_agent_period ADD COLUMN cx_responses INTEGER;
        ALTER TABLE score_agent_period ADD COLUMN behaviour_z REAL;
        ALTER TABLE score_agent_period ADD COLUMN behaviour_index REAL;
        CREATE TABLE score_team_period (
            period TEXT NOT NULL, team_id TEXT NOT NULL, respondents INTEGER NOT NULL,
            suppressed INTEGER NOT NULL CHECK (suppressed IN (0, 1)),
            company REAL, value_proposition REAL, customer REAL, ambassador_index REAL,
            share_ambassador REAL, share_positive REAL, share_ambivalent REAL, share_saboteur REAL,
            net_ambassadorship REAL, rwg REAL, icc1 REAL, icc2 REAL, rwg_median REAL, wave_closed_at TEXT,
            PRIMARY KEY (period, team_id),
            CHECK (suppressed = 0 OR (ambassador_index IS NULL AND company IS NULL AND value_proposition IS NULL
                   AND customer IS NULL AND share_ambassador IS NULL AND net_ambassadorship IS NULL AND rwg IS NULL))
        ) WITHOUT ROWID;
        CREATE TABLE score_customer_period (
            period TEXT NOT NULL, segment TEXT NOT NULL, customers INTEGER NOT NULL, share REAL,
            PRIMARY KEY (period, segment)
        ) WITHOUT ROWID;
        CREATE TABLE fact_ticket_outcome (
            ticket_id TEXT PRIMARY KEY, customer_id TEXT, employee_id TEXT, team_id TEXT, created_at TEXT NOT NULL,
            resolved_at TEXT NOT NULL, category TEXT,
            repeat INTEGER, reopen INTEGER, escalate INTEGER, churn INTEGER, renew INTEGER, referral INTEGER,
            csat REAL, effort REAL, nps REAL, cx_emp REAL
        ) WITHOUT ROWID;
        CREATE TABLE linkage_estimate (
            outcome TEXT NOT NULL, predictor TEXT NOT NULL, estimate REAL, odds_ratio REAL, std_error REAL,
            ci_low REAL, ci_high REAL, p_value REAL, q_value REAL, confirmatory INTEGER NOT NULL DEFAULT 0,
            tickets INTEGER, agents INTEGER, teams INTEGER, events INTEGER, parameters INTEGER, method TEXT NOT NULL,
            exposure_window TEXT, outcome_window TEXT, underpowered INTEGER NOT NULL DEFAULT 0, power_r20 REAL, power_r30 REAL,
            status TEXT NOT NULL, note TEXT, input_hash TEXT, settings_hash TEXT,
            PRIMARY KEY (outcome, predictor)
        ) WITHOUT ROWID;
        CREATE TABLE linkage_segment_lift (
            outcome TEXT NOT NULL, grouping TEXT NOT NULL, level TEXT NOT NULL, teams INTEGER, tickets INTEGER NOT NULL,
            events INTEGER NOT NULL, rate REAL, ci_low REAL, ci_high REAL,
            PRIMARY KEY (outcome, grouping, level)
        ) WITHOUT ROWID;
        CREATE TABLE linkage_team (
            outcome TEXT NOT NULL, team_id TEXT NOT NULL, self_index REAL, tickets INTEGER NOT NULL, events INTEGER NOT NULL,
            rate REAL,
            PRIMARY KEY (outcome, team_id)
        ) WITHOUT ROWID;
        CREATE TABLE linkage_predictive (
            outcome TEXT NOT NULL, measure TEXT NOT NULL, tickets INTEGER NOT NULL, auc REAL, ci_low REAL, ci_high REAL,
            PRIMARY KEY (outcome, measure)
        ) WITHOUT ROWID;
        CREATE TABLE score_state (
            scope TEXT PRIMARY KEY, input_hash TEXT NOT NULL, scored_run_id INTEGER
        ) WITHOUT ROWID;
        """

    /// Ticket event logs (ticket, time, event, actor): one row per event.
    static let v7 = """
        CREATE TABLE stg_ticket_event (
            file_id INTEGER NOT NULL, record_no INTEGER NOT NULL, source TEXT NOT NULL,
            ticket_id TEXT NOT NULL, occurred_at TEXT NOT NULL, event TEXT NOT NULL, actor_id TEXT,
            PRIMARY KEY (file_id, record_no)
        ) WITHOUT ROWID;
        CREATE TABLE fact_ticket_event (
            event_key   INTEGER PRIMARY KEY,
            source      TEXT NOT NULL,
            ticket_id   TEXT NOT NULL,
            occurred_at TEXT NOT NULL,
            event       TEXT NOT NULL,
            actor_id    TEXT,
            _file_id    INTEGER NOT NULL,
            _record_no  INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX fact_ticket_event_natural ON fact_ticket_event (ticket_id, occurred_at, event, ifnull(actor_id, ''));
        CREATE INDEX fact_ticket_event_file ON fact_ticket_event (_file_id);
        """

    /// Survey responses and their answers in long format. Employee (pulse) responses carry
    /// a team, never a respondent or a ticket: they are not joined to an individual.
    static let v6 = """
        CREATE TABLE stg_survey_response (
            file_id INTEGER NOT NULL, record_no INTEGER NOT NULL, source TEXT NOT NULL,
            response_id TEXT NOT NULL, respondent_kind TEXT NOT NULL CHECK (respondent_kind IN ('customer', 'employee')),
            respondent_id TEXT, ticket_id TEXT, team_id TEXT, submitted_at TEXT, finished INTEGER,
            PRIMARY KEY (file_id, record_no)
        ) WITHOUT ROWID;
        CREATE TABLE stg_survey_answer (
            file_id INTEGER NOT NULL, record_no INTEGER NOT NULL, item TEXT NOT NULL,
            numeric_value REAL, text_value TEXT, answered INTEGER NOT NULL,
            PRIMARY KEY (file_id, record_no, item)
        ) WITHOUT ROWID;
        CREATE TABLE fact_survey_response (
            source TEXT NOT NULL, response_id TEXT NOT NULL, respondent_kind TEXT NOT NULL,
            respondent_id TEXT, ticket_id TEXT, team_id TEXT, submitted_at TEXT, finished INTEGER,
            _file_id INTEGER NOT NULL, _record_no INTEGER NOT NULL,
            PRIMARY KEY (source, response_id)
        ) WITHOUT ROWID;
        CREATE TABLE fact_survey_answer (
            source TEXT NOT NULL, response_id TEXT NOT NULL, item TEXT NOT NULL,
            numeric_value REAL, text_value TEXT, answered INTEGER NOT NULL,
            PRIMARY KEY (source, response_id, item)
        ) WITHOUT ROWID;
        CREATE TABLE dim_survey_item (
            source TEXT NOT NULL, item TEXT NOT NULL, label TEXT, import_id TEXT,
            PRIMARY KEY (source, item)
        ) WITHOUT ROWID;
        """

    /// The customer-events feed (renewals, purchases, cancellations, referrals). An event is
    /// identified by customer, kind, time and amount; the same event in two files is one row.
    static let v5 = """
        CREATE TABLE stg_customer_event (
            file_id INTEGER NOT NULL, record_no INTEGER NOT NULL, source TEXT NOT NULL,
            customer_id TEXT NOT NULL, event TEXT NOT NULL, occurred_at TEXT NOT NULL, amount REAL,
            PRIMARY KEY (file_id, record_no)
        ) WITHOUT ROWID;
        CREATE TABLE fact_customer_event (
            event_key   INTEGER PRIMARY KEY,
            source      TEXT NOT NULL,
            customer_id TEXT NOT NULL,
            event       TEXT NOT NULL,
            occurred_at TEXT NOT NULL,
            amount      REAL,
            _file_id    INTEGER NOT NULL,
            _record_no  INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX fact_customer_event_natural ON fact_customer_event (customer_id, event, occurred_at, ifnull(amount, ''));
        CREATE INDEX fact_customer_event_file ON fact_customer_event (_file_id);
        """

    /// Staging and ticket facts become WITHOUT ROWID tables clustered on their natural keys:
    /// one B-tree per insert instead of a table and a unique index. Tickets remember the
    /// employee-history version they were attributed with, so a roster change re-attributes
    /// only stale rows. The old per-file staging index is no longer needed. (An index on the
    /// customer was measured to cost more per insert than rebuilding `dim_customer` saves.)
    static let v4 = """
        DROP INDEX IF EXISTS stg_ticket_file_ticket;
        CREATE TABLE stg_employee_v4 (
            file_id INTEGER NOT NULL, record_no INTEGER NOT NULL, source TEXT NOT NULL, snapshot_date TEXT NOT NULL,
            employee_id TEXT NOT NULL, name TEXT, email TEXT, team TEXT, manager_id TEXT, role TEXT, location TEXT,
            hire_date TEXT, termination_date TEXT, status TEXT, agent_ids TEXT,
            PRIMARY KEY (file_id, record_no)
        ) WITHOUT ROWID;
        INSERT INTO stg_employee_v4 SELECT file_id, record_no, source, snapshot_date, employee_id, name, email, team, manager_id,
            role, location, hire_date, termination_date, status, agent_ids FROM stg_employee;
        DROP TABLE stg_employee;
        ALTER TABLE stg_employee_v4 RENAME TO stg_employee;
        CREATE TABLE stg_ticket_v4 (
            file_id INTEGER NOT NULL, record_no INTEGER NOT NULL, source TEXT NOT NULL, ticket_id TEXT NOT NULL,
            customer_id TEXT, created_at TEXT NOT NULL, updated_at TEXT, resolved_at TEXT, status TEXT, priority TEXT,
            channel TEXT, category TEXT, first_assignee_id TEXT, assignee_id TEXT, reassignments INTEGER, reopens INTEGER,
            escalated INTEGER,
            PRIMARY KEY (file_id, record_no)
        ) WITHOUT ROWID;
        INSERT INTO stg_ticket_v4 SELECT file_id, record_no, source, ticket_id, customer_id, created_at, updated_at, resolved_at,
            status, priority, channel, category, first_assignee_id, assignee_id, reassignments, reopens, escalated FROM stg_ticket;
        DROP TABLE stg_ticket;
        ALTER TABLE stg_ticket_v4 RENAME TO stg_ticket;
        CREATE TABLE fact_ticket_v4 (
            ticket_id TEXT PRIMARY KEY, source TEXT NOT NULL, customer_id TEXT, created_at TEXT NOT NULL, updated_at TEXT,
            resolved_at TEXT, status TEXT, priority TEXT, channel TEXT, category TEXT, first_assignee_id TEXT,
            first_assignee_employee_id TEXT, assignee_id TEXT, resolver_employee_id TEXT, team_id TEXT, reassignments INTEGER,
            reopens INTEGER, escalated INTEGER, attributed_version INTEGER NOT NULL DEFAULT 0,
            _file_id INTEGER NOT NULL, _record_no INTEGER NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO fact_ticket_v4 SELECT ticket_id, source, customer_id, created_at, updated_at, resolved_at, status, priority,
            channel, category, first_assignee_id, first_assignee_employee_id, assignee_id, resolver_employee_id, team_id,
            reassignments, reopens, escalated, 0, _file_id, _record_no FROM fact_ticket;
        DROP TABLE fact_ticket;
        ALTER TABLE fact_ticket_v4 RENAME TO fact_ticket;
        CREATE INDEX fact_ticket_created ON fact_ticket (created_at);
        """

    /// A file's raw rows are inserted in one transaction by one writer, so their rowids are
    /// one contiguous range: the manifest keeps it, and readers use the table's own key
    /// instead of an index that costs every insert (measured: about 5% of extract).
    static let v3 = """
        ALTER TABLE etl_source_file ADD COLUMN raw_first_rowid INTEGER;
        ALTER TABLE etl_source_file ADD COLUMN raw_last_rowid INTEGER;
        """

    /// What a file says about itself rather than its records: survey question texts and
    /// ImportIds (`label/<column>`, `import_id/<column>`), API paging (`next_page`,
    /// `end_time`), record types skipped (`skipped/<element>`).
    static let v2 = """
        CREATE TABLE etl_file_metadata (
            file_id INTEGER NOT NULL REFERENCES etl_source_file (file_id),
            key     TEXT NOT NULL,
            value   TEXT,
            PRIMARY KEY (file_id, key)
        );
        """

    static let v1 = """
        CREATE TABLE etl_run (
            run_id      INTEGER PRIMARY KEY,
            command     TEXT NOT NULL,
            arguments   TEXT NOT NULL,
            run_date    TEXT NOT NULL,
            pid         INTEGER,
            started_at  TEXT NOT NULL,
            ended_at    TEXT,
            status      TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'data_rejected', 'interrupted')),
            exit_code   INTEGER,
            message     TEXT
        );
        CREATE TABLE etl_stage_run (
            stage_run_id  INTEGER PRIMARY KEY,
            run_id        INTEGER NOT NULL REFERENCES etl_run (run_id),
            stage         TEXT NOT NULL,
            source        TEXT NOT NULL DEFAULT '',
            started_at    TEXT NOT NULL,
            ended_at      TEXT,
            status        TEXT NOT NULL,
            rows_read     INTEGER NOT NULL DEFAULT 0,
            rows_written  INTEGER NOT NULL DEFAULT 0,
            rows_rejected INTEGER NOT NULL DEFAULT 0,
            files_done    INTEGER NOT NULL DEFAULT 0,
            files_skipped INTEGER NOT NULL DEFAULT 0,
            files_failed  INTEGER NOT NULL DEFAULT 0,
            message       TEXT
        );
        CREATE TABLE etl_source_file (
            file_id        INTEGER PRIMARY KEY,
            source         TEXT NOT NULL,
            path           TEXT NOT NULL,
            sha256         TEXT NOT NULL,
            size           INTEGER NOT NULL,
            partition_date TEXT,
            status         TEXT NOT NULL CHECK (status IN ('extracted', 'normalized', 'loaded', 'failed', 'superseded')),
            records        INTEGER NOT NULL DEFAULT 0,
            rejected       INTEGER NOT NULL DEFAULT 0,
            error          TEXT,
            run_id         INTEGER REFERENCES etl_run (run_id),
            superseded_by  INTEGER REFERENCES etl_source_file (file_id),
            UNIQUE (source, path, sha256)
        );
        CREATE INDEX etl_source_file_status ON etl_source_file (source, status);
        CREATE TABLE etl_reject (
            reject_id  INTEGER PRIMARY KEY,
            run_id     INTEGER REFERENCES etl_run (run_id),
            stage      TEXT NOT NULL,
            source     TEXT NOT NULL,
            file_id    INTEGER REFERENCES etl_source_file (file_id),
            file_path  TEXT,
            record_no  INTEGER,
            field      TEXT,
            raw_value  TEXT,
            reason     TEXT NOT NULL
        );
        CREATE INDEX etl_reject_file ON etl_reject (file_id);
        CREATE TABLE etl_check (
            check_id     INTEGER PRIMARY KEY,
            run_id       INTEGER REFERENCES etl_run (run_id),
            name         TEXT NOT NULL,
            table_name   TEXT NOT NULL,
            severity     TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
            failing_rows INTEGER NOT NULL,
            sample_keys  TEXT,
            checked_at   TEXT NOT NULL
        );
        CREATE TABLE etl_state (
            source TEXT NOT NULL,
            key    TEXT NOT NULL,
            value  TEXT,
            PRIMARY KEY (source, key)
        );
        CREATE TABLE etl_schema_change (
            change_id   INTEGER PRIMARY KEY,
            run_id      INTEGER REFERENCES etl_run (run_id),
            source      TEXT NOT NULL,
            table_name  TEXT NOT NULL,
            column_name TEXT NOT NULL,
            file_id     INTEGER REFERENCES etl_source_file (file_id)
        );

        CREATE TABLE stg_employee (
            file_id          INTEGER NOT NULL REFERENCES etl_source_file (file_id),
            record_no        INTEGER NOT NULL,
            source           TEXT NOT NULL,
            snapshot_date    TEXT NOT NULL,
            employee_id      TEXT NOT NULL,
            name             TEXT,
            email            TEXT,
            team             TEXT,
            manager_id       TEXT,
            role             TEXT,
            location         TEXT,
            hire_date        TEXT,
            termination_date TEXT,
            status           TEXT,
            agent_ids        TEXT,
            PRIMARY KEY (file_id, record_no)
        );
        CREATE TABLE stg_ticket (
            file_id           INTEGER NOT NULL REFERENCES etl_source_file (file_id),
            record_no         INTEGER NOT NULL,
            source            TEXT NOT NULL,
            ticket_id         TEXT NOT NULL,
            customer_id       TEXT,
            created_at        TEXT NOT NULL,
            updated_at        TEXT,
            resolved_at       TEXT,
            status            TEXT,
            priority          TEXT,
            channel           TEXT,
            category          TEXT,
            first_assignee_id TEXT,
            assignee_id       TEXT,
            reassignments     INTEGER,
            reopens           INTEGER,
            escalated         INTEGER,
            PRIMARY KEY (file_id, record_no)
        );
        CREATE INDEX stg_ticket_file_ticket ON stg_ticket (file_id, ticket_id, updated_at);

        CREATE TABLE dim_team (
            team_id    TEXT PRIMARY KEY,
            name       TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen  TEXT NOT NULL
        );
        CREATE TABLE dim_employee (
            employee_key     INTEGER PRIMARY KEY,
            employee_id      TEXT NOT NULL,
            name             TEXT,
            email            TEXT,
            team_id          TEXT,
            manager_id       TEXT,
            role             TEXT,
            location         TEXT,
            hire_date        TEXT,
            termination_date TEXT,
            status           TEXT NOT NULL,
            valid_from       TEXT NOT NULL,
            valid_to         TEXT,
            is_current       INTEGER NOT NULL CHECK (is_current IN (0, 1)),
            source_file_id   INTEGER REFERENCES etl_source_file (file_id),
            UNIQUE (employee_id, valid_from)
        );
        CREATE INDEX dim_employee_history ON dim_employee (employee_id, valid_from);
        CREATE TABLE dim_agent_identity (
            system      TEXT NOT NULL,
            external_id TEXT NOT NULL,
            employee_id TEXT NOT NULL,
            PRIMARY KEY (system, external_id)
        );
        CREATE TABLE dim_customer (
            customer_id     TEXT PRIMARY KEY,
            first_ticket_at TEXT,
            tickets         INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE fact_ticket (
            ticket_id                  TEXT PRIMARY KEY,
            source                     TEXT NOT NULL,
            customer_id                TEXT,
            created_at                 TEXT NOT NULL,
            updated_at                 TEXT,
            resolved_at                TEXT,
            status                     TEXT,
            priority                   TEXT,
            channel                    TEXT,
            category                   TEXT,
            first_assignee_id          TEXT,
            first_assignee_employee_id TEXT,
            assignee_id                TEXT,
            resolver_employee_id       TEXT,
            team_id                    TEXT,
            reassignments              INTEGER,
            reopens                    INTEGER,
            escalated                  INTEGER,
            _file_id                   INTEGER NOT NULL REFERENCES etl_source_file (file_id),
            _record_no                 INTEGER NOT NULL
        );
        CREATE INDEX fact_ticket_created ON fact_ticket (created_at);

        CREATE TABLE score_agent_period (
            period          TEXT NOT NULL,
            employee_id     TEXT NOT NULL,
            team_id         TEXT NOT NULL,
            tickets         INTEGER NOT NULL,
            resolved        INTEGER NOT NULL,
            own_rate        REAL,
            xfer_rate       REAL,
            own_shrunk      REAL,
            xfer_shrunk     REAL,
            team_own_rate   REAL,
            team_xfer_rate  REAL,
            PRIMARY KEY (period, employee_id, team_id)
        );
        """
}
