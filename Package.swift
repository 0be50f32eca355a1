// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "pipelint",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "pipelint", targets: ["pipelint"]),
        .library(name: "PipelintKit", targets: ["PipelineYAML", "PipelineIR", "Sizing", "Analysis", "Lint", "Rules", "Optimizer", "Driver"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    ],
    targets: [
        // libyaml, the only YAML parser in the binary (never also link Yams).
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        // Pickle-faithful size model of Python values; only the shared saturating arithmetic of PipelineIR.
        .target(name: "Sizing", dependencies: ["PipelineIR"]),
        // Bounded, confined reads of the files a pipeline names (no links out of its folder, no FIFOs).
        .target(name: "FileAccess"),
        // Pure pipeline model and graph IR; no I/O.
        .target(name: "PipelineIR"),
        // Front end: YAML text → syntax tree → pipeline model, with diagnostics.
        .target(name: "PipelineYAML", dependencies: ["CYAML", "PipelineIR"]),
        // Graph figures: submit and per-task bytes, copies, resident memory per worker; pure.
        .target(name: "Analysis", dependencies: ["PipelineIR", "Sizing"]),
        // Rule engine: findings, fixes, reporters, the lint driver.
        .target(name: "Lint", dependencies: ["PipelineYAML", "PipelineIR", "Analysis", "FileAccess"]),
        // Named pure passes over the graph IR, with a verifier between them.
        .target(name: "Optimizer", dependencies: ["PipelineIR"]),
        // The rule catalogue.
        .target(name: "Rules", dependencies: ["Lint", "PipelineIR", "PipelineYAML", "Sizing", "Analysis", "FileAccess"]),
        // The kernels' inner loops in C: streaming stores for outputs past the cache, AVX2/AVX-512 chosen at run time.
        .target(name: "CKernels"),
        // Local executor: scheduler, workers, kernels, memory sampler, results. Takes the graph.
        .target(name: "Executor", dependencies: ["PipelineIR", "FileAccess", "CKernels"]),
        // `pipelint export --to dask`: the pipeline as a standalone Dask program. Takes the graph.
        .target(name: "Export", dependencies: ["PipelineIR"],
                // The runtime's Python source; compiled in through DaskRuntimeText.swift (scripts/embed-runtime.py).
                exclude: ["python"]),
        // What the command line (and any other front door) calls: configuration discovery and the
        // one optimization policy over the rules and the optimizer.
        .target(name: "Driver", dependencies: ["Lint", "Rules", "Optimizer", "PipelineIR", "PipelineYAML", "FileAccess"]),
        // JSON-RPC 2.0 over a byte stream: `Content-Length` framing, messages, dispatch; no project dependencies.
        .target(name: "JSONRPC"),
        // `pipelint server`: the Language Server Protocol over the linter, the estimate and the model.
        .target(name: "LanguageServer", dependencies: ["JSONRPC", "Driver", "Lint", "Rules", "PipelineYAML", "PipelineIR", "Analysis", "Sizing"]),
        // Generated hostile files shared by HostileInputTests and pipelint-bench; no dependencies.
        .target(name: "HostileInputs"),
        // Thin command-line front door.
        .executableTarget(
            name: "pipelint",
            dependencies: [
                "Driver", "Lint", "Rules", "PipelineYAML", "PipelineIR", "Executor", "Analysis", "Export", "FileAccess",
                "JSONRPC", "LanguageServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks: `swift run -c release pipelint-bench`; not part of `swift test`.
        .executableTarget(
            name: "pipelint-bench",
            dependencies: ["CYAML", "PipelineYAML", "PipelineIR", "Lint", "Rules", "Driver", "Executor", "Analysis", "HostileInputs",
                           "JSONRPC", "LanguageServer"]
        ),
        .testTarget(name: "SizingTests", dependencies: ["Sizing"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PipelineYAMLTests", dependencies: ["PipelineYAML", "PipelineIR", "Lint"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "PipelineYAML", "PipelineIR", "Sizing"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PipelineIRTests", dependencies: ["PipelineIR"]),
        .testTarget(name: "LintTests", dependencies: ["Lint", "Rules", "PipelineYAML", "PipelineIR", "Sizing"]),
        .testTarget(name: "CLITests", dependencies: ["pipelint"]),
        .testTarget(name: "OptimizerTests", dependencies: ["Optimizer", "PipelineIR", "PipelineYAML"]),
        .testTarget(name: "FixTests", dependencies: ["Lint", "Rules", "Optimizer", "PipelineYAML", "PipelineIR"]),
        .testTarget(name: "ExportTests", dependencies: ["Export", "Driver", "PipelineYAML", "PipelineIR"]),
        .testTarget(name: "ExecutorTests", dependencies: ["Executor", "Driver", "PipelineYAML", "PipelineIR"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LanguageServerTests", dependencies: ["LanguageServer", "JSONRPC", "PipelineIR", "Lint", "Rules"]),
        .testTarget(name: "HostileInputTests", dependencies: ["HostileInputs", "Lint", "Rules", "PipelineYAML", "PipelineIR"]),
    ],
    swiftLanguageModes: [.v6]
)
