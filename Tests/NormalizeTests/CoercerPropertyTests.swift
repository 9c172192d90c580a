import AmbassadorCore
import Foundation
import PropertyBased
import Testing
@testable import Normalize

/// Coercion over generated values: a timestamp written in any of the formats exports use
/// lands on the instant it names (computed here with Foundation's calendar, not the coercer's
/// arithmetic), and normalizing a canonical value again changes nothing.
@Suite struct CoercerPropertyTests {
    /// year, month, day, hour, minute, second, UTC offset in quarter hours, format.
    static let instant = Gen.int(in: 0...Int(Int32.max)).array(of: 8)

    static func text(_ coerced: Coerced) -> String? {
        switch coerced {
        case .value(let s): return s
        case .integer(let n): return String(n)
        case .real(let x): return String(x)
        case .null, .invalid, .unmapped: return nil
        }
    }

    @Test func aTimestampInAnyExportFormatIsTheInstantItNames() async throws {
        let coercer = try Coercer(timeZone: "UTC")
        let iso = ISO8601DateFormatter()
        iso.timeZone = TimeZone(identifier: "UTC")
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        await propertyCheck(count: 300, input: Self.instant) { r in
            let (y, mo, d) = (1990 + r[0] % 46, 1 + r[1] % 12, 1 + r[2] % 28)
            let (h, mi) = (r[3] % 24, r[4] % 60)
            let format = r[7] % 5
            let s = format == 3 ? 0 : r[5] % 60
            let quarters = format == 1 || format == 2 ? r[6] % 97 - 48 : 0   // −12:00 … +12:00
            func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
            let sign = quarters < 0 ? "-" : "+"
            let offset = (two(abs(quarters) / 4), two(abs(quarters) % 4 * 15))
            let raw: String
            switch format {
            case 0: raw = "\(y)-\(two(mo))-\(two(d))T\(two(h)):\(two(mi)):\(two(s))Z"
            case 1: raw = "\(y)-\(two(mo))-\(two(d))T\(two(h)):\(two(mi)):\(two(s))\(sign)\(offset.0):\(offset.1)"
            case 2: raw = "\(y)-\(two(mo))-\(two(d)) \(two(h)):\(two(mi)):\(two(s)) \(sign)\(offset.0)\(offset.1)"
            case 3: raw = "\(mo)/\(d)/\(y) \(two(h)):\(two(mi))"
            default:
                let local = calendar.date(from: DateComponents(year: y, month: mo, day: d, hour: h, minute: mi, second: s)) ?? Date()
                raw = String(Int64(local.timeIntervalSince1970))
            }
            let wall = calendar.date(from: DateComponents(year: y, month: mo, day: d, hour: h, minute: mi, second: s)) ?? Date()
            let expected = iso.string(from: wall.addingTimeInterval(-Double(quarters * 15 * 60)))
            let coerced = coercer.timestamp(raw)
            #expect(coerced == .value(expected), "\(raw)")
            #expect(coercer.timestamp(expected) == .value(expected), "canonical \(expected) read again")
        }
    }

    /// Coercing the canonical form of a value again gives the same value, for every field type.
    @Test func normalizingACanonicalValueAgainChangesNothing() async throws {
        let coercer = try Coercer(timeZone: "Europe/Berlin")
        let samples: [(FieldType, [String])] = [
            (.date, ["2026-03-01", "3/1/2026", "01.03.2026", "21-04-2025"]),
            (.integer, ["7", " 12 ", "1,200", "0"]),
            (.decimal, ["1200", "$1,200.50", "12.5", "-3", "1e3"]),
            (.boolean, ["true", "Yes", "1", "N", "FALSE"]),
            (.email, ["Zoe.Muller@Example.com", "a@b.co"]),
            (.ticketStatus, ["Resolved", "On Hold", "in progress", "Closed - Complete", "cancelled", "New"]),
            (.priority, ["P1", "3 - Moderate", "Highest", "low"]),
            (.customerEvent, ["Renewed", "Upsell", "churned", "Referral"]),
            (.ticketEvent, ["Agent Reply", "reopen", "Private Note", "Escalation"]),
            (.employeeStatus, ["Active", "on leave", "Terminated"]),
            (.timestamp, ["2026-03-01 10:00", "1700000000", "2026-03-01T10:00:00+01:00"]),
        ]
        await propertyCheck(count: 200, input: Gen.int(in: 0...(samples.count - 1)), Gen.int(in: 0...99)) { kind, pick in
            let (type, raws) = samples[kind]
            let raw = raws[pick % raws.count]
            let first = coercer.coerce(raw, as: type)
            guard let canonical = Self.text(first) else {
                Issue.record("\(raw) as \(type): \(first)")
                return
            }
            #expect(coercer.coerce(canonical, as: type) == first, "\(raw) → \(canonical) as \(type)")
        }
    }
}
