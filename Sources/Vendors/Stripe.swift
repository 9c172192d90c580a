/// Stripe: event objects (`{"object": "event", "type": …, "data": {"object": …}}`), one per
/// file or a list page. Their mapping onto customer events — cancellations, purchases,
/// renewals with amounts in units — is Normalize's StripeEvents.
package enum Stripe {
    package static let json = VendorFormat(name: .stripeJSON, vendor: "Stripe", container: .json) { head in
        (head.text.contains("\"api_version\"") || head.text.contains("\"evt_"))
            && (head.text.contains("\"object\": \"event\"") || head.text.contains("\"object\":\"event\""))
    }
}
