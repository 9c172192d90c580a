/// Report settings.
package struct ReportConfig: Sendable, Equatable {
    /// Absolute directory the report files are written to.
    package var outDir: String
    package var title: String

    package init(outDir: String, title: String = "Ambassador report") {
        self.outDir = outDir
        self.title = title
    }
}
