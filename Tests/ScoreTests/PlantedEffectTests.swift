import AmbassadorCore
import Foundation
import Generate
import Logging
import TestSupport
import Warehouse
import XCTest
@testable import Pipeline
@testable import Score

/// The whole pipeline on generated data with a known truth (SCORING.md §4): generate →
/// extract → normalize → load → score, then the linkage estimates against the planted effect.
final class PlantedEffectTests: XCTestCase {
    static let runDate = CivilDate(year: 2026, month: 11, day: 22) ?? CivilDate(daysSinceEpoch: 0)

    /// One generated organisation, run through every stage; cached per scenario and seed.
    nonisolated(unsafe) static var cache: [String: (config: PipelineConfig, directory: String)] = [:]

    static func warehouse(_ scenario: Scenario, seed: UInt64 = 1, teams: Int = 60, tickets: Int = 40_000) throws -> (config: PipelineConfig, directory: String) {
        let key = "\(scenario.rawValue)-\(seed)-\(teams)-\(tickets)"
        if let cached = cache[key] { return cached }
        let directory = TestSupport.temporaryDirectory("planted-\(key)")
        _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: teams, tickets: tickets, months: 6, seed: seed,
                                                      scenario: scenario)).run()
        let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
        let summary = try run(config)
        XCTAssertEqual(summary.exitCode, 0)
        cache[key] = (config, directory)
        return (config, directory)
    }

    @discardableResult
    static func run(_ config: PipelineConfig, steps: [PipelineStep] = PipelineStep.all) throws -> RunSummary {
        let runner = Runner(config: config, logger: Logger(label: "test"), progress: .silent)
        return try runner.run(steps, options: RunOptions(command: "test", arguments: [], runDate: runDate, partitionRange: nil,
                                                         now: { "2026-11-22T00:00:00Z" }))
    }

    struct Row {
        var estimate: Double, low: Double, high: Double, p: Double, teams: Int
    }

    static func estimate(_ config: PipelineConfig, _ outcome: String, _ predictor: String, model: String = "confirmatory") throws -> Row {
        let database = try Database(path: config.warehouse, readOnly: true)
        let rows = try database.query("""
            SELECT estimate, ci_low, ci_high, p_value, teams, status FROM linkage_estimate WHERE outcome = ? AND model = ? AND predictor = ?
            """, [.text(outcome), .text(model), .text(predictor)]) { row -> Row? in
            guard !row.isNull(0), !row.isNull(1), !row.isNull(2), !row.isNull(3) else { return nil }
            return Row(estimate: row.double(0), low: row.double(1), high: row.double(2), p: row.double(3), teams: row.int(4))
        }
        return try XCTUnwrap(rows.first ?? nil, "\(outcome) \(model) \(predictor) was not estimated")
    }

    /// The planted REPEAT effect of the team index on the observed scale: survey noise
    /// attenuates the latent effect by about √ICC(2) (SCORING.md §4).
    static func planted(_ config: PipelineConfig, _ scenario: Scenario) throws -> Double {
        let database = try Database(path: config.warehouse, readOnly: true)
        let icc2 = try XCTUnwrap(database.scalar("SELECT avg(icc2) FROM (SELECT DISTINCT period, icc2 FROM score_team_period)").doubleValue)
        return scenario.teamEffect * icc2.squareRoot()
    }

    /// Calibration at test size (`make bench` runs 60 seeds): five strong-scenario datasets,
    /// 60 teams and 40 000 tickets each, seeds 1–5. If the 95% interval truly covers 95% of
    /// the time, 3 or more of 5 cover with probability 0.999; the bench measured the power
    /// that bounds how many exclude 0.
    func testStrongScenarioConfirmatoryIntervalCoversThePlantedEffectOverFiveSeeds() throws {
        var covered = 0, below = 0, estimates: [Double] = [], planted: [Double] = []
        for seed in UInt64(1)...5 {
            let (config, _) = try Self.warehouse(.strong, seed: seed)
            let row = try Self.estimate(config, "REPEAT", "team_self_index")
            let target = try Self.planted(config, .strong)
            if row.low <= target && target <= row.high { covered += 1 }
            if row.high < 0 { below += 1 }
            estimates.append(row.estimate)
            planted.append(target)
            XCTAssertGreaterThanOrEqual(row.teams, 50)
        }
        XCTAssertGreaterThanOrEqual(covered, 3, "intervals covering the planted value: \(covered) of 5; estimates \(estimates), planted \(planted)")
        XCTAssertGreaterThanOrEqual(below, 2, "intervals excluding 0: \(below) of 5; estimates \(estimates)")
        // Every estimate points the planted way: P(one of five > 0) is small at this power.
        XCTAssertTrue(estimates.allSatisfy { $0 < 0 }, "\(estimates)")
    }

    /// The model structure SCORING.md §3 asks for: one confirmatory test (index model,
    /// REPEAT) without a q-value; every other regression coefficient in the BH family;
    /// the descriptive rows (team correlation, reverse check) outside it.
    func testTheConfirmatoryModelHoldsTheIndexAloneAndTheBHFamilyIsTheOtherCoefficients() throws {
        let (config, _) = try Self.warehouse(.strong)
        let database = try Database(path: config.warehouse, readOnly: true)
        let confirmatory = try database.query("SELECT outcome, model, predictor, q_value IS NULL FROM linkage_estimate WHERE confirmatory = 1") {
            "\($0.text(0) ?? "") \($0.text(1) ?? "") \($0.text(2) ?? "") \($0.int(3))"
        }
        XCTAssertEqual(confirmatory, ["REPEAT confirmatory team_self_index 1"])
        let byModel = try database.query("SELECT model, group_concat(predictor, ' ') FROM (SELECT DISTINCT model, predictor FROM linkage_estimate ORDER BY 1, 2) GROUP BY model ORDER BY model") {
            "\($0.text(0) ?? ""): \($0.text(1) ?? "")"
        }
        XCTAssertEqual(byModel, ["behaviour: agent_behaviour_within_team team_behaviour_mean", "confirmatory: team_self_index",
                                 "correlation: team_correlation",
                                 "joint: agent_behaviour_within_team team_behaviour_mean team_self_index",
                                 "reverse: reverse_prior_outcome_rate"])
        XCTAssertEqual(try database.count("""
            SELECT count(*) FROM linkage_estimate WHERE model IN ('confirmatory', 'behaviour', 'joint') AND confirmatory = 0
              AND p_value IS NOT NULL AND q_value IS NULL
            """), 0, "every exploratory regression estimate carries a q-value")
        XCTAssertEqual(try database.count("SELECT count(*) FROM linkage_estimate WHERE model IN ('correlation', 'reverse') AND q_value IS NOT NULL"), 0,
                       "descriptive rows are outside the BH family")
        // The index model has one parameter fewer than the joint model with the same controls.
        let parameters = try database.query("SELECT model, parameters FROM linkage_estimate WHERE outcome = 'REPEAT' AND model IN ('confirmatory', 'joint') AND predictor = 'team_self_index' ORDER BY model") { $0.int(1) }
        XCTAssertEqual(parameters.count, 2)
        XCTAssertEqual(parameters.first.map { $0 + 2 }, parameters.last)
        // The reverse check does not mistake a persistent team level for reversal.
        XCTAssertGreaterThan(try Self.estimate(config, "REPEAT", "reverse_prior_outcome_rate", model: "reverse").p, 0.05)
        // Rates by quartile carry the teams' clustering: never narrower than the plain Wilson
        // interval of the same counts, and wider somewhere (teams differ in REPEAT level).
        var wider = 0
        try database.forEach("SELECT events, tickets, ci_low, ci_high FROM linkage_segment_lift WHERE grouping = 'quartile'") { row in
            guard let plain = Intervals.wilson(successes: row.int(0), trials: row.int(1)) else { return XCTFail("no interval") }
            let width = row.double(3) - row.double(2)
            XCTAssertGreaterThanOrEqual(width, plain.high - plain.low - 1e-12)
            if width > (plain.high - plain.low) * 1.05 { wider += 1 }
        }
        XCTAssertGreaterThan(wider, 0, "some quartile interval is widened by the design effect")
    }

    /// Reverse scenario (team answers move with the month's repeat contacts; every team has
    /// its own outcome level), seeds 1–3. The reverse check finds it in every seed; the
    /// forward test rejects in at most one (P(2 or more of 3) = 0.007 at a true 5%).
    func testReverseScenarioForwardTestIsNotSignificantAndTheReverseCheckIs() throws {
        var forward = 0
        for seed in UInt64(1)...3 {
            let (config, _) = try Self.warehouse(.reverse, seed: seed)
            if try Self.estimate(config, "REPEAT", "team_self_index").p < 0.05 { forward += 1 }
            let reverse = try Self.estimate(config, "REPEAT", "reverse_prior_outcome_rate", model: "reverse")
            XCTAssertLessThan(reverse.p, 0.05, "seed \(seed)")
            XCTAssertLessThan(reverse.high, 0, "seed \(seed): more repeats this month, lower index next wave")
        }
        XCTAssertLessThanOrEqual(forward, 1)
    }

    /// Null scenario with team-level outcome heterogeneity (SD 0.3), ten small organisations
    /// (40 teams, 8 000 tickets; seeds 1–10; `make bench` runs 1 000). At a true 5%, four or
    /// more rejections of ten has probability 0.001; so has four or more datasets with an
    /// exploratory discovery at a true 5% family-wise rate.
    func testNullScenarioRejectsAtTheNominalRateAndStoresNoInfinity() throws {
        var rejections = 0, discoveries = 0
        for seed in UInt64(1)...10 {
            let (config, _) = try Self.warehouse(.null, seed: seed, teams: 40, tickets: 8_000)
            let database = try Database(path: config.warehouse, readOnly: true)
            let p = try XCTUnwrap(database.scalar("SELECT p_value FROM linkage_estimate WHERE confirmatory = 1").doubleValue, "seed \(seed)")
            if p < 0.05 { rejections += 1 }
            if try database.count("SELECT count(*) FROM linkage_estimate WHERE q_value < 0.05") > 0 { discoveries += 1 }
            // No NaN or infinity is ever stored as a result.
            XCTAssertEqual(try database.count("""
                SELECT count(*) FROM linkage_estimate WHERE abs(estimate) > 1e300 OR abs(std_error) > 1e300 OR abs(odds_ratio) > 1e300
                """), 0)
        }
        XCTAssertLessThanOrEqual(rejections, 3)
        XCTAssertLessThanOrEqual(discoveries, 3)
    }

    func testSuppressedTeamsKeepNoFigureAndOthersHaveAll() throws {
        let (config, _) = try Self.warehouse(.strong)
        let database = try Database(path: config.warehouse, readOnly: true)
        let threshold = config.score.anonymityThreshold
        XCTAssertGreaterThan(try database.count("SELECT count(*) FROM score_team_period WHERE suppressed = 1"), 0,
                             "the generator's low-response teams fall under the threshold")
        XCTAssertEqual(try database.count("SELECT count(*) FROM score_team_period WHERE (respondents < ?) <> (suppressed = 1)", [.integer(Int64(threshold))]), 0)
        XCTAssertEqual(try database.count("""
            SELECT count(*) FROM score_team_period WHERE suppressed = 1 AND (coalesce(company, value_proposition, customer, ambassador_index,
                share_ambassador, share_positive, share_ambivalent, share_saboteur, net_ambassadorship, rwg) IS NOT NULL)
            """), 0)
        XCTAssertEqual(try database.count("""
            SELECT count(*) FROM score_team_period WHERE suppressed = 0 AND (ambassador_index IS NULL OR net_ambassadorship IS NULL
                OR abs(share_ambassador + share_positive + share_ambivalent + share_saboteur - 1) > 1e-9
                OR ambassador_index NOT BETWEEN 0 AND 100)
            """), 0)
        // Aggregation checks are present and plausible.
        let icc = try database.query("SELECT DISTINCT icc1, icc2, rwg_median FROM score_team_period") { ($0.double(0), $0.double(1), $0.double(2)) }
        XCTAssertFalse(icc.isEmpty)
        for (icc1, icc2, rwg) in icc {
            XCTAssertTrue(icc1 > 0 && icc1 < icc2 && icc2 < 1, "ICC(1) \(icc1), ICC(2) \(icc2)")
            XCTAssertTrue(rwg > 0 && rwg <= 1)
        }
        // The linkage never uses a suppressed team's index: its tickets are not in the models.
        let used = try database.count("""
            SELECT count(*) FROM linkage_team l WHERE NOT EXISTS (SELECT 1 FROM score_team_period s WHERE s.team_id = l.team_id AND s.suppressed = 0)
            """)
        XCTAssertEqual(used, 0)
    }

    func testOutcomeWindowsIncompleteAtTheCutOffAreLeftOut() throws {
        let (config, _) = try Self.warehouse(.strong)
        let database = try Database(path: config.warehouse, readOnly: true)
        let cutoff = try XCTUnwrap(database.scalar("SELECT max(max(created_at), max(updated_at)) FROM fact_ticket").stringValue)
        XCTAssertEqual(try database.count("""
            SELECT count(*) FROM fact_ticket_outcome WHERE repeat IS NOT NULL AND strftime('%Y-%m-%dT%H:%M:%SZ', resolved_at, '+7 days') > ?
            """, [.text(cutoff)]), 0)
        XCTAssertGreaterThan(try database.count("SELECT count(*) FROM fact_ticket_outcome WHERE repeat IS NULL"), 0)
        XCTAssertEqual(try database.count("SELECT count(*) FROM fact_ticket_outcome WHERE renew IS NOT NULL"), 0,
                       "six months of data complete no 180-day RENEW window")
        let status = try database.query("SELECT DISTINCT status FROM linkage_estimate WHERE outcome = 'RENEW'") { $0.text(0) ?? "" }
        XCTAssertEqual(status.count, 1)
        XCTAssertTrue(status.first?.contains("not estimated") ?? false, "\(status)")
        // REPEAT in the warehouse matches a direct count on the facts.
        let direct = try database.count("""
            SELECT count(*) FROM fact_ticket_outcome o WHERE o.repeat = 1 AND NOT EXISTS (SELECT 1 FROM fact_ticket b
                WHERE b.customer_id = o.customer_id AND b.category = o.category AND b.created_at > o.resolved_at
                  AND b.created_at <= strftime('%Y-%m-%dT%H:%M:%SZ', o.resolved_at, '+7 days'))
            """)
        XCTAssertEqual(direct, 0, "every REPEAT = 1 has its repeat contact")
        // Advocacy segments from the relationship survey: shares of each period sum to 1, and a
        // customer who said they recommended us counts as a REFERRAL after their ticket.
        let sums = try database.query("SELECT period, sum(share), sum(customers) FROM score_customer_period GROUP BY period") { ($0.double(1), $0.int(2)) }
        XCTAssertEqual(sums.count, 2, "two relationship waves in six months")
        for (share, customers) in sums {
            XCTAssertEqual(share, 1, accuracy: 1e-9)
            XCTAssertGreaterThan(customers, 500)
        }
        let referralFromSurvey = try database.count("""
            SELECT count(*) FROM fact_ticket_outcome o WHERE o.referral = 1 AND NOT EXISTS (SELECT 1 FROM fact_customer_event e
                WHERE e.customer_id = o.customer_id AND e.event = 'referral' AND e.occurred_at > o.resolved_at
                  AND e.occurred_at <= strftime('%Y-%m-%dT%H:%M:%SZ', o.resolved_at, '+90 days'))
            """)
        XCTAssertGreaterThan(referralFromSurvey, 0, "REFERRAL also counts the relationship survey's 'recommended' answers")
    }

    /// SCORING.md §3: a ticket opened before its wave closed (plus the lag) never enters an
    /// estimate for that wave.
    func testNoOutcomeTicketOpenedBeforeItsExposureWindowClosesEntersAModel() throws {
        let (config, _) = try Self.warehouse(.strong)
        let database = try Database(path: config.warehouse)
        try Outcomes.buildRatings(database: database, config: config)
        try database.execute("""
            CREATE TEMP TABLE outcome_contact AS SELECT customer_id, category, created_at, ticket_id FROM fact_ticket WHERE customer_id IS NOT NULL;
            CREATE INDEX temp.outcome_contact_key ON outcome_contact (customer_id, category, created_at);
            """)
        let data = try LinkageData.load(database: database, config: config.score)
        XCTAssertGreaterThan(data.tickets.count, 1000)
        // When each ticket opened, from the facts (the rows keep only its wave).
        let opened = Dictionary(uniqueKeysWithValues: try database.query("SELECT ticket_id, created_at FROM fact_ticket") { ($0.text(0) ?? "", $0.text(1) ?? "") })
        for ticket in data.tickets {
            let wave = data.waves[Int(data.exposure(of: ticket).key.wave)]
            let created = try XCTUnwrap(opened[ticket.id])
            XCTAssertGreaterThanOrEqual(created, wave.openFrom, "ticket \(ticket.id)")
            XCTAssertGreaterThan(created, wave.closedAt)
        }
        // At the boundary: one second before openFrom belongs to the previous wave, never this one.
        let waves = data.waves
        XCTAssertGreaterThan(waves.count, 2)
        for index in 1..<waves.count {
            let before = try XCTUnwrap(database.scalar("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', ?, '-1 seconds')", [.text(waves[index].openFrom)]).stringValue)
            XCTAssertNotEqual(LinkageData.exposureWave(for: before, in: waves), index)
            XCTAssertEqual(LinkageData.exposureWave(for: waves[index].openFrom, in: waves), index)
            XCTAssertNotEqual(LinkageData.exposureWave(for: waves[index].closedAt, in: waves), index, "a ticket opened as the wave closes")
        }
        XCTAssertNil(LinkageData.exposureWave(for: waves[0].closedAt, in: waves), "before the first wave's lag there is no exposure")
    }

    func testScoringAgainWithUnchangedInputsRecomputesNothing() throws {
        let (config, _) = try Self.warehouse(.null, seed: 1, teams: 40, tickets: 8_000)
        let database = try Database(path: config.warehouse, readOnly: true)
        let before = try database.query("SELECT outcome, model, predictor, estimate, ci_low, p_value FROM linkage_estimate ORDER BY 1, 2, 3") {
            "\($0.text(0) ?? "") \($0.text(1) ?? "") \($0.text(2) ?? "") \($0.value(3)) \($0.value(4)) \($0.value(5))"
        }
        let summary = try Self.run(config, steps: [.score])
        let counts = try XCTUnwrap(summary.stages.first { $0.name == "score" }?.counts.first)
        XCTAssertEqual(counts.filesDone, 0, "no period recomputed")
        XCTAssertGreaterThan(counts.filesSkipped, 6)
        XCTAssertEqual(try database.query("SELECT outcome, model, predictor, estimate, ci_low, p_value FROM linkage_estimate ORDER BY 1, 2, 3") {
            "\($0.text(0) ?? "") \($0.text(1) ?? "") \($0.text(2) ?? "") \($0.value(3)) \($0.value(4)) \($0.value(5))"
        }, before)
        // A changed setting recomputes everything, and the seeded bootstrap gives the same answer.
        var changed = config
        changed.score.shrinkagePseudoTickets = 21
        let again = try Self.run(changed, steps: [.score])
        XCTAssertGreaterThan(try XCTUnwrap(again.stages.first { $0.name == "score" }?.counts.first).filesDone, 6)
    }
}
