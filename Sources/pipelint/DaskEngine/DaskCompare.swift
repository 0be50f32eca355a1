import Executor
import FileAccess
import Foundation
import PipelineIR

extension Compare {
    /// `compare --engine dask`: as written, then optimized, each on a fresh cluster (each run is its own
    /// program, which starts and closes its LocalCluster), with a gc probe of live copies after persist.
    /// `--engine both` needs the bundled executor: a pipeline with `python:` code is refused at its first reference.
    func refuseBundled(_ loaded: ValidatedPipeline) throws {
        guard let (module, location) = pythonModules(of: loaded.graph, in: loaded.source).first else { return }
        printError(LocatedError("compare --engine both: the bundled executor cannot run this pipeline: it calls python: code (`\(module)`)",
                                location: location, help: "compare it on Dask alone: --engine dask").description)
        throw ExitStatus.usage
    }

    func compareOnDask(_ loaded: ValidatedPipeline, optimized: Graph, changed: [String], control: RunControl, bundled: Comparison? = nil) throws {
        let python = try engineOptions.python(for: loaded.graph, loaded.source, folder: loaded.folder)
        let dir = try URL(fileURLWithPath: out ?? defaultOutputFolder(loaded.model.name))
        let existed = FileManager.default.fileExists(atPath: dir.path)
        try prepareOutputFolder(dir)
        var staged: [URL] = []
        defer { for s in staged { try? FileManager.default.removeItem(at: s) } }
        var runs: [DaskRun] = []
        do {
            for (graph, asWritten) in [(loaded.graph, true), (optimized, false)] {
                let staging = dir.appendingPathComponent(".pipelint-dask-\(getpid())-\(runs.count)")
                staged.append(staging)
                let job = DaskJob(model: loaded.model, graph: graph, changed: asWritten ? [] : changed, source: loaded.source, folder: loaded.folder,
                                  asWritten: asWritten, schedulerAddress: engineOptions.schedulerAddress, countCopies: true)
                runs.append(try DaskEngine.run(job, python: python, staging: staging, progress: progressDisplay(quiet: quiet), control: control))
            }
            var mismatch = DaskComparison.mismatch(runs[0], runs[1])
            if let bundled {
                // The bundled runs' files go to <out>/bundled; their results must be the dask runs'.
                let folder = dir.appendingPathComponent("bundled")
                try bundled.write(to: folder)
                print(bundled.summary(directory: folder.path))
                mismatch = mismatch ?? bundled.mismatch
                mismatch = try mismatch ?? DaskComparison.acrossEngines(bundled.asWritten, runs[0], scratch: staged[0], "as written")
                mismatch = try mismatch ?? DaskComparison.acrossEngines(bundled.optimized, runs[1], scratch: staged[1], "optimized")
            }
            try DaskComparison.write(runs[0], runs[1], mismatch: mismatch, changed: changed, to: dir)
            print(DaskComparison.summary(runs[0], runs[1], mismatch: mismatch, changed: changed, directory: dir.path))
            if bundled != nil, mismatch == nil { print("engines: bundled and dask results identical, as written and optimized") }
            if let m = mismatch {
                printError("error: \(m)")
                throw ExitStatus.findings
            }
        } catch let e as ExecutorError {
            if !existed {
                for s in staged { try? FileManager.default.removeItem(at: s) }
                rmdir(dir.path)
            }
            throw reportFailure(e)
        }
    }
}

/// Two dask runs of one pipeline, compared: results, MemorySampler peaks, live copies.
enum DaskComparison {
    /// Why the two runs' results differ: arrays by dtype, shape and CRC-32 (integers and floats
    /// bit for bit), scalars exactly for integers and within a relative 1e-12 for floats.
    static func mismatch(_ a: DaskRun, _ b: DaskRun) -> String? {
        guard a.outputs.count == b.outputs.count else { return "the runs produced \(a.outputs.count) and \(b.outputs.count) outputs" }
        for (x, y) in zip(a.outputs, b.outputs) {
            let name = x["name"] as? String ?? ""
            let same: Bool
            if x["dtype"] as? String != y["dtype"] as? String || (x["shape"] as? [Int]) != (y["shape"] as? [Int]) {
                same = false
            } else if let cx = x["crc32"] as? String {
                same = cx == y["crc32"] as? String
            } else if x["dtype"] as? String == "float64", let vx = x["value"] as? Double, let vy = y["value"] as? Double {
                same = vx == vy || abs(vx - vy) <= 1e-12 * max(abs(vx), abs(vy))
            } else {
                same = "\(x["value"] ?? "")" == "\(y["value"] ?? "")"
            }
            if !same { return "output `\(name)` differs between the as-written and the optimized run" }
        }
        return nil
    }

