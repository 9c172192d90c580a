/// BambooHR: a custom report (`{"fields": […], "employees": […]}`), with `0000-00-00` for no
/// date and the supervisor's employee number. Responses keyed by employee id are read as one
/// record each by the JSON reader (JSONSource).
package enum BambooHR {
    package static let json = VendorFormat(name: .bamboohrJSON, vendor: "BambooHR", container: .json) { head in
        head.text.contains("\"employees\"") && head.text.contains("\"fields\"")
    }
}
