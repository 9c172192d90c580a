/// Pseudonymisation: canonical fields replaced by a keyed HMAC-SHA256 at normalize.
package struct PrivacyConfig: Sendable, Equatable {
    /// Canonical field names (`name`, `email`, …) to pseudonymise, in every source.
    package var pseudonymise: Set<String> = []
    /// The key, read from the environment or a key file; kept in memory only.
    package var key: [UInt8]? = nil
    /// Where the key came from, for messages (never the key itself).
    package var keySource: String = ""

    package init(pseudonymise: Set<String> = [], key: [UInt8]? = nil, keySource: String = "") {
        self.pseudonymise = pseudonymise
        self.key = key
        self.keySource = keySource
    }

    /// Never prints the key.
    package static func == (a: PrivacyConfig, b: PrivacyConfig) -> Bool {
        a.pseudonymise == b.pseudonymise && a.key == b.key
    }
}
