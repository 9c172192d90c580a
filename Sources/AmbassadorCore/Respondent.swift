/// Who answered a survey (`respondent:` of a survey source). An employee survey keeps no
/// respondent identity and no ticket (DESIGN.md, privacy).
package enum Respondent: String, CaseIterable, Sendable {
    case customer, employee
}

extension Respondent: CustomStringConvertible {
    package var description: String { rawValue }
}
