import AmbassadorCore
import Warehouse

/// Customer advocacy segments per period from the relationship survey (SCORING.md §2),
/// *(design choice)*: Advocates — likelihood to recommend 9–10 and they did recommend us
/// lately; Allegiants — 7 or more otherwise; Ambivalents — 5–6; Alienated — 0–4. A customer
/// who answered twice in a period counts once, with their latest answer.
enum CustomerScores {
    static let segments = ["Advocates", "Allegiants", "Ambivalents", "Alienated"]

    /// The relationship survey: `score.relationship_source`, else every customer survey
    /// source whose responses are not tied to tickets; with its two items.
    struct Instrument {
        var sources: [String]
        var likelihood: [(source: String, item: String)]
        var recommended: [(source: String, item: String)]
    }

    static func instrument(database: any WarehouseConnection, config: PipelineConfig) throws -> Instrument? {
        var sources: [String] = []
        if let named = config.score.relationshipSource {
            sources = [named]
        } else {
            for source in config.sources where source.kind == .survey && source.respondent != .employee {
                let tied = try database.count("SELECT count(ticket_id) FROM fact_survey_response WHERE source = ?", [.text(source.name)])
                let total = try database.count("SELECT count(*) FROM fact_survey_response WHERE source = ?", [.text(source.name)])
                if total > 0 && tied == 0 { sources.append(source.name) }
            }
        }
        guard !sources.isEmpty else { return nil }
        var instrument = Instrument(sources: sources, likelihood: [], recommended: [])
        for source in sources {
            try database.stream("""
                SELECT i.item, lower(coalesce(i.label, i.item) || ' ' || i.item), (SELECT max(numeric_value) FROM fact_survey_answer a
                    WHERE a.source = i.source AND a.item = i.item)
                FROM dim_survey_item i WHERE i.source = ? ORDER BY i.item
                """, [.text(source)]) { row in
                let item = row.text(0) ?? "", text = row.text(1) ?? "", maximum = row.isNull(2) ? 0 : row.double(2)
                if text.contains("recommend") && text.contains("likely") && maximum > 5 {
                    instrument.likelihood.append((source, item))
                } else if text.contains("recommended") && maximum <= 1 {
                    instrument.recommended.append((source, item))
                }
            }
        }
        return instrument.likelihood.isEmpty ? nil : instrument
    }

    /// `(condition, parameters)` matching any of `pairs` on answer alias `a`.
    static func itemCondition(_ pairs: [(source: String, item: String)]) -> (String, [SQLValue]) {
        guard !pairs.isEmpty else { return ("FALSE", []) }
        return (pairs.map { _ in "(a.source = ? AND a.item = ?)" }.joined(separator: " OR "), pairs.flatMap { [.text($0.source), .text($0.item)] })
    }

    /// Rewrites `score_customer_period`; returns the rows written.
    static func write(database: any WarehouseConnection, instrument: Instrument, periodSQL: String) throws -> Int {
        try database.run("DELETE FROM score_customer_period")
        let (likely, likelyParameters) = itemCondition(instrument.likelihood)
        let (did, didParameters) = itemCondition(instrument.recommended)
        let sourceList = instrument.sources.map { _ in "?" }.joined(separator: ", ")
        return try database.run("""
            WITH answer AS (
                SELECT r.respondent_id AS customer, \(periodSQL) AS period, r.submitted_at AS submitted_at, r.response_id AS response_id,
                       max(CASE WHEN \(likely) THEN a.numeric_value END) AS likelihood,
                       max(CASE WHEN \(did) THEN a.numeric_value END) AS recommended
                FROM fact_survey_response r JOIN fact_survey_answer a ON a.source = r.source AND a.response_id = r.response_id
                WHERE r.source IN (\(sourceList)) AND r.respondent_id IS NOT NULL AND r.submitted_at IS NOT NULL AND a.answered = 1
                GROUP BY r.source, r.response_id
            ),
            latest AS (
                SELECT customer, period, likelihood, recommended,
                       row_number() OVER (PARTITION BY customer, period ORDER BY submitted_at DESC, response_id DESC) AS n
                FROM answer WHERE likelihood IS NOT NULL
            ),
            segmented AS (
                SELECT period, CASE WHEN likelihood >= 9 AND coalesce(recommended, 0) = 1 THEN 'Advocates'
                                    WHEN likelihood >= 7 THEN 'Allegiants'
                                    WHEN likelihood >= 5 THEN 'Ambivalents' ELSE 'Alienated' END AS segment
                FROM latest WHERE n = 1
            )
            INSERT INTO score_customer_period (period, segment, customers, share)
            SELECT period, segment, count(*), CAST(count(*) AS DOUBLE PRECISION) / (SELECT count(*) FROM segmented s2 WHERE s2.period = s.period)
            FROM segmented s GROUP BY period, segment ORDER BY period, segment
            """, likelyParameters + didParameters + instrument.sources.map { .text($0) })
    }

    /// Builds `temp.relationship_recommended(customer, submitted_at)`: customers who told the
    /// relationship survey they recommended us (a REFERRAL signal), lower-cased ids.
    static func buildRecommended(database: any WarehouseConnection, instrument: Instrument?) throws {
        try database.execute("DROP TABLE IF EXISTS \(database.engine.temporary)relationship_recommended")
        let text = database.engine.text
        try database.execute("CREATE TEMP TABLE relationship_recommended (customer \(text) NOT NULL, submitted_at \(text) NOT NULL)")
        if let instrument, !instrument.recommended.isEmpty {
            let (did, parameters) = itemCondition(instrument.recommended)
            try database.run("""
                INSERT INTO relationship_recommended (customer, submitted_at)
                SELECT lower(r.respondent_id), r.submitted_at FROM fact_survey_response r
                JOIN fact_survey_answer a ON a.source = r.source AND a.response_id = r.response_id
                WHERE (\(did)) AND a.numeric_value = 1 AND r.respondent_id IS NOT NULL AND r.submitted_at IS NOT NULL
                """, parameters)
        }
        try database.execute("CREATE INDEX \(database.engine.temporaryIndex("relationship_recommended_key")) ON relationship_recommended (customer, submitted_at)")
        try Outcomes.analyzeTemporary(database, "relationship_recommended")
    }
}
