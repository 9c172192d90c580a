import XCTest
@testable import Report

/// The report's own chart and escaping code.
final class ChartTests: XCTestCase {
    func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    func testBarsDrawOneBarAndOneErrorBarPerValueAndEscapeLabels() {
        let svg = SVGChart.bars([
            SVGChart.Bar(label: "Q1 <script>alert(1)</script>", value: 0.15, low: 0.12, high: 0.18),
            SVGChart.Bar(label: "Q2 & co", value: 0.10, low: 0.08, high: 0.13),
            SVGChart.Bar(label: "no interval", value: 0.05),
            SVGChart.Bar(label: "NaN is skipped", value: .nan),
        ], title: "Rates \"quoted\"", unit: "%", scale: 100)
        XCTAssertTrue(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        XCTAssertEqual(count("<rect", in: svg), 3, "one bar per finite value")
        XCTAssertEqual(count("<line", in: svg), 2 * 3 + 1, "two error bars of three lines each, plus the axis")
        XCTAssertFalse(svg.contains("<script"), "labels are escaped")
        XCTAssertTrue(svg.contains("Q1 &lt;script&gt;") && svg.contains("Q2 &amp; co") && svg.contains("Rates &quot;quoted&quot;"))
        XCTAssertTrue(svg.contains(">15.0%"), "values are printed with their unit")
        XCTAssertFalse(svg.contains("nan") || svg.contains("NaN ") || svg.contains("inf"))
        // The longest bar (with its error bar) ends inside the plot width.
        XCTAssertTrue(svg.contains("width=\"300.0\"") || svg.contains("width=\"299.9\"") || svg.contains("width=\"300.1\""), "the largest upper bound sets the scale: \(svg)")
    }

    func testForestPlotMarksEachEstimateAndTheReferenceLine() {
        let svg = SVGChart.forest([
            SVGChart.Estimate(label: "confirmatory", value: -0.1, low: -0.2, high: -0.01, note: "p = 0.03", emphasised: true),
            SVGChart.Estimate(label: "other", value: 0.05, low: -0.05, high: 0.15, note: "q = 0.4"),
            SVGChart.Estimate(label: "broken", value: .infinity, low: 0, high: 1),
        ], title: "Forest", axisLabel: "log-odds")
        XCTAssertEqual(count("<rect", in: svg), 2, "infinite estimates are not drawn")
        XCTAssertEqual(count("stroke-dasharray=\"4 3\"", in: svg), 1, "one reference line")
        XCTAssertTrue(svg.contains("font-weight=\"bold\">confirmatory"))
        XCTAssertTrue(svg.contains(">0.00<"), "the axis has a tick at the reference")
        XCTAssertEqual(SVGChart.forest([], title: "Empty", axisLabel: "x").contains("no data to draw"), true)
    }

    func testLineChartBreaksAtMissingValuesAndMarksSeriesByShape() {
        let svg = SVGChart.lines([
            SVGChart.Series(name: "index", points: [("2026-01", 50), ("2026-02", 52), ("2026-03", nil), ("2026-04", 51), ("2026-05", 53)]),
            SVGChart.Series(name: "second", points: [("2026-01", 40), ("2026-02", 41), ("2026-03", 42), ("2026-04", 43), ("2026-05", 44)]),
        ], title: "Trend", yLabel: "index")
        XCTAssertEqual(count("<polyline", in: svg), 2 + 1, "the gap splits the first series in two")
        XCTAssertEqual(count("<circle", in: svg), 4 + 1, "circles for the first series' points and its legend")
        XCTAssertEqual(count("width=\"7\"", in: svg), 5 + 1, "squares for the second series")
        XCTAssertTrue(svg.contains("stroke-dasharray=\"6 3\""), "the second series is dashed, readable without colour")
        for label in ["2026-01", "2026-05"] { XCTAssertTrue(svg.contains(">\(label)<")) }
    }

    func testTicksAreRoundAndCoverTheRange() {
        let unit = SVGChart.ticks(0, 1)
        XCTAssertEqual(unit.count, 6)
        for (index, tick) in unit.enumerated() { XCTAssertEqual(tick, 0.2 * Double(index), accuracy: 1e-9) }
        let ticks = SVGChart.ticks(-0.23, 0.41)
        XCTAssertTrue(ticks.contains(0))
        XCTAssertTrue(ticks.count >= 3 && ticks.count <= 8, "\(ticks)")
        XCTAssertTrue(ticks.allSatisfy { $0 >= -0.23 && $0 <= 0.41 })
        XCTAssertEqual(SVGChart.ticks(1, 1), [])
    }

    func testCSVCellsAreNeutralisedAgainstFormulaInjection() {
        for dangerous in ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"] {
            let cell = Escaping.csv(dangerous)
            let unquoted = cell.hasPrefix("\"") ? String(cell.dropFirst()) : cell
            XCTAssertTrue(unquoted.hasPrefix("'"), "\(dangerous.debugDescription) → \(cell.debugDescription)")
        }
        XCTAssertEqual(Escaping.csv("Support 01"), "Support 01")
        XCTAssertEqual(Escaping.csv("a,b"), "\"a,b\"")
        XCTAssertEqual(Escaping.csv("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(Escaping.csv("-0.25", number: true), "-0.25", "numbers the report writes stay numbers")
        XCTAssertEqual(Escaping.html("<b a='1'>&</b>"), "&lt;b a=&#39;1&#39;&gt;&amp;&lt;/b&gt;")
    }
}
