import ArgumentParser
import Executor
import FileAccess
import Foundation
import PipelineIR

/// Which engine runs a pipeline.
enum EngineChoice: String, ExpressibleByArgument, CaseIterable {
    case bundled, dask, auto
    /// `compare` only: both engines, as written and optimized, with the results checked across them.
    case both
}

/// `--engine`, `--scheduler-address` and `--cluster` of `run`, `compare` and `fix --verify`.
struct EngineOptions: ParsableArguments {
    @Option(help: "bundled (the local executor), dask (the exported program on real Dask, with your Python: $PIPELINT_PYTHON, else python3), auto: dask when the pipeline has python: code, else bundled; compare also takes both.")
    var engine: EngineChoice = .auto

    @Option(help: "Run on an existing Dask cluster (tcp://HOST:PORT) with the dask engine; the connection waits at most 10 s.")
    var schedulerAddress: String?

    @Option(help: "local: a LocalCluster shaped by the pipeline's `cluster:` (the dask engine's default).")
    var cluster = "local"

    /// The engine for a pipeline: `auto` picks dask for `python:` code or a scheduler address.
    func resolve(_ graph: Graph, _ source: SourceFile, allowBoth: Bool = false, command: String = "run") throws -> EngineChoice {
        if engine == .both, !allowBoth {
            printError("pipelint: error: --engine both is for `compare` (bundled, dask or auto here)")
            throw ExitStatus.usage
        }
        guard cluster == "local" else {
            printError("pipelint: error: unknown --cluster `\(cluster)` (supported: local; use --scheduler-address for an existing cluster)")
            throw ExitStatus.usage
        }
        if let a = schedulerAddress {
            guard a.hasPrefix("tcp://") || a.hasPrefix("tls://") || a.hasPrefix("inproc://") || a.hasPrefix("ucx://") else {
                printError("pipelint: error: --scheduler-address `\(a)` is not a Dask address (tcp://HOST:PORT)")
                throw ExitStatus.usage
            }
            if engine == .both { return .both }
            if engine == .bundled {
                printError("pipelint: error: --scheduler-address needs the dask engine (the bundled executor runs in this process)")
                throw ExitStatus.usage
            }
            return .dask
        }
        if engine != .auto { return engine }
        return pythonModules(of: graph, in: source).isEmpty ? .bundled : .dask
    }

    /// The checked Python for the dask engine, or exit 2 with one message.
    func python(for graph: Graph, _ source: SourceFile, folder: URL) throws -> PythonEnvironment {
        do {
            return try PythonEnvironment.check(modules: pythonModules(of: graph, in: source), folder: folder)
        } catch {
            printError(withoutFoundationCodes(LocatedError(error.message, location: error.location, help: error.help).description))
            throw ExitStatus.usage
        }
    }
}

/// Moves a dask run's outputs from its staging folder into `directory`, as the bundled executor
/// writes them: the old results.json removed first, outputs renamed into place, the memory report,
/// then results.json last.
enum DaskResults {
    static func publish(_ run: DaskRun, to directory: URL, control: RunControl) throws(ExecutorError) {
        let fm = FileManager.default
        defer { try? fm.removeItem(at: run.staging) }
        try? fm.removeItem(at: directory.appendingPathComponent("results.json"))
        for o in run.outputs {
            guard let rel = o["file"] as? String else { continue }
            if control.isCancelled {
                throw ExecutorError(.cancelled, "cancelled while writing results; no results.json, so \(directory.path) does not hold a complete run")
            }
            let target = try OutputPaths.prepare(rel, in: directory)
            guard rename(run.staging.appendingPathComponent(rel).path, target.path) == 0 else {
                throw ExecutorError(.io, "cannot move \(rel) into \(directory.path): \(String(cString: strerror(errno)))")
            }
        }
        try writeMemory(run, to: directory)
        guard rename(run.staging.appendingPathComponent("results.json").path, directory.appendingPathComponent("results.json").path) == 0 else {
            throw ExecutorError(.io, "cannot move results.json into \(directory.path): \(String(cString: strerror(errno)))")
        }
    }

    /// memory.csv, memory.json and memory.svg from MemorySampler's series.
    static func writeMemory(_ run: DaskRun, to directory: URL) throws(ExecutorError) {
        let name = run.document["pipeline"] as? String ?? "pipeline"
        do {
            let csv = "seconds,cluster_bytes\n" + run.memory.map { String(format: "%.3f", $0.0) + ",\($0.1)" }.joined(separator: "\n") + "\n"
            try AtomicWrite.write(csv, to: directory.appendingPathComponent("memory.csv").path)
            let doc: [String: Any] = ["engine": "dask", "source": "distributed.diagnostics.MemorySampler (cluster-wide process memory, from worker heartbeats)",
                                      "interval": 0.05, "peak_bytes": run.peakMemory, "growth_bytes": run.memoryGrowth, "samples": run.memory.map { [$0.0, $0.1] as [Any] }]
            let json = try JSONSerialization.data(withJSONObject: doc, options: [.sortedKeys])
            try AtomicWrite.write([UInt8](json), to: directory.appendingPathComponent("memory.json").path)
            let svg = MemoryChart.svg(title: "\(name): memory over time (Dask)",
                                      subtitle: "\(run.scheduler) scheduler, measured: MemorySampler, process memory of all workers",
                                      lines: [MemoryChart.Line(label: "cluster (peak \(ByteFormat.text(Int64(run.peakMemory))))", points: run.memory)])
            try AtomicWrite.write(svg, to: directory.appendingPathComponent("memory.svg").path)
        } catch {
            throw ExecutorError(.io, "cannot write the memory report to \(directory.path): \((error as? AtomicWrite.Failure)?.description ?? error.localizedDescription)")
        }
    }

    /// What `run --engine dask` prints: `run`'s result lines, then where and how it ran.
    static func summary(_ run: DaskRun, python: PythonEnvironment, directory: String, changed: [String]) -> String {
        var lines: [String] = []
        for o in run.outputs {
            let name = o["name"] as? String ?? ""
            if let rel = o["file"] as? String {
                let shape = (o["shape"] as? [Int]) ?? []
                let shapeText = "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
                lines.append("\(name): \(o["dtype"] as? String ?? "") \(shapeText) → \(directory)/\(rel) (crc32 \(o["crc32"] as? String ?? ""))")
            } else if let printed = run.stdout.first(where: { $0.hasPrefix("\(name) = ") }) {
                lines.append(printed)
            }
        }
        let opt = changed.isEmpty ? "" : " (made delayed: \(changed.map { "`\($0)`" }.joined(separator: ", ")))"
        let memory = run.memory.isEmpty ? "no memory samples (MemorySampler needs the distributed scheduler)"
            : "peak cluster memory \(ByteFormat.text(Int64(run.peakMemory))) (MemorySampler; +\(ByteFormat.text(Int64(run.memoryGrowth))) over its start)"
        lines.append("\(run.tasks) tasks in \(String(format: "%.3f", run.seconds)) s on \(run.scheduler) with Dask \(python.daskVersion)\(opt); \(memory)")
        lines.append("results in \(directory)/results.json; memory timeline in \(directory)/memory.{csv,json,svg}")
        return lines.joined(separator: "\n")
    }
}
