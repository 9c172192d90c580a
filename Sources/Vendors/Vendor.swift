import AmbassadorCore

/// One vendor export format: its name in pipeline files, the container it comes in, how its
/// files are recognised, and the codes the vendor writes — one file per vendor in this folder,
/// so "how do we read ServiceNow?" is one file to open. The readers (Extract) and the
/// normalizers (Normalize) take what they need from here.
package struct VendorFormat: Sendable {
    package enum Container: Sendable { case csv, json, xml }

    /// What detection sees of a file: its first MiB as text, the root element of an XML file,
    /// and the raw text of its first CSV records (quoted line breaks kept inside their record).
    package struct Head: Sendable {
        package let text: String
        package let xmlRoot: String
        package let records: [Substring]

        package init(text: String, xmlRoot: String, records: [Substring]) {
            self.text = text
            self.xmlRoot = xmlRoot
            self.records = records
        }
    }

    /// The `format:` it is named by (`servicenow_json`).
    package let name: SourceFormat
    /// Who writes it, for messages and FORMATS.md (`ServiceNow`).
    package let vendor: String
    package let container: Container
    /// Whether a file of this container is this vendor's.
    package let recognises: @Sendable (Head) -> Bool
    /// Codes the vendor writes: canonical field → (source value, compared without case → canonical value).
    package let valueMaps: [String: [String: String]]

    package init(name: SourceFormat, vendor: String, container: Container, valueMaps: [String: [String: String]] = [:],
                 recognises: @escaping @Sendable (Head) -> Bool) {
        self.name = name
        self.vendor = vendor
        self.container = container
        self.valueMaps = valueMaps
        self.recognises = recognises
    }
}

/// Every vendor format, in the order detection tries them (the more specific first).
package enum Vendors {
    package static let all: [VendorFormat] = [
        // XML, by root element.
        ServiceNow.xml, Workday.xml, Qualtrics.xml,
        // JSON, by the members a page carries.
        BambooHR.json, Freshdesk.json, Zendesk.json, Stripe.json, ServiceNow.json,
        // CSV, by the header rows.
        Qualtrics.csv, SurveyMonkey.csv,
        // Named in pipelines, never detected: a generic CSV reader with the vendor's codes.
        ServiceNow.csv, Zendesk.csv,
    ]

    /// The vendor format called `name`, if `name` is one.
    package static func named(_ name: SourceFormat) -> VendorFormat? {
        all.first { $0.name == name }
    }

    /// The first vendor format of `container` that recognises `head`.
    package static func recognise(_ head: VendorFormat.Head, in container: VendorFormat.Container) -> VendorFormat? {
        all.first { $0.container == container && $0.recognises(head) }
    }
}
