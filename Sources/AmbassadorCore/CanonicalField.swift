/// One field of the canonical model, with the source column names it is found under.
package struct CanonicalField: Sendable {
    package let name: String
    package let type: FieldType
    package let required: Bool
    /// Header spellings, compared after `CanonicalField.key` (lower case, letters and digits only).
    package let aliases: [String]
    /// The staging column that holds it: its name, unless the table says otherwise
    /// (a survey's `team` is `team_id`).
    package let column: String

    init(_ name: String, _ type: FieldType, required: Bool = false, column: String? = nil, _ aliases: [String]) {
        self.name = name
        self.type = type
        self.required = required
        self.aliases = aliases
        self.column = column ?? name
    }

    /// The comparison key of a header: lower case with everything but letters and digits removed.
    package static func key(_ header: String) -> String {
        ColumnName.aliasKey(header)
    }
}
