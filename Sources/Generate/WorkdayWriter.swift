import AmbassadorCore

/// One roster snapshot entry as a Workday custom report (RaaS XML) carries it: the worker
/// as a reference with a `wd:Descriptor` (the name) and typed IDs, the supervisory
/// organisation as a descriptor, dates with Workday's time-zone suffix.
enum WorkdayWriter {
    static func entry(_ employee: Organisation.Employee, team: String, manager: String) -> String {
        var xml = "  <wd:Report_Entry>\n"
        xml += "    <wd:Worker wd:Descriptor=\"\(markupEscaped(employee.name))\"><wd:ID wd:type=\"WID\">\(String(UInt64(employee.agentID) ?? 0, radix: 16))</wd:ID>"
        xml += "<wd:ID wd:type=\"Employee_ID\">\(employee.id)</wd:ID></wd:Worker>\n"
        xml += "    <wd:Employee_ID>\(employee.id)</wd:Employee_ID>\n"
        xml += "    <wd:Email_Address>\(markupEscaped(employee.email))</wd:Email_Address>\n"
        xml += "    <wd:Supervisory_Organization wd:Descriptor=\"\(markupEscaped(team))\"/>\n"
        if !manager.isEmpty { xml += "    <wd:Manager_ID>\(manager)</wd:Manager_ID>\n" }
        xml += "    <wd:Job_Title>\(markupEscaped(employee.role))</wd:Job_Title>\n"
        xml += "    <wd:Location>\(markupEscaped(employee.location))</wd:Location>\n"
        xml += "    <wd:Hire_Date>\(employee.hire)-00:00</wd:Hire_Date>\n"
        if let termination = employee.termination { xml += "    <wd:Termination_Date>\(termination)-00:00</wd:Termination_Date>\n" }
        xml += "    <wd:Employment_Status>\(employee.active ? "Active" : "Terminated")</wd:Employment_Status>\n"
        xml += "    <wd:Zendesk_User_ID>\(employee.agentID)</wd:Zendesk_User_ID>\n"
        xml += "  </wd:Report_Entry>\n"
        return xml
    }
}
