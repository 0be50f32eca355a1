import Executor
import Export
import Foundation
import PipelineIR

/// One pipeline run on real Dask: the program `export --to dask` writes, run by the user's
/// Python with `--engine-protocol` (progress and failures as `@pipelint` lines on stderr),
/// its outputs written into a staging folder the caller moves into place.
struct DaskRun {
    /// results.json as the program wrote it.
    var document: [String: Any]
    /// Where the program wrote its outputs (removed by the caller).
    var staging: URL
    /// MemorySampler's cluster-wide series: seconds from the first sample, bytes.
    var memory: [(Double, Int)]
    /// The program's standard output (result lines, copy counts).
    var stdout: [String]

    var tasks: Int { document["tasks"] as? Int ?? 0 }
    var seconds: Double { document["seconds"] as? Double ?? 0 }
    var scheduler: String { document["scheduler"] as? String ?? "" }
    var outputs: [[String: Any]] { document["outputs"] as? [[String: Any]] ?? [] }
    var peakMemory: Int { memory.map(\.1).max() ?? 0 }
    /// The peak over the first sample: what the run added to the idle cluster's processes.
    var memoryGrowth: Int { max(0, peakMemory - (memory.first?.1 ?? 0)) }
    /// `copies on tcp://…: Mapper 46` lines of `--count-copies`.
    var copies: [String] { stdout.filter { $0.hasPrefix("copies on ") } }
}

/// What the dask engine needs to run one graph.
struct DaskJob {
    var model: Pipeline
    var graph: Graph
    var changed: [String]
    var source: SourceFile
    var folder: URL
    var asWritten: Bool
    var schedulerAddress: String?
    var countCopies = false
}

enum DaskEngine {
    /// Runs `job` with `python`, writing into `staging` (created here).
    static func run(_ job: DaskJob, python: PythonEnvironment, staging: URL, progress: ProgressDisplay, control: RunControl) throws(ExecutorError) -> DaskRun {
        let work = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        let program = work.appendingPathComponent("pipeline.py")
        var options = ExportOptions(asWritten: job.asWritten)
        options.baseDirectory = relativePath(from: work.path, to: job.folder.standardizedFileURL.path)
        do {
            let text = try DaskExport.program(job.model, graph: job.graph, source: job.source, changed: job.changed, options: options)
            try text.write(to: program, atomically: false, encoding: .utf8)
        } catch let e as LocatedError {
            throw ExecutorError(.refused, e.message, location: e.location, help: e.help)
        } catch {
            throw ExecutorError(.io, "cannot write the Dask program to \(program.path): \(error.localizedDescription)")
        }
        do { try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true) } catch {
            throw ExecutorError(.io, "cannot create \(staging.path): \(error.localizedDescription)")
        }
        let memoryFile = staging.appendingPathComponent(".memory-sampler.json")
        var arguments = [python.python, program.path, "--out", staging.path, "--engine-protocol", "--memory-sampler", memoryFile.path]
        if let a = job.schedulerAddress {
            arguments += ["--scheduler-address", a]
            let modules = pythonModules(of: job.graph, in: job.source).map(\.module)
            if !modules.isEmpty { arguments += ["--check-imports"] + modules }
        }
        if job.countCopies { arguments.append("--count-copies") }
        let events = EngineEvents(progress: progress)
        let status: Int32
        let stdout: [String]
        do {
            let child = try ChildProcess(arguments, environment: python.environment) { events.line($0) }
            status = child.wait(cancelled: { control.isCancelled })
            stdout = child.standardOutput
        } catch {
            throw ExecutorError(.io, "the dask engine cannot start \(python.python): \(error)")
        }
        if control.isCancelled || status == 130 {
            try? FileManager.default.removeItem(at: staging)
            throw ExecutorError(.cancelled, "cancelled: the Dask computation was stopped and its cluster closed; nothing was written")
        }
        guard status == 0 else {
            try? FileManager.default.removeItem(at: staging)
            throw events.failure(status: status, job: job, python: python.python)
        }
        events.finish()
        return try collect(staging: staging, memoryFile: memoryFile, stdout: stdout)
    }

    static func collect(staging: URL, memoryFile: URL, stdout: [String]) throws(ExecutorError) -> DaskRun {
        guard let data = try? Data(contentsOf: staging.appendingPathComponent("results.json")),
              let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ExecutorError(.internalError, "the Dask program finished without writing \(staging.path)/results.json")
        }
        var memory: [(Double, Int)] = []
        if let m = try? Data(contentsOf: memoryFile), let pairs = try? JSONSerialization.jsonObject(with: m) as? [[Double]] {
            memory = pairs.filter { $0.count == 2 }.map { ($0[0], Int($0[1])) }
        }
        try? FileManager.default.removeItem(at: memoryFile)
        return DaskRun(document: doc, staging: staging, memory: memory, stdout: stdout)
    }

    static func temporaryFolder() throws(ExecutorError) -> URL {
        var template = Array((NSTemporaryDirectory() + "/pipelint-dask-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { b -> String? in
            guard let base = b.baseAddress, let p = mkdtemp(base) else { return nil }
            return String(cString: p)
        }
        guard let made else { throw ExecutorError(.io, "cannot create a temporary folder: \(String(cString: strerror(errno)))") }
        return URL(fileURLWithPath: made)
    }
}

/// The `@pipelint` lines of a running program: progress goes to the display, a failure is kept;
/// other stderr lines are kept (the last 40) for a failure nobody located.
final class EngineEvents: @unchecked Sendable {
    private let lock = NSLock()
    private let progress: ProgressDisplay
    private let start = Date()
    private var last: (done: Int, total: Int)?
    private var event: [String: Any]?
    private var tail: [String] = []

