// swift-tools-version: 6.1
import PackageDescription

/// Ambassador: a batch ETL pipeline and linkage-analytics tool.
/// One library module per stage; the `ambassador` executable only wires them together.
let package = Package(
    name: "ambassador",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ambassador", targets: ["ambassador"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Property tests (test targets only).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        // PostgreSQL's client library, for the second warehouse engine.
        .systemLibrary(
            name: "CPostgres", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        // The one system call Glibc's Swift module does not show (renameat2).
        .target(name: "CSystem"),
        .target(
            name: "AmbassadorCore",
            dependencies: [.product(name: "Logging", package: "swift-log")]),
        .target(name: "Warehouse", dependencies: ["CSQLite", "CPostgres", "AmbassadorCore"]),
        // What each vendor's exports look like and the codes they write: one file per vendor.
        .target(name: "Vendors", dependencies: ["AmbassadorCore"]),
        .target(
            name: "Extract",
            dependencies: [
                "AmbassadorCore", "Warehouse", "CLibXML2", "Vendors",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The parsers' inner loops touch class state per byte; dynamic exclusivity
            // checks cost about 7% of extract (perf). Debug builds and tests keep them.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .target(
            name: "Normalize",
            dependencies: ["AmbassadorCore", "Warehouse", "Vendors", "Extract", .product(name: "Crypto", package: "swift-crypto")],
            // As Extract: the row normalizer's buffers are class state touched per value;
            // dynamic exclusivity checks cost about 5% of normalize (perf).
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .target(name: "Load", dependencies: ["AmbassadorCore", "Warehouse", "Normalize"]),
        .target(name: "Score", dependencies: ["AmbassadorCore", "Warehouse", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Report", dependencies: ["AmbassadorCore", "Warehouse", "CSystem"]),
        .target(name: "Generate", dependencies: ["AmbassadorCore"]),
        .target(
            name: "Pipeline",
            dependencies: [
                "AmbassadorCore", "Warehouse", "Extract", "Normalize", "Load", "Score", "Report",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        // The command tree, as a library: the executable calls it, and tests list its subcommands.
        .target(
            name: "AmbassadorCommands",
            dependencies: [
                "Pipeline", "AmbassadorCore", "Generate", "Extract", "Normalize", "Warehouse",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(name: "ambassador", dependencies: ["AmbassadorCommands"]),
        .executableTarget(
            name: "ambassador-bench",
            dependencies: ["Pipeline", "Warehouse", "Extract", "AmbassadorCore", "Generate", "Score", "TestSupport"]),
        .executableTarget(name: "ambassador-fuzz", dependencies: ["Extract", "AmbassadorCore"]),
        .executableTarget(
            name: "bench-c-insert", dependencies: ["CSQLite"],
            cSettings: [.unsafeFlags(["-O2"])]),
        // Helpers shared by the test targets: temporary directories, fixtures, the built binary.
        .target(
            name: "TestSupport", dependencies: ["AmbassadorCore", "Warehouse", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport"),
        .testTarget(name: "AmbassadorCoreTests", dependencies: ["AmbassadorCore", "TestSupport"]),
        .testTarget(name: "VendorsTests", dependencies: ["Vendors", "Normalize", "AmbassadorCore"]),
        .testTarget(name: "WarehouseTests", dependencies: ["Warehouse", "AmbassadorCore", "TestSupport"]),
        .testTarget(
            name: "ExtractTests",
            dependencies: ["Extract", "Warehouse", "AmbassadorCore", "Vendors", "Generate", "TestSupport",
                           .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(
            name: "LoadTests",
            dependencies: ["Load", "Warehouse", "AmbassadorCore", "TestSupport",
                           .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(
            name: "NormalizeTests",
            dependencies: ["Normalize", "Extract", "Warehouse", "AmbassadorCore", "TestSupport",
                           .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Golden"]),
        .testTarget(
            name: "ScoreTests",
            dependencies: ["Score", "Warehouse", "AmbassadorCore", "Generate", "Pipeline", "TestSupport",
                           .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Golden"]),
        .testTarget(
            name: "ReportTests", dependencies: ["Report", "Score", "Warehouse", "AmbassadorCore", "Generate", "Pipeline", "TestSupport"],
            exclude: ["Golden"]),
        .testTarget(name: "GenerateTests", dependencies: ["Generate", "AmbassadorCore", "TestSupport"]),
        .testTarget(
            name: "PipelineTests",
            dependencies: ["Pipeline", "Warehouse", "AmbassadorCore", "Extract", "Generate", "Load", "Normalize", "TestSupport"]),
        .testTarget(
            name: "AmbassadorCommandsTests",
            dependencies: ["AmbassadorCommands", "Warehouse", "AmbassadorCore", "Extract", "Generate", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Golden"]),
    ]
)
