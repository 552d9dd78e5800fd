// swift-tools-version:6.0
import PackageDescription

/// Hot paths (ring drain, wire decoding, the instance join) run on value
/// types and NIO buffers; dynamic exclusivity checks cost ~10% of server
/// CPU at 1,024 nodes (perf), so these modules are compiled without them,
/// as swift-nio compiles itself. Static exclusivity checks still apply.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C: the telemetry ring ABI shared with libvigil (agents/ring).
        .target(name: "CVigilRing", path: "agents/ring", publicHeadersPath: "include"),

        // C: posix_spawn's GNU extensions (new session, close inherited descriptors) for the agent's job runner.
        .target(name: "CVigilSpawn"),

        // C system libraries, with shims for the macros Swift cannot import.
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .systemLibrary(name: "CLibSSH", path: "Sources/CLibSSH"),
        .systemLibrary(name: "CXXHash", path: "Sources/CXXHash"),

        // Pure: domain model, agent protocol, joins and report rendering. No I/O but the clock.
        .target(name: "VigilCore", dependencies: ["CXXHash"], swiftSettings: hotPath),

        // Pure: the agent <-> server wire format (frames, handshake, telemetry).
        .target(
            name: "VigilWire",
            dependencies: ["VigilCore", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: hotPath
        ),

        // Adapter: the telemetry store on SQLite (GRDB).
        .target(
            name: "VigilStore",
            dependencies: ["VigilCore", "VigilWire", "VigilRecovery", "CSQLite", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "NIOCore", package: "swift-nio")]
        ),

        // Pure: fault localization from telemetry (C4): hangs, crashes, nodes down.
        .target(name: "VigilDetector", dependencies: ["VigilCore"], swiftSettings: hotPath),
        // Recovery policy and restart budget (docs/recovery.md): pure, no I/O.
        .target(name: "VigilRecovery", dependencies: ["VigilCore"]),
        // The traffic planner (C4P): host orders around slow pairs; pure, no I/O.
        .target(name: "VigilPlanning", dependencies: ["VigilCore"]),
        // Alert events and each target's payload (docs/recovery.md): pure.
        .target(name: "VigilAlerts", dependencies: ["VigilCore"]),

        // Daemon plumbing shared by server and agent: listeners (HTTP among them) that stop on graceful shutdown.
        .target(name: "VigilLifecycle",
                dependencies: [.product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                               .product(name: "NIOCore", package: "swift-nio"),
                               .product(name: "NIOHTTP1", package: "swift-nio"),
                               .product(name: "NIOPosix", package: "swift-nio")]),

        // Adapter: ssh to cluster hosts over libssh (connect, verify, log in, run, copy, fan out).
        .target(name: "VigilSSH", dependencies: ["VigilCore", "CLibSSH", .product(name: "Logging", package: "swift-log")]),

        // Adapter: a Slurm cluster through its client commands (sbatch, scancel, squeue, sinfo, scontrol).
        .target(name: "VigilSlurm", dependencies: ["VigilCore"]),

        // Adapter: the server's HTTP API as the CLI and the console call it.
        .target(
            name: "VigilAPIClient",
            dependencies: ["VigilCore", "VigilRecovery", .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]
        ),

        // Pure: the console's model, views (model → cells) and key handling (a state machine).
        .target(name: "VigilConsole", dependencies: ["VigilCore", "VigilRecovery", .product(name: "Yams", package: "Yams")]),

        // Pure: the one configuration file (YAML) and how it layers under env and flags.
        .target(name: "VigilConfig", dependencies: ["VigilConsole", .product(name: "Yams", package: "Yams")]),

        // C: puts the terminal back if the console dies of a fatal signal.
        .target(name: "CVigilTerminal"),

        // Adapter: the console on an ncurses terminal (frames drawn by difference, keys read).
        .target(name: "VigilConsoleTerminal", dependencies: ["VigilConsole", "CNcursesw", "CVigilTerminal"]),

        // Adapter: where the console's data comes from (the server's API, or a store read-only) and the fetch loop.
        .target(name: "VigilConsoleFeed",
                dependencies: ["VigilConsole", "VigilCore", "VigilAPIClient", "VigilStore"]),

        // Adapter: Prometheus metrics (swift-metrics on swift-prometheus) and the agent's /metrics endpoint.
        .target(
            name: "VigilMetrics",
            dependencies: [
                "VigilCore", "VigilLifecycle",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // The central server daemon: agent ingest (and, as they arrive, API, detector).
        .target(
            name: "VigilServer",
            dependencies: [
                "VigilCore", "VigilWire", "VigilLifecycle", "VigilDetector", "VigilRecovery", "VigilAlerts", "VigilMetrics", "VigilSlurm",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: hotPath
        ),

        // The node agent daemon: rings, registration socket, drain loop.
        .target(
            name: "VigilAgent",
            dependencies: [
                "VigilCore", "VigilWire", "VigilLifecycle", "VigilMetrics", "CVigilRing", "CVigilSpawn",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilCore", "VigilAgent", "VigilServer", "VigilStore", "VigilSSH", "VigilDetector", "VigilRecovery", "VigilAlerts",
                "VigilWire", "VigilAPIClient", "VigilMetrics", "VigilConfig",
                "VigilConsole", "VigilConsoleTerminal", "VigilConsoleFeed", "CNcursesw", "CSQLite", "CLibSSH",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "vigil-bench",
            dependencies: ["VigilCore", "VigilAgent", "VigilServer", "VigilStore", "VigilWire", "VigilSSH", "VigilDetector", "VigilConsole",
                           "CVigilRing", "CSQLite",
                           .product(name: "NIOCore", package: "swift-nio")]
        ),

        .testTarget(name: "VigilCoreTests", dependencies: ["VigilCore"]),
        .testTarget(name: "VigilConfigTests", dependencies: ["VigilConfig"]),
        .testTarget(name: "VigilConsoleTests", dependencies: ["VigilConsole", "VigilCore", "VigilRecovery"],
                    exclude: ["Snapshots"]),
        .testTarget(name: "VigilDetectorTests", dependencies: ["VigilDetector", "VigilCore"]),
        .testTarget(name: "VigilRecoveryTests", dependencies: ["VigilRecovery", "VigilCore"]),
        .testTarget(name: "VigilPlanningTests", dependencies: ["VigilPlanning", "VigilCore"]),
        .testTarget(name: "VigilAlertsTests", dependencies: ["VigilAlerts", "VigilCore"]),
        .testTarget(name: "VigilSlurmTests", dependencies: ["VigilSlurm", "VigilCore"]),
        .testTarget(name: "VigilStoreTests", dependencies: ["VigilStore", "VigilCore"]),
        .testTarget(name: "VigilServerTests", dependencies: ["VigilServer", "VigilCore", "VigilRecovery", "VigilStore", "VigilWire",
                                                      "VigilMetrics"]),
        .testTarget(
            name: "VigilWireTests",
            dependencies: [
                "VigilWire", "VigilCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "VigilAgentTests",
            dependencies: [
                "VigilAgent", "VigilCore", "CVigilRing",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "VigilIntegrationTests",
            dependencies: ["VigilCore", "VigilStore", "VigilWire", "VigilSSH", "VigilRecovery", "VigilAPIClient", "VigilSlurm", "CVigilSpawn",
                           .product(name: "NIOCore", package: "swift-nio")]
        ),
    ]
)
