import AmbassadorCore

/// The report's charts, drawn as inline SVG by this small, tested code: bars with error
/// bars, a forest plot of estimates with intervals, and a line chart. Readable in grey-scale:
/// series differ by dash pattern and marker shape as well as shade; every label is escaped.
package enum SVGChart {
    package struct Bar: Sendable {
        package var label: String
        package var value: Double
        package var low: Double?
        package var high: Double?
        package var note: String

        package init(label: String, value: Double, low: Double? = nil, high: Double? = nil, note: String = "") {
            self.label = label
            self.value = value
            self.low = low
            self.high = high
            self.note = note
        }
    }

    package struct Estimate: Sendable {
        package var label: String
        package var value: Double
        package var low: Double
        package var high: Double
        package var note: String
        package var emphasised: Bool

        package init(label: String, value: Double, low: Double, high: Double, note: String = "", emphasised: Bool = false) {
            self.label = label
            self.value = value
            self.low = low
            self.high = high
            self.note = note
            self.emphasised = emphasised
        }
    }

    package struct Series: Sendable {
        package var name: String
        package var points: [(x: String, y: Double?)]

        package init(name: String, points: [(x: String, y: Double?)]) {
            self.name = name
            self.points = points
        }
    }

    static let ink = "#1a1a1a", mid = "#6b6b6b", light = "#c8c8c8", fill = "#8c8c8c"
    static let dashes = ["", "6 3", "2 3", "8 3 2 3"]

    /// A horizontal bar chart with optional error bars; `scale` maps values (e.g. 100 for %).
    package static func bars(_ bars: [Bar], title: String, unit: String = "", scale: Double = 1, digits: Int = 1) -> String {
        let finite = bars.filter { $0.value.isFinite }
        guard !finite.isEmpty else { return empty(title) }
        // Wide enough for the longest label the report draws ("CX_EMP agent items (ticket survey)").
        let longest = Double(bars.map(\.label.count).max() ?? 0)
        let labelWidth = max(190.0, 6.2 * longest + 16), plotWidth = 360.0, row = 26.0, top = 30.0
        let height = top + row * Double(finite.count) + 30
        let maximum = max(finite.map { max($0.high ?? $0.value, $0.value) }.max() ?? 1, 1e-12)
        func x(_ v: Double) -> Double { labelWidth + plotWidth * max(0, v) / maximum }
        var svg = open(width: labelWidth + plotWidth + 190, height: height, title: title)
        for (index, bar) in finite.enumerated() {
            let y = top + Double(index) * row
            svg += text(labelWidth - 8, y + row * 0.62, bar.label, anchor: "end")
            svg += "<rect x=\"\(n(labelWidth))\" y=\"\(n(y + 4))\" width=\"\(n(x(bar.value) - labelWidth))\" height=\"\(n(row - 10))\" fill=\"\(fill)\"/>"
            if let low = bar.low, let high = bar.high, low.isFinite, high.isFinite {
                let mid = y + row / 2 - 1
                svg += "<line x1=\"\(n(x(low)))\" y1=\"\(n(mid))\" x2=\"\(n(x(high)))\" y2=\"\(n(mid))\" stroke=\"\(ink)\" stroke-width=\"1.5\"/>"
                for end in [low, high] {
                    svg += "<line x1=\"\(n(x(end)))\" y1=\"\(n(mid - 5))\" x2=\"\(n(x(end)))\" y2=\"\(n(mid + 5))\" stroke=\"\(ink)\" stroke-width=\"1.5\"/>"
                }
            }
            let shown = fixedPoint(bar.value * scale, digits) + unit + (bar.note.isEmpty ? "" : " " + bar.note)
            svg += text(x(max(bar.high ?? bar.value, bar.value)) + 6, y + row * 0.62, shown)
        }
        svg += axis(x1: labelWidth, x2: labelWidth + plotWidth, y: top + row * Double(finite.count) + 2)
        return svg + "</svg>"
    }

    /// A forest plot: each estimate as a point with its interval, a reference line at `reference`.
    package static func forest(_ rows: [Estimate], title: String, reference: Double = 0, axisLabel: String) -> String {
        let finite = rows.filter { $0.value.isFinite && $0.low.isFinite && $0.high.isFinite }
        guard !finite.isEmpty else { return empty(title) }
        // Wide enough for the longest label at 11 px (about 6.2 px a character, bold a little more).
        let longest = Double(finite.map(\.label.count).max() ?? 0)
        let labelWidth = max(300.0, 6.6 * longest + 16), plotWidth = 300.0, row = 22.0, top = 30.0
        var low = min(finite.map(\.low).min() ?? reference, reference), high = max(finite.map(\.high).max() ?? reference, reference)
        if high - low < 1e-9 { low -= 1; high += 1 }
        let pad = (high - low) * 0.05
        low -= pad
        high += pad
        func x(_ v: Double) -> Double { labelWidth + plotWidth * (v - low) / (high - low) }
        let height = top + row * Double(finite.count) + 44
        var svg = open(width: labelWidth + plotWidth + 150, height: height, title: title)
        svg += "<line x1=\"\(n(x(reference)))\" y1=\"\(n(top - 6))\" x2=\"\(n(x(reference)))\" y2=\"\(n(top + row * Double(finite.count)))\" stroke=\"\(mid)\" stroke-dasharray=\"4 3\"/>"
        for (index, estimate) in finite.enumerated() {
            let y = top + Double(index) * row + row / 2
            svg += text(labelWidth - 8, y + 4, estimate.label, anchor: "end", bold: estimate.emphasised)
            svg += "<line x1=\"\(n(x(estimate.low)))\" y1=\"\(n(y))\" x2=\"\(n(x(estimate.high)))\" y2=\"\(n(y))\" stroke=\"\(ink)\" stroke-width=\"\(estimate.emphasised ? 2.5 : 1.5)\"/>"
            let size = estimate.emphasised ? 5.0 : 3.5
            svg += "<rect x=\"\(n(x(estimate.value) - size))\" y=\"\(n(y - size))\" width=\"\(n(2 * size))\" height=\"\(n(2 * size))\" fill=\"\(ink)\"/>"
            if !estimate.note.isEmpty { svg += text(labelWidth + plotWidth + 8, y + 4, estimate.note) }
        }
        let axisY = top + row * Double(finite.count) + 4
        svg += axis(x1: labelWidth, x2: labelWidth + plotWidth, y: axisY)
        // Every other tick label when they would crowd (a label is about 30 px wide).
        let marks = ticks(low, high)
        let every = marks.count > 1 && plotWidth / Double(marks.count - 1) < 34 ? 2 : 1
        for (position, tick) in marks.enumerated() {
            svg += "<line x1=\"\(n(x(tick)))\" y1=\"\(n(axisY))\" x2=\"\(n(x(tick)))\" y2=\"\(n(axisY + 4))\" stroke=\"\(ink)\"/>"
            if position % every == 0 { svg += text(x(tick), axisY + 16, fixedPoint(tick, 2), anchor: "middle") }
        }
        svg += text(labelWidth + plotWidth / 2, axisY + 32, axisLabel, anchor: "middle")
        return svg + "</svg>"
    }

    /// A line chart of one or more series over shared x labels; gaps where a value is nil.
    /// `range` fixes the y axis (e.g. 0–100 for an index, from 0 for a rate), so that noise
    /// on a narrow band does not look like a plunge; values outside it widen it.
    package static func lines(_ series: [Series], title: String, yLabel: String, digits: Int = 1,
                              range: ClosedRange<Double>? = nil) -> String {
        let labels = series.first?.points.map(\.x) ?? []
        let values = series.flatMap { $0.points.compactMap(\.y) }.filter(\.isFinite)
        guard labels.count >= 1, !values.isEmpty else { return empty(title) }
        let left = 60.0, plotWidth = 480.0, top = 30.0, plotHeight = 180.0
        var low = values.min() ?? 0, high = values.max() ?? 1
        if let range {
            low = min(low, range.lowerBound)
            high = max(high, range.upperBound)
        } else {
            if high - low < 1e-9 { low -= 1; high += 1 }
            let pad = (high - low) * 0.1
            low -= pad
            high += pad
        }
        func x(_ i: Int) -> Double { labels.count == 1 ? left + plotWidth / 2 : left + plotWidth * Double(i) / Double(labels.count - 1) }
        func y(_ v: Double) -> Double { top + plotHeight * (1 - (v - low) / (high - low)) }
        var svg = open(width: left + plotWidth + 40, height: top + plotHeight + 50 + 18 * Double(series.count), title: title)
        svg += "<line x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(top + plotHeight))\" stroke=\"\(ink)\"/>"
        svg += axis(x1: left, x2: left + plotWidth, y: top + plotHeight)
        for tick in ticks(low, high) {
            svg += text(left - 6, y(tick) + 4, fixedPoint(tick, digits), anchor: "end")
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(y(tick)))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(y(tick)))\" stroke=\"\(light)\"/>"
        }
        for (i, label) in labels.enumerated() { svg += text(x(i), top + plotHeight + 16, label, anchor: "middle") }
        svg += "<text x=\"12\" y=\"\(n(top + plotHeight / 2))\" transform=\"rotate(-90 12 \(n(top + plotHeight / 2)))\" text-anchor=\"middle\" font-size=\"11\" fill=\"\(ink)\">\(Escaping.html(yLabel))</text>"
        for (s, line) in series.enumerated() {
            let dash = dashes[s % dashes.count]
            var segment: [String] = []
            func flush() {
                if segment.count >= 2 {
                    svg += "<polyline points=\"\(segment.joined(separator: " "))\" fill=\"none\" stroke=\"\(ink)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>"
                }
                segment = []
            }
            for (i, point) in line.points.enumerated() {
                guard let value = point.y, value.isFinite else { flush(); continue }
                segment.append("\(n(x(i))),\(n(y(value)))")
                svg += marker(s, x(i), y(value))
            }
            flush()
            let legendY = top + plotHeight + 36 + 18 * Double(s)
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(legendY - 4))\" x2=\"\(n(left + 30))\" y2=\"\(n(legendY - 4))\" stroke=\"\(ink)\" stroke-width=\"2\"\(dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"")/>"
            svg += marker(s, left + 15, legendY - 4)
            svg += text(left + 38, legendY, line.name)
        }
        return svg + "</svg>"
    }

    // MARK: - Pieces

    static func open(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 \(n(width)) \(n(height))\" width=\"\(n(width))\" height=\"\(n(height))\" font-family=\"sans-serif\" font-size=\"11\">"
            + "<title>\(Escaping.html(title))</title>"
            + "<text x=\"4\" y=\"16\" font-size=\"13\" font-weight=\"bold\" fill=\"\(ink)\">\(Escaping.html(title))</text>"
    }

    static func empty(_ title: String) -> String {
        open(width: 400, height: 50, title: title) + text(4, 38, "no data to draw") + "</svg>"
    }

    static func text(_ x: Double, _ y: Double, _ content: String, anchor: String = "start", bold: Bool = false) -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\" fill=\"\(ink)\"\(bold ? " font-weight=\"bold\"" : "")>\(Escaping.html(content))</text>"
    }

    static func axis(x1: Double, x2: Double, y: Double) -> String {
        "<line x1=\"\(n(x1))\" y1=\"\(n(y))\" x2=\"\(n(x2))\" y2=\"\(n(y))\" stroke=\"\(ink)\"/>"
    }

    /// Circle, square, triangle, diamond: a series is told apart without colour.
    static func marker(_ series: Int, _ x: Double, _ y: Double) -> String {
        switch series % 4 {
        case 0: return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"3.5\" fill=\"\(ink)\"/>"
        case 1: return "<rect x=\"\(n(x - 3.5))\" y=\"\(n(y - 3.5))\" width=\"7\" height=\"7\" fill=\"white\" stroke=\"\(ink)\" stroke-width=\"1.5\"/>"
        case 2: return "<polygon points=\"\(n(x)),\(n(y - 4.5)) \(n(x + 4)),\(n(y + 3)) \(n(x - 4)),\(n(y + 3))\" fill=\"\(mid)\"/>"
        default: return "<polygon points=\"\(n(x)),\(n(y - 4.5)) \(n(x + 4.5)),\(n(y)) \(n(x)),\(n(y + 4.5)) \(n(x - 4.5)),\(n(y))\" fill=\"white\" stroke=\"\(ink)\"/>"
        }
    }

    /// About five round ticks between low and high.
    static func ticks(_ low: Double, _ high: Double) -> [Double] {
        let span = high - low
        guard span > 0, span.isFinite else { return [] }
        let raw = span / 5
        var step = 1.0
        while step > raw { step /= 10 }
        while step * 10 <= raw { step *= 10 }
        if raw / step >= 5 { step *= 5 } else if raw / step >= 2 { step *= 2 }
        var out: [Double] = []
        var tick = (low / step).rounded(.up) * step
        while tick <= high + 1e-12 && out.count < 12 {
            out.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        return out
    }

    /// A coordinate with one decimal.
    static func n(_ value: Double) -> String { fixedPoint(value.isFinite ? value : 0, 1) }
}
