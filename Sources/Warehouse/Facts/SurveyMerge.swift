/// Merges staged survey responses and answers into the facts, one file per transaction.
package enum SurveyMerge {
    /// The staging table its merges read.
    package static let staging = "stg_survey_response"

    /// Upserts the file's responses (the latest file wins) and replaces their answers;
    /// fills `dim_survey_item` from the question texts and ImportIds the export carried.
    ///
    /// Rows go in key order: response ids are random (Qualtrics' `R_…`), and upserted in
    /// record order each row landed on a random page of facts that outgrow the page cache —
    /// a 200 000-response file took 3.9 s into an empty table and 9.3 s into the 2.2 M
    /// responses of eleven earlier files (10 M-ticket bench). In key order each page is
    /// visited once, in turn. A response (or answer) the file holds twice still ends as its
    /// last record: on SQLite the upsert takes a key's records in record order, each
    /// replacing the one before; PostgreSQL, which may not update a row twice in one
    /// statement, takes that last record once.
    ///
    /// `onlyRetracted` merges just the responses `temp.retracted_response` lists (giving them
    /// back after a retraction) and leaves `dim_survey_item` as it is.
    package static func merge(fileID: Int64, database: any WarehouseConnection, onlyRetracted: Bool = false) throws -> Int {
        let latest = database.engine == .postgresql
        func retracted(_ alias: String = "") -> String {
            onlyRetracted ? "AND (\(alias)source, \(alias)response_id) IN (SELECT source, response_id FROM \(database.engine.temporary)retracted_response)" : ""
        }
        try database.run("""
            DELETE FROM fact_survey_answer WHERE (source, response_id) IN
                (SELECT source, response_id FROM stg_survey_response WHERE file_id = ? \(retracted()))
            """, [.integer(fileID)])
        let written = try database.run("""
            INSERT INTO fact_survey_response (source, response_id, respondent_kind, respondent_id, ticket_id, team_id,
                                              submitted_at, finished, _file_id, _record_no)
            SELECT \(latest ? "DISTINCT ON (source, response_id)" : "") source, response_id, respondent_kind, respondent_id, ticket_id,
                   team_id, submitted_at, finished, file_id, record_no
            FROM stg_survey_response WHERE file_id = ? \(retracted())
            ORDER BY source, response_id, record_no\(latest ? " DESC" : "")
            ON CONFLICT (source, response_id) DO UPDATE SET
                respondent_kind = excluded.respondent_kind, respondent_id = excluded.respondent_id, ticket_id = excluded.ticket_id,
                team_id = excluded.team_id, submitted_at = excluded.submitted_at, finished = excluded.finished,
                _file_id = excluded._file_id, _record_no = excluded._record_no
            """, [.integer(fileID)])
        try database.run("""
            INSERT INTO fact_survey_answer (source, response_id, item, numeric_value, text_value, answered)
            SELECT \(latest ? "DISTINCT ON (r.source, r.response_id, a.item)" : "") r.source, r.response_id, a.item, a.numeric_value,
                   a.text_value, a.answered
            FROM stg_survey_answer a JOIN stg_survey_response r ON r.file_id = a.file_id AND r.record_no = a.record_no
            WHERE a.file_id = ? \(retracted("r."))
            ORDER BY r.source, r.response_id, a.item, a.record_no\(latest ? " DESC" : "")
            ON CONFLICT (source, response_id, item) DO UPDATE SET
                numeric_value = excluded.numeric_value, text_value = excluded.text_value, answered = excluded.answered
            """, [.integer(fileID)])
        guard !onlyRetracted else { return written }
        try database.run("""
            INSERT INTO dim_survey_item (source, item, label, import_id)
            SELECT f.source, substr(m.key, 7), m.value,
                   (SELECT value FROM etl_file_metadata i WHERE i.file_id = m.file_id AND i.key = 'import_id/' || substr(m.key, 7))
            FROM etl_file_metadata m JOIN etl_source_file f ON f.file_id = m.file_id
            WHERE m.file_id = ? AND m.key LIKE 'label/%'
            ON CONFLICT (source, item) DO UPDATE SET label = excluded.label, import_id = excluded.import_id
            """, [.integer(fileID)])
        // Exports without question-text metadata (SurveyMonkey: the item is the question) still
        // list their items, labelled by their own name.
        try database.run("""
            INSERT INTO dim_survey_item (source, item, label)
            SELECT DISTINCT r.source, a.item, a.item
            FROM stg_survey_answer a JOIN stg_survey_response r ON r.file_id = a.file_id AND r.record_no = a.record_no
            WHERE a.file_id = ?
            ON CONFLICT (source, item) DO NOTHING
            """, [.integer(fileID)])
        return written
    }

    /// Takes back the responses (and answers) superseded predecessors of `fileID` contributed,
    /// in the caller's transaction, before `fileID` is merged: a response another loaded file
    /// also holds (cumulative exports: each day's file holds every response so far) is merged
    /// again from that file's staged rows, the latest such file last, as a normal load would
    /// have left it. Returns the responses taken back.
    package static func retractPredecessors(of fileID: Int64, database: any WarehouseConnection) throws -> Int {
        guard let list = try Manifest(database).supersededList(by: fileID) else { return 0 }
        let (temporary, text) = (database.engine.temporary, database.engine.text)
        try database.execute("""
            CREATE TEMP TABLE IF NOT EXISTS retracted_response (
                source \(text) NOT NULL, response_id \(text) NOT NULL, PRIMARY KEY (source, response_id))\(database.engine.withoutRowID);
            DELETE FROM \(temporary)retracted_response;
            INSERT INTO \(temporary)retracted_response SELECT source, response_id FROM fact_survey_response WHERE _file_id IN (\(list));
            DELETE FROM fact_survey_answer WHERE (source, response_id) IN (SELECT source, response_id FROM \(temporary)retracted_response);
            """)
        let taken = try database.run("DELETE FROM fact_survey_response WHERE _file_id IN (\(list))", [])
        let retracted = "SELECT source, response_id FROM \(temporary)retracted_response"
        for other in try FactStore.loadedFiles(staging: staging, holding: ["source", "response_id"], in: retracted, database: database) {
            _ = try merge(fileID: other, database: database, onlyRetracted: true)
        }
        try database.execute("DELETE FROM \(temporary)retracted_response")
        return taken
    }
}