    /// Why a bundled run's results differ from a dask run's (nil when they agree as `mismatch` defines it):
    /// the bundled outputs are written under `scratch` for their CRC-32s.
    static func acrossEngines(_ report: RunReport, _ run: DaskRun, scratch: URL, _ form: String) throws(ExecutorError) -> String? {
        let written = try ResultsWriter.write(report, to: scratch.appendingPathComponent("bundled"))
        guard written.count == run.outputs.count else { return "\(form): the engines produced \(written.count) and \(run.outputs.count) outputs" }
        for ((o, w), d) in zip(zip(report.outputs, written), run.outputs) {
            var item: [String: Any] = ["name": o.name, "dtype": o.dtype, "shape": o.shape]
            if let c = w.crc32 { item["crc32"] = String(format: "%08x", c) }
            if case .scalar(let s) = o.data {
                switch s {
                case .i64(let i): item["value"] = i
                case .f64(let x): item["value"] = x
                }
            }
            let one = DaskRun(document: ["outputs": [item]], staging: scratch, memory: [], stdout: [])
            let other = DaskRun(document: ["outputs": [d]], staging: scratch, memory: [], stdout: [])
            if mismatch(one, other) != nil { return "\(form): output `\(o.name)` differs between the bundled and the dask engine" }
        }
        return nil
    }

    static func write(_ a: DaskRun, _ b: DaskRun, mismatch: String?, changed: [String], to dir: URL) throws(ExecutorError) {
        let name = a.document["pipeline"] as? String ?? "pipeline"
        let lines = [
            MemoryChart.Line(label: "as written (peak \(ByteFormat.text(Int64(a.peakMemory))))", points: a.memory),
            MemoryChart.Line(label: "optimized (peak \(ByteFormat.text(Int64(b.peakMemory))))", points: b.memory),
        ]
        let svg = MemoryChart.svg(title: "\(name): as written vs optimized (Dask)",
                                  subtitle: "measured by distributed's MemorySampler: process memory of all workers, fresh cluster per run",
                                  lines: lines)
        func side(_ r: DaskRun) -> [String: Any] {
            ["peak_memory_bytes": r.peakMemory, "memory_growth_bytes": r.memoryGrowth, "seconds": r.seconds, "tasks": r.tasks, "copies_after_persist": r.copies,
             "memory": r.memory.map { [$0.0, $0.1] as [Any] }]
        }
        let doc: [String: Any] = ["pipeline": name, "engine": "dask", "dask": a.document["dask"] ?? "", "identical": mismatch == nil,
                                  "memory_source": "distributed.diagnostics.MemorySampler", "as_written": side(a), "optimized": side(b),
                                  "delayed_objects": changed]
        do {
            try AtomicWrite.write(svg, to: dir.appendingPathComponent("compare.svg").path)
            let data = try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys])
            try AtomicWrite.write([UInt8](data), to: dir.appendingPathComponent("compare.json").path)
        } catch {
            throw ExecutorError(.io, "cannot write the comparison to \(dir.path): \((error as? AtomicWrite.Failure)?.description ?? error.localizedDescription)")
        }
    }

    static func summary(_ a: DaskRun, _ b: DaskRun, mismatch: String?, changed: [String], directory: String) -> String {
        func row(_ label: String, _ r: DaskRun) -> String {
            let copies = r.copies.map { $0.replacingOccurrences(of: "copies on ", with: "") }.joined(separator: "; ")
            return "\(label)  peak \(ByteFormat.text(Int64(r.peakMemory))) (MemorySampler), +\(ByteFormat.text(Int64(r.memoryGrowth))) over its start, "
                + String(format: "%.3f s", r.seconds)
                + (copies.isEmpty ? "" : ", live copies after persist: \(copies)")
        }
        var s = "measured on Dask \(a.document["dask"] as? String ?? "") (\(a.scheduler) scheduler, a fresh cluster per run):\n"
        s += row("as written:", a) + "\n"
        s += row("optimized: ", b) + (changed.isEmpty ? "" : " (delayed: \(changed.joined(separator: ", ")))") + "\n"
        s += "results: " + (mismatch == nil ? "identical" : "DIFFERENT")
        if a.memoryGrowth > 0 { s += String(format: "; optimized growth is %.1f%% of as written", 100 * Double(b.memoryGrowth) / Double(a.memoryGrowth)) }
        s += "\nchart: \(directory)/compare.svg"
        return s
    }
}
