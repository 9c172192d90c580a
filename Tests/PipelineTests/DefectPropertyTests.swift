import AmbassadorCore
import Foundation
import Generate
import Logging
import TestSupport
import Warehouse
import XCTest
@testable import Pipeline

/// Issue 15 acceptance: for generated rosters, tickets and surveys with random defects — cut
/// files, garbage lines, repeated rows and headers, stray quotes, NUL and invalid bytes,
/// byte-order marks, headers in another Unicode form or case, dates in the future — a run
/// never fails as a whole (exit 0 or 65, never 1), every raw record is a fact or a reject,
/// and a rerun changes nothing. Seeds 1…AMBASSADOR_DEFECT_SEEDS (default 10), each stated in
/// its failure message.
final class DefectPropertyTests: XCTestCase {
    private let runDate = CivilDate(year: 2026, month: 11, day: 22)!

    private func run(_ config: PipelineConfig) throws -> RunSummary {
        let runner = Runner(config: config, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }, progress: .silent)
        return try runner.run(PipelineStep.all, options: RunOptions(command: "test", arguments: [], runDate: runDate,
                                                                    now: { "2026-11-22T00:00:00Z" }))
    }

    /// One random defect applied to `bytes` (a whole file); returns its name.
    private func damage(_ bytes: inout [UInt8], _ random: inout SeededRandom) -> String {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        func line() -> Int { lines.count <= 2 ? 0 : 1 + random.int(lines.count - 2) }
        let kind = random.int(10)
        switch kind {
        case 0:
            bytes = Array(bytes.prefix(bytes.count / 2 + random.int(max(1, bytes.count / 2))))
            return "cut at byte \(bytes.count)"
        case 1:
            lines.insert(Array("\u{1}garbage,,\"x".utf8) + [0xFF, 0xFE], at: line())
        case 2:
            let at = line()
            lines.insert(lines[at], at: at)
        case 3:
            lines.insert(Array("\u{FEFF}".utf8) + lines[0], at: line())
        case 4:
            let at = line()
            lines[at].insert(0x22, at: random.int(max(1, lines[at].count)))
        case 5:
            let at = line()
            if !lines[at].isEmpty { lines[at][random.int(lines[at].count)] = random.int(2) == 0 ? 0x00 : 0xC3 }
        case 6:
            // The header in NFD and upper case: the same columns to a person.
            let header = String(decoding: lines[0], as: UTF8.self).uppercased().decomposedStringWithCanonicalMapping
            lines[0] = Array(header.utf8)
        case 7:
            let at = line()
            let text = String(decoding: lines[at], as: UTF8.self).replacingOccurrences(of: "2026-", with: "2099-")
            lines[at] = Array(text.utf8)
        case 8:
            lines = Array(lines.prefix(max(2, lines.count / 10)))
            bytes = Array(lines.joined(separator: [0x0A]))
            return "kept the first tenth of the lines"
        default:
            lines.insert(lines[0], at: line())
        }
        bytes = Array(lines.joined(separator: [0x0A]))
        return ["", "garbage line", "repeated row", "BOM + header inside", "stray quote", "NUL or invalid byte",
                "NFD upper-case header", "a date in 2099", "", "repeated header"][kind]
    }

    func testRandomDefectsNeverStopTheRunLoseARecordOrChangeARerun() throws {
        let seeds = ProcessInfo.processInfo.environment["AMBASSADOR_DEFECT_SEEDS"].flatMap(Int.init) ?? 10
        for seed in 1...seeds {
            let directory = TestSupport.temporaryDirectory("defects\(seed)")
            _ = try Generator(settings: GeneratorSettings(outDir: directory, teams: 4, tickets: 500, months: 2, seed: UInt64(seed),
                                                          agentsPerTeam: 4, dirt: 0.01)).run()
            var random = SeededRandom(seed: UInt64(1000 + seed))
            var applied: [String] = []
            for folder in ["hr", "tickets", "surveys", "customers"] {
                let path = directory + "/" + folder
                for name in (try? FileManager.default.contentsOfDirectory(atPath: path).sorted()) ?? [] where random.int(3) == 0 {
                    var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path + "/" + name)))
                    applied.append("\(folder)/\(name): \(damage(&bytes, &random))")
                    TestSupport.write(bytes, to: path + "/" + name)
                }
            }
            let config = try ConfigLoader(path: directory + "/pipeline.yml").load()
            let context = "seed \(seed), defects: \(applied.joined(separator: "; "))"
            let first: RunSummary
            do {
                first = try run(config)
            } catch {
                XCTFail("\(context): the run failed as a whole: \(error)")
                continue
            }
            XCTAssertTrue([0, 65].contains(first.exitCode), context)
            let facts = try WarehouseDump.count(config.warehouse, "fact_ticket")
            print("defect-property: seed \(seed): exit \(first.exitCode), \(facts) tickets in the facts; \(applied.joined(separator: "; "))")
            XCTAssertGreaterThan(facts, 0, context)
            XCTAssertEqual(try WarehouseDump.unaccountedRecords(config.warehouse), [], context)
            let before = try WarehouseDump.dump(config.warehouse)
            let second = try run(config)
            XCTAssertTrue([0, 65].contains(second.exitCode), context)
            XCTAssertEqual(try WarehouseDump.dump(config.warehouse), before, "\(context): the rerun changed the warehouse")
        }
    }
}
