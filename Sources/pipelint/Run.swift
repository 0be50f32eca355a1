import Analysis
import ArgumentParser
import Driver
import Executor
import Foundation
import Lint
import PipelineIR
import PipelineYAML
import Rules

/// `pipelint run PIPELINE`
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a pipeline on the bundled multi-worker executor and write its results.",
        discussion: """
        Embedded objects are made `delayed` first (the placement optimization) unless --as-written.
        Writes <out>/<output>.npy (or the `save:` path), memory.csv/.json/.svg and, last, results.json.
        Exit status: 0 done, 1 the run failed (a task error, a worker over memory_per_worker), \
        2 invalid pipeline, refused (python: functions) or I/O error, 130 interrupted.
        """
    )

    @Argument(help: "The pipeline file.")
    var pipeline: String

    @Option(name: [.short, .customLong("out")], help: "Output folder (default pipelint-out/<pipeline>).")
    var out: String?

    @Flag(help: "Honour placements as written (skip the placement optimization).")
    var asWritten = false

    @OptionGroup var optimization: OptimizationOptions

    @Flag(help: "No progress output.")
    var quiet = false

    @Flag(help: "Run even when the estimate is over this machine's memory.")
    var force = false

    @OptionGroup var engineOptions: EngineOptions

    func run() throws {
        try expectPipelineFile(pipeline, command: "run")
        let loaded = try loadPipeline(pipeline)
        let control = RunControl()
        let signals = installInterruptHandler(control)
        defer { signals.cancel() }
        var (graph, changed) = try asWritten ? (loaded.graph, []) : optimization.optimize(loaded)
        if try engineOptions.resolve(graph, loaded.source) == .dask {
            return try runOnDask(loaded, graph: graph, changed: changed, control: control)
        }
        if let b = loaded.withDaskCSVBlocks() { (graph, changed) = try asWritten ? (b.graph, []) : optimization.optimize(b) }
        let dir = try URL(fileURLWithPath: out ?? defaultOutputFolder(graph.name))
        let (report, written) = try inOutputFolder(dir) { () throws -> (RunReport, [ResultsWriter.Written]) in
            do {
                let report = try Executor.run(graph, source: loaded.source, baseDirectory: loaded.folder,
                                              options: RunOptions(optimizedObjects: changed, force: force, daskWrapped: objectUses(of: graph).daskWrapped),
                                              progress: progressDisplay(quiet: quiet), control: control)
                try MemoryReport.write(report, to: dir)
                return (report, try ResultsWriter.write(report, to: dir, control: control))
            } catch {
                throw reportFailure(error)
            }
        }
        print(RunSummary.text(report, written: written, directory: dir.path))
    }

    /// The dask engine: the exported program on the user's Python, its outputs published as `run` writes them.
    func runOnDask(_ loaded: ValidatedPipeline, graph: Graph, changed: [String], control: RunControl) throws {
        let python = try engineOptions.python(for: graph, loaded.source, folder: loaded.folder)
        let dir = try URL(fileURLWithPath: out ?? defaultOutputFolder(loaded.model.name))
        let existed = FileManager.default.fileExists(atPath: dir.path)
        try prepareOutputFolder(dir)
        let staging = dir.appendingPathComponent(".pipelint-dask-\(getpid())")
        let job = DaskJob(model: loaded.model, graph: graph, changed: changed, source: loaded.source, folder: loaded.folder,
                          asWritten: asWritten, schedulerAddress: engineOptions.schedulerAddress)
        do {
            let result = try DaskEngine.run(job, python: python, staging: staging, progress: progressDisplay(quiet: quiet), control: control)
            try DaskResults.publish(result, to: dir, control: control)
            print(DaskResults.summary(result, python: python, directory: dir.path, changed: changed))
        } catch {
            try? FileManager.default.removeItem(at: staging)
            if !existed { rmdir(dir.path) }
            throw reportFailure(error)
        }
    }
}

/// How `run`, `compare`, `export` and `graph --optimized` optimize: the policy `fix` applies,
/// with the pipeline's `.pipelint.yml` (or `--config`), safe fixes unless `--unsafe-fixes`.
struct OptimizationOptions: ParsableArguments {
    @Flag(help: "Also apply unsafe placement fixes when optimizing (they assume the workers have the files, packages or client they need), as `pipelint fix --unsafe-fixes` would.")
    var unsafeFixes = false

    @Option(help: "Configuration file (default: the nearest .pipelint.yml above the pipeline).")
    var config: String?

