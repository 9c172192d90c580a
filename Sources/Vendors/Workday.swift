/// Workday: a report as XML (`<wd:Report_Data><wd:Report_Entry>`), descriptors as attributes.
package enum Workday {
    package static let xml = VendorFormat(name: .workdayXML, vendor: "Workday", container: .xml) { $0.xmlRoot == "Report_Data" }
}