    init(progress: ProgressDisplay) { self.progress = progress }

    func line(_ text: String) {
        guard text.hasPrefix("@pipelint "), let data = text.dropFirst(10).data(using: .utf8),
              let e = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let kind = e["event"] as? String else {
            lock.lock()
            tail.append(text)
            if tail.count > 40 { tail.removeFirst() }
            lock.unlock()
            return
        }
        lock.lock()
        defer { lock.unlock() }
        if kind == "progress", let done = e["done"] as? Int, let total = e["total"] as? Int {
            last = (done, max(done, total))
            progress.update(done: done, total: max(done, total), elapsed: Date().timeIntervalSince(start))
        } else if event == nil {
            event = e
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if let l = last { progress.finish(done: l.total, total: l.total, elapsed: Date().timeIntervalSince(start)) }
    }

    /// The error for a program that exited with `status`.
    func failure(status: Int32, job: DaskJob, python: String) -> ExecutorError {
        lock.lock()
        defer { lock.unlock() }
        switch event?["event"] as? String {
        case "failed"?:
            return TaskFailure.locate(event ?? [:], graph: job.graph, source: job.source)
        case "unreachable"?:
            return ExecutorError(.refused, (event?["message"] as? String) ?? "the Dask scheduler did not answer",
                                 help: "check the address (tcp://HOST:PORT) and that `dask scheduler` runs there; the connect timeout is 10 s")
        case "imports"?:
            return TaskFailure.imports(event?["failed"] as? [String: [String: String]] ?? [:], graph: job.graph, source: job.source)
        default:
            let shown = tail.suffix(20).joined(separator: "\n")
            return ExecutorError(.task, "the Dask program run by \(python) exited with status \(status)" + (shown.isEmpty ? "" : ":\n\(shown)"))
        }
    }
}

/// Maps a failure of the Dask program back to the pipeline file.
enum TaskFailure {
    /// A failed task, located at its step: by the innermost traceback frame that is a step's
    /// function (fused tasks carry the last step's name, so the key alone can mislead), then by the key.
    static func locate(_ e: [String: Any], graph: Graph, source: SourceFile) -> ExecutorError {
        let frames = (e["frames"] as? [String]) ?? []
        let key = e["key"] as? String
        let error = "\(e["type"] as? String ?? "Exception"): \(e["message"] as? String ?? "")"
        var steps: [(layer: Graph.Layer, names: Set<String>)] = []
        for l in graph.layers {
            guard case .mapBlocks(let call?) = l.kind else { continue }
            var names: Set<String> = [call.function.name]
            if case .python(let ref) = call.function.body, let q = ref.split(separator: ":").last, let n = q.split(separator: ".").last {
                names.insert(String(n))
            }
            steps.append((l, names))
        }
        let keyName = key.flatMap { k in k.split(whereSeparator: { "('\" ,".contains($0) }).first.map(String.init) }
        func byKey(_ candidates: [Graph.Layer]) -> Graph.Layer? {
            candidates.first { l in keyName.map { $0 == l.name || $0.hasPrefix(l.name + "-") } ?? false }
        }
        var found: Graph.Layer?
        for f in frames.reversed() {
            let matching = steps.filter { $0.names.contains(f) }.map(\.layer)
            if !matching.isEmpty {
                found = byKey(matching) ?? matching[0]
                break
            }
        }
        found = found ?? byKey(graph.layers)
        var where_ = key.map { "task \($0)" } ?? "a task"
        if let k = key, let chunk = chunkIndex(k) { where_ += " (chunk (\(chunk.map(String.init).joined(separator: ", "))\(chunk.count == 1 ? "," : "")))" }
        guard let l = found else {
            return ExecutorError(.task, "the Dask computation failed" + (key == nil ? "" : " in \(where_)") + ": \(error)")
        }
        return ExecutorError(.task, "\(l.name) failed in \(where_): \(error); the remaining tasks were cancelled", at: l.range, in: source)
    }

    /// `('name-token', 3, 0)` → [3, 0].
    static func chunkIndex(_ key: String) -> [Int]? {
        guard key.hasPrefix("(") else { return nil }
        let parts = key.dropFirst().dropLast().split(separator: ",").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
        let ints = parts.compactMap { Int($0) }
        return ints.isEmpty || ints.count != parts.count ? nil : ints
    }

    /// `python:` modules that do not import on some workers: located at the first reference to the first one.
    static func imports(_ failed: [String: [String: String]], graph: Graph, source: SourceFile) -> ExecutorError {
        let refs = pythonModules(of: graph, in: source)
        for (module, location) in refs {
            for worker in failed.keys.sorted() {
                if let e = failed[worker]?[module] {
                    let others = failed.keys.filter { $0 != worker && failed[$0]?[module] != nil }
                    let workers = others.filter { $0 != "the scheduler" }.count
                    var also: [String] = workers > 0 ? ["\(workers) more worker\(workers == 1 ? "" : "s")"] : []
                    if others.contains("the scheduler") { also.append("the scheduler") }
                    let place = worker == "the scheduler" ? worker : "worker \(worker)"
                    return ExecutorError(.refused, "python: module `\(module)` does not import on \(place)\(also.isEmpty ? "" : " (and on \(also.joined(separator: " and ")))"): \(e)",
                                         location: location, help: "install `\(module)` on the scheduler and every worker of the cluster (the dask engine checks it; it does not ship it)")
                }
            }
        }
        return ExecutorError(.refused, "python: modules do not import on the workers: \(failed)")
    }
}
