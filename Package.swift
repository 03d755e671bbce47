// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // Async functions run on their caller's executor instead of hopping to the generic one at every call and return.
    .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
]

/// Tests import less strictly: they reach into several modules at once.
let testSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"), .enableUpcomingFeature("NonisolatedNonsendingByDefault"),
]

let package = Package(
    name: "roster",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "roster", targets: ["roster"]),
        .executable(name: "roster-bench", targets: ["RosterBenchmarks"]),
        .executable(name: "roster-fuzz", targets: ["RosterFuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        /// The SCIM protocol: schemas, resources, filters, paths, PATCH, projection, errors. No I/O.
        .target(name: "SCIMCore", swiftSettings: swiftSettings),
        /// The directory's rules over a store protocol: users, groups, memberships, tokens.
        .target(
            name: "Directory",
            dependencies: [
                "SCIMCore", "SAML",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        /// SAML 2.0 for single sign-on: XML parsed without DTDs, exclusive canonicalization, enveloped signatures
        /// checked against a connection's certificates, responses read from the elements that were verified.
        .target(
            name: "SAML",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: swiftSettings
        ),
        /// Filters and sorts compiled to SQL for the stores, with bound values only.
        .target(name: "StoreSQL", dependencies: ["Directory", "SCIMCore"], swiftSettings: swiftSettings),
        /// The store on embedded SQLite (GRDB).
        .target(
            name: "SQLiteStore",
            dependencies: [
                "Directory", "SCIMCore", "StoreSQL", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The store on PostgreSQL (postgres-nio), for several instances behind one database.
        .target(
            name: "PostgresStore",
            dependencies: [
                "Directory", "SCIMCore", "StoreSQL",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The HTTP edge: Hummingbird routes for /scim/v2.
        .target(
            name: "SCIMHTTP",
            dependencies: [
                "Directory", "SCIMCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The admin console at /admin: server-rendered pages (Mustache), sessions, CSRF, bcrypt.
        .target(
            name: "Admin",
            dependencies: [
                "Directory", "SCIMCore", "SCIMHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The application's side: the event feed at /api/v1 and webhook delivery in the background.
        .target(
            name: "Events",
            dependencies: [
                "Directory", "SCIMCore", "SCIMHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        /// The composition root: configuration, store choice, services, lifecycle.
        .target(
            name: "App",
            dependencies: [
                "Admin", "Directory", "Events", "SCIMCore", "SCIMHTTP", "SQLiteStore", "PostgresStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "roster",
            dependencies: [
                "Admin", "App", "Directory", "Events",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        /// What the test suites share: fresh databases for every store.
        .target(
            name: "RosterTestSupport",
            dependencies: [
                "App", "Directory", "SQLiteStore", "PostgresStore", "StoreSQL",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: testSettings
        ),
        /// libFuzzer target over every parser of untrusted input; `scripts/fuzz.sh` builds and runs it.
        .executableTarget(name: "RosterFuzz", dependencies: ["SCIMCore"], swiftSettings: swiftSettings),
        /// Benchmarks: `swift run -c release roster-bench --help`.
        .executableTarget(
            name: "RosterBenchmarks",
            dependencies: [
                "App", "Directory", "SCIMCore", "SQLiteStore", "SAML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SCIMCoreTests", dependencies: ["SCIMCore"], swiftSettings: testSettings),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "SQLiteStore", "PostgresStore", "StoreSQL", "Directory", "SCIMCore", "RosterTestSupport",
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "SCIMHTTPTests",
            dependencies: [
                "Admin", "App", "Directory", "SCIMCore", "SCIMHTTP", "SQLiteStore", "PostgresStore",
                "RosterTestSupport", "SAML", "Events",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "SAMLTests",
            dependencies: [
                "SAML", "SCIMCore", "RosterTestSupport", .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: testSettings
        ),
        .testTarget(
            name: "RosterCLITests",
            dependencies: ["roster", "RosterFuzz", "SCIMCore", "RosterTestSupport", "SAML"],
            swiftSettings: testSettings
        ),
    ]
)
