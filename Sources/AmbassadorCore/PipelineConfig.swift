import Foundation

/// The parsed, validated contents of a `pipelines/*.yml` file.
///
/// Plain values only: parsing and validation live in the `Pipeline` module, so every stage
/// can read its settings without depending on YAML.
package struct PipelineConfig: Sendable, Equatable {
    /// The pipeline file this was read from (for messages).
    package var path: String
    /// Directory that relative paths in the file are resolved against.
    package var root: String
    /// Absolute path of the SQLite warehouse file, or the `postgresql://` URL of a server's
    /// (never shown as it is: see `location.redacted`).
    package var warehouse: String
    /// IANA time zone used for timestamps that carry no offset.
    package var timeZone: String
    /// Share of rejected rows above which a file is not loaded (0...1).
    package var rejectThreshold: Double
    /// Sources in the order the file lists them.
    package var sources: [SourceConfig]
    package var score: ScoreConfig
    package var report: ReportConfig
    package var privacy: PrivacyConfig = PrivacyConfig()
    package var validation: ValidationConfig = ValidationConfig()
    /// Directories besides `root` that inbox globs may reach (`inbox_roots:`), absolute.
    package var inboxRoots: [String] = []

    /// The warehouse: a SQLite file or a PostgreSQL server.
    package var location: WarehouseLocation { WarehouseLocation(warehouse) }

    /// Where the run keeps its own files (the archive, the run results): the warehouse
    /// file's folder, or `var/` under the root for a PostgreSQL warehouse.
    package var localDirectory: String {
        guard !location.isPostgres else { return (root.hasSuffix("/") ? root : root + "/") + "var" }
        let directory = (warehouse as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    /// Where extract keeps each accepted inbox file, named by its SHA-256 (the raw layer):
    /// `archive/` in the local directory.
    package var archiveDirectory: String { localDirectory + "/archive" }

    /// How the manifest names an inbox file: its path relative to `root` when it lies inside
    /// (so moving the project folder keeps every file known), else its absolute path.
    package func manifestPath(_ absolute: String) -> String {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return absolute.hasPrefix(prefix) ? String(absolute.dropFirst(prefix.count)) : absolute
    }

    /// The absolute path of a manifest path (for messages and reading the file).
    package func absolutePath(manifest path: String) -> String {
        path.hasPrefix("/") ? path : (root.hasSuffix("/") ? root : root + "/") + path
    }

    /// Where inbox files may be: `root` and `inbox_roots`. A glob reaching elsewhere is a
    /// configuration error; a matched file whose real path (symbolic links followed) lies
    /// elsewhere is refused.
    package var allowedInboxRoots: [String] { [root] + inboxRoots }

    package init(
        path: String, root: String, warehouse: String, timeZone: String = "UTC",
        rejectThreshold: Double = 0.05, sources: [SourceConfig], score: ScoreConfig = ScoreConfig(),
        report: ReportConfig
    ) {
        self.path = path
        self.root = root
        self.warehouse = warehouse
        self.timeZone = timeZone
        self.rejectThreshold = rejectThreshold
        self.sources = sources
        self.score = score
        self.report = report
    }

    /// The source called `name`, if the file defines one.
    package func source(named name: String) -> SourceConfig? {
        sources.first { $0.name == name }
    }
}
