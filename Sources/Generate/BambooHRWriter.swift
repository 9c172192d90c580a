import AmbassadorCore

/// One roster snapshot as a BambooHR custom report in JSON (`GET /v1/reports/custom?format=JSON`):
/// `title`, the `fields` it asked for, and `employees` keyed by BambooHR's camelCase field ids.
/// `id` is BambooHR's internal id, `employeeNumber` the company's; `supervisorEId` is the
/// supervisor's employee number; the ticketing id is a custom field.
enum BambooHRWriter {
    static let agentField = "customFreshdeskAgentID"
    static let fields: [(id: String, type: String, name: String)] = [
        ("employeeNumber", "text", "Employee #"), ("displayName", "text", "Display name"), ("workEmail", "email", "Work Email"),
        ("department", "list", "Department"), ("jobTitle", "list", "Job Title"), ("location", "list", "Location"),
        ("supervisorEId", "int", "Supervisor EID"), ("hireDate", "date", "Hire Date"), ("terminationDate", "date", "Termination Date"),
        ("status", "status", "Status"), (agentField, "text", "Freshdesk agent ID"),
    ]

    static func header(date: CivilDate) -> String {
        var json = "{\n    \"title\": \"Ambassador roster \(date)\",\n    \"fields\": [\n"
        json += fields.map { "        {\n            \"id\": \"\($0.id)\",\n            \"type\": \"\($0.type)\",\n            \"name\": \"\($0.name)\"\n        }" }
            .joined(separator: ",\n")
        json += "\n    ],\n    \"employees\": ["
        return json
    }

    static let footer = "\n    ]\n}\n"

    /// One employee object; `first` leaves out the separating comma.
    static func entry(_ employee: Organisation.Employee, team: String, manager: String, first: Bool) -> String {
        let internalID = String(Int(employee.id.dropFirst()) ?? 0)
        let values: [(String, String?)] = [
            ("id", internalID), ("employeeNumber", employee.id), ("displayName", employee.name), ("workEmail", employee.email),
            ("department", team), ("jobTitle", employee.role), ("location", employee.location),
            ("supervisorEId", manager.isEmpty ? nil : manager), ("hireDate", employee.hire.description),
            // BambooHR's empty date.
            ("terminationDate", employee.termination?.description ?? "0000-00-00"),
            ("status", employee.active ? "Active" : "Inactive"), (agentField, employee.agentID),
        ]
        let members = values.map { key, value in
            "            \"\(key)\": " + (value.map(JSONText.quote) ?? "null")
        }
        return (first ? "\n" : ",\n") + "        {\n" + members.joined(separator: ",\n") + "\n        }"
    }
}