    /// The policy for the pipeline at `path`.
    func policy(for path: String) throws -> OptimizationPolicy {
        var resolver = ConfigurationResolver(explicit: config, known: allRules.map { $0.description.id })
        do {
            let c = try resolver.configuration(for: path)
            for w in resolver.warnings { printError(w) }
            return OptimizationPolicy(configuration: c, unsafeFixes: unsafeFixes)
        } catch {
            printError("pipelint: error: \(error)")
            throw ExitStatus.usage
        }
    }

    /// The pipeline's graph optimized by the policy, and the objects whose placement changed.
    func optimize(_ loaded: ValidatedPipeline) throws -> (graph: Graph, changed: [String]) {
        do {
            let outcome = try policy(for: loaded.source.path).optimize(loaded.graph, source: loaded.source)
            return (outcome.graph, outcome.changed)
        } catch let e as LocatedError {
            printError(e.description)
            throw ExitStatus(code: 3)
        }
    }
}

/// Per step and object (`Graph.objectUseKey`), from the one graph estimate every command
/// shares: the uses Dask's normalize_arg wraps in delayed, and the uses whose object every task carries.
func objectUses(of graph: Graph) -> (daskWrapped: Set<String>, copiedPerTask: Set<String>) {
    var wrapped = Set<String>(), copied = Set<String>()
    for l in Estimator.estimate(graph).layers {
        for u in l.objects {
            if u.daskDelays { wrapped.insert(Graph.objectUseKey(step: l.name, object: u.object)) }
            if u.copiedPerTask { copied.insert(Graph.objectUseKey(step: l.name, object: u.object)) }
        }
    }
    return (wrapped, copied)
}

/// A pipeline file that passed the front end: its text, model and graph, and its folder.
struct ValidatedPipeline {
    var source: SourceFile
    var model: Pipeline
    var graph: Graph
    var folder: URL
}

extension ValidatedPipeline {
    /// For the bundled engine: each `load:` frame in as many partitions as Dask's read_csv cuts
    /// its file into (nil when they already match).
    func withDaskCSVBlocks() -> ValidatedPipeline? {
        guard let p = CSVBlockLayout.matchingDask(model, baseDirectory: folder), let g = GraphBuilder.build(p).graph else { return nil }
        return ValidatedPipeline(source: source, model: p, graph: g, folder: folder)
    }
}

/// Reads and checks a pipeline file; an invalid one is reported like `check` and exits 2.
func loadPipeline(_ path: String) throws -> ValidatedPipeline {
    let url = URL(fileURLWithPath: path)
    let loaded = LoadedPipeline.load(SourceFile(path: path, bytes: try readPipelineFile(path)))
    let errors = loaded.diagnostics.filter { $0.severity == .error }
    guard errors.isEmpty, let model = loaded.pipeline, let graph = loaded.graph else {
        for d in errors {
            printError("\(path):\(loaded.source.position(of: d.range.start)): error: \(d.message) [\(d.code.id) \(d.code.name)]")
        }
        if errors.isEmpty { printError("pipelint: error: \(path) is not a valid pipeline") }
        throw ExitStatus.usage
    }
    try refuseUnsafeLoads(loaded, path)
    noteWorkerCap(loaded)
    return ValidatedPipeline(source: loaded.source, model: model, graph: graph, folder: url.deletingLastPathComponent())
}

/// Ctrl-C (SIGINT) and SIGTERM cancel the run (exit 130) instead of killing the process mid-write.
func installInterruptHandler(_ control: RunControl) -> CancelSignals { CancelSignals(control) }

/// A bar on a terminal, lines otherwise, nothing with --quiet.
func progressDisplay(quiet: Bool) -> ProgressDisplay {
    let style: ProgressDisplay.Style = quiet ? .quiet : (isatty(STDERR_FILENO) == 1 ? .bar : .lines)
    return ProgressDisplay(style: style) { FileHandle.standardError.write(Data($0.utf8)) }
}

/// Prints an executor error and picks the exit status.
func reportFailure(_ error: any Error) -> ExitStatus {
    guard let e = error as? ExecutorError else {
        printError("pipelint: internal error: \(error)")
        return ExitStatus(code: 3)
    }
    printError(withoutFoundationCodes(e.description))
    switch e.kind {
    case .cancelled: return ExitStatus(code: 130)
    case .task, .memory, .mismatch: return ExitStatus.findings
    case .refused, .input, .io: return ExitStatus.usage
    case .internalError: return ExitStatus(code: 3)
    }
}
