import AmbassadorCore
import Warehouse

/// Customer advocacy segments per period from the relationship survey (SCORING.md §2),
/// *(design choice)*: Advocates — likelihood to recommend 9–10 and they did recommend us
/// lately; Allegiants — 7 or more otherwise; Ambivalents — 5–6; Alienated — 0–4. A customer
/// who answered twice in a period counts once, with their latest answer.
enum CustomerScores {
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
                let tied = try SurveyScoreStore.responses(source: source.name, tiedToTickets: true, database: database)
                let total = try SurveyScoreStore.responses(source: source.name, database: database)
                if total > 0 && tied == 0 { sources.append(source.name) }
            }
        }
        guard !sources.isEmpty else { return nil }
        var instrument = Instrument(sources: sources, likelihood: [], recommended: [])
        for source in sources {
            for (item, text, maximum) in try SurveyScoreStore.describedItems(source: source, database: database) {
                if text.contains("recommend") && text.contains("likely") && (maximum ?? 0) > 5 {
                    instrument.likelihood.append((source, item))
                } else if text.contains("recommended") && (maximum ?? 0) <= 1 {
                    instrument.recommended.append((source, item))
                }
            }
        }
        return instrument.likelihood.isEmpty ? nil : instrument
    }

    /// Rewrites `score_customer_period` per `period`; returns the rows written.
    static func write(database: any WarehouseConnection, instrument: Instrument, period: ScorePeriod) throws -> Int {
        try SurveyScoreStore.writeCustomerSegments(sources: instrument.sources, likelihood: instrument.likelihood,
                                                   recommended: instrument.recommended, kind: period, database: database)
    }

    /// Builds `temp.relationship_recommended(customer, submitted_at)`: customers who told the
    /// relationship survey they recommended us (a REFERRAL signal), lower-cased ids.
    static func buildRecommended(database: any WarehouseConnection, instrument: Instrument?) throws {
        try OutcomeStore.buildRecommended(items: instrument?.recommended ?? [], database: database)
    }
}
