import AmbassadorCore
import Foundation
import Warehouse

/// Stripe event objects (`format: stripe_json`, `kind: customer_events`): what Stripe's API
/// and webhooks deliver (`GET /v1/events`, one event per file or a `{"object": "list",
/// "data": […]}` page), the most common real source of churn and renewal.
///
/// - `customer.subscription.deleted` is a **cancellation**, `customer.subscription.created` a
///   **purchase**;
/// - `invoice.paid` / `invoice.payment_succeeded` is a **renewal** when the invoice bills a
///   subscription's next cycle (`billing_reason: subscription_cycle`), a **purchase** otherwise,
///   with the amount paid in the currency's units (Stripe counts cents; zero-decimal currencies
///   such as JPY are counted whole);
/// - every other type (`customer.updated`, `invoice.payment_failed`, …) is kept as `other`, and
///   its type counted as unmapped, so the run says what it did not use.
///
/// The customer is the object's `customer`, or the object itself when it is a customer. The
/// time is the event's `created` (epoch seconds).
struct StripeEvents {
    static let format = SourceFormat.stripeJSON

    /// Stripe's zero-decimal currencies: amounts are whole units, not hundredths.
    static let zeroDecimal: Set<String> = ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd",
                                           "vuv", "xaf", "xof", "xpf"]

    let source: SourceConfig
    let coercer: Coercer
    /// Raw column of each event member used (nil: the file has no such column).
    let columns: [String: String]

    static let members = ["type", "created", "data/object/object", "data/object/customer", "data/object/id",
                          "data/object/billing_reason", "data/object/amount_paid", "data/object/currency"]

    init?(source: SourceConfig, columns available: [String], coercer: Coercer) {
        guard source.kind == .customerEvents, source.format == StripeEvents.format else { return nil }
        var found: [String: String] = [:]
        for member in StripeEvents.members {
            if let column = available.first(where: { ColumnName.same($0, member) }) { found[member] = column }
        }
        columns = found
        self.source = source
        self.coercer = coercer
    }

    /// The canonical event, customer and amount of one Stripe event, or why it is not one.
    static func map(type: String, objectKind: String?, customer: String?, objectID: String?, billingReason: String?,
                    amountPaid: String?, currency: String?) -> Result<(event: String, customer: String, amount: Double?), StripeProblem> {
        let who = customer ?? (objectKind == "customer" ? objectID : nil)
        guard let who, !who.isEmpty else { return .failure(.noCustomer(type)) }
        var amount: Double? = nil
        if let paid = amountPaid, let cents = Double(paid) {
            amount = StripeEvents.zeroDecimal.contains((currency ?? "").lowercased()) ? cents : cents / 100
        }
        switch type {
        case "customer.subscription.deleted": return .success(("cancellation", who, nil))
        case "customer.subscription.created": return .success(("purchase", who, nil))
        case "invoice.paid", "invoice.payment_succeeded":
            return .success((billingReason == "subscription_cycle" ? "renewal" : "purchase", who, amount))
        default: return .success(("other", who, nil))
        }
    }

    enum StripeProblem: Error, Equatable {
        case noCustomer(String)
    }

    func normalize(_ input: FileRecords, database: any WarehouseConnection, context: StageContext) throws -> (written: Int, rejected: Int, unmapped: [String: Int]) {
        let fileID = input.fileID, path = input.path
        guard columns["type"] != nil, columns["created"] != nil else {
            throw NormalizeError.missingColumn(path: path, source: source.name, field: columns["type"] == nil ? "type" : "created",
                                               tried: ["type", "created"])
        }
        let ordered = StripeEvents.members.map { columns[$0] }
        let staged = try TableWriter(database, table: "stg_customer_event", columns: [
            "file_id", "record_no", "source", "customer_id", "event", "occurred_at", "amount",
        ])
        let quarantine = try Quarantine(database: database, context: context, source: source.name, fileID: fileID, path: path)
        let plausible = PlausibleDates(validation: context.config.validation, runDate: context.runDate)
        var written = 0
        var unmapped: [String: Int] = [:]
        try input.forEach(columns: ordered, database: database, progress: context.progress) { row in
            let recordNo = row.int64(0)
            func value(_ index: Int32) -> String? {
                guard let text = row.text(index)?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
                return text
            }
            guard let type = value(1) else {
                return try quarantine.add(recordNo: recordNo, field: "type", raw: nil, reason: "the Stripe event has no type; expected e.g. customer.subscription.deleted")
            }
            guard let rawTime = value(2) else {
                return try quarantine.add(recordNo: recordNo, field: "created", raw: nil, reason: "the Stripe event has no created time; expected epoch seconds")
            }
            let occurred: String
            switch coercer.timestamp(rawTime) {
            case .value(let v): occurred = v
            case .invalid(let reason): return try quarantine.add(recordNo: recordNo, field: "created", raw: rawTime, reason: reason)
            default: return try quarantine.add(recordNo: recordNo, field: "created", raw: rawTime, reason: "not a time; expected epoch seconds")
            }
            if let reason = plausible.reason(occurred) { return try quarantine.add(recordNo: recordNo, field: "created", raw: rawTime, reason: reason) }
            switch StripeEvents.map(type: type, objectKind: value(3), customer: value(4), objectID: value(5), billingReason: value(6),
                                    amountPaid: value(7), currency: value(8)) {
            case .failure(.noCustomer(let kind)):
                try quarantine.add(recordNo: recordNo, field: "customer", raw: kind,
                                   reason: "the Stripe event \(kind) names no customer (data.object.customer, or a customer object); expected a customer's event")
            case .success(let mapped):
                if mapped.event == "other" { unmapped[type, default: 0] += 1 }
                try staged.insert([.integer(fileID), .integer(recordNo), .text(source.name), .text(mapped.customer), .text(mapped.event),
                                   .text(occurred), SQLValue(mapped.amount)])
                written += 1
            }
        }
        try staged.finish()
        try quarantine.finish()
        return (written, quarantine.count, unmapped)
    }
}
