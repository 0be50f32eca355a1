import FileAccess
import Foundation
import PipelineIR

/// A pipeline run as written and optimized: results must be identical; memory is compared.
public struct Comparison: Sendable {
    public var asWritten: RunReport
    public var optimized: RunReport
    /// Why the results differ, if they do.
    public var mismatch: String?

    /// Runs both forms of the pipeline in `source`, one after the other: `asWritten` and the
    /// caller's `optimized` graph, in which `optimizedObjects` changed placement.
    /// `daskWrapped`: each graph's uses Dask's normalize_arg wraps (`RunOptions.daskWrapped`).
    /// Each run's RSS is its own growth from its start, after the allocator has returned what
    /// the run before it freed (`malloc_trim`), so the optimized run is not charged for the
    /// as-written run's heap.
    public static func run(asWritten written: Graph, optimized: Graph, optimizedObjects: [String], source: SourceFile, baseDirectory: URL,
                           daskWrapped: (asWritten: Set<String>, optimized: Set<String>) = ([], []),
                           progress: ProgressDisplay? = nil, control: RunControl? = nil) throws(ExecutorError) -> Comparison {
        ResidentMemory.returnFreedMemory()
        let a = try Executor.run(written, source: source, baseDirectory: baseDirectory, options: RunOptions(daskWrapped: daskWrapped.asWritten),
                                 progress: progress, control: control)
        ResidentMemory.returnFreedMemory()
        let b = try Executor.run(optimized, source: source, baseDirectory: baseDirectory,
                                 options: RunOptions(optimizedObjects: optimizedObjects, daskWrapped: daskWrapped.optimized),
                                 progress: progress, control: control)
        var mismatch: String?
        if a.outputs.count != b.outputs.count {
            mismatch = "the runs produced \(a.outputs.count) and \(b.outputs.count) outputs"
        } else {
            for (x, y) in zip(a.outputs, b.outputs) where !x.identical(to: y) {
                mismatch = "output `\(x.name)` differs between the as-written and the optimized run"
                break
            }
        }
        return Comparison(asWritten: a, optimized: b, mismatch: mismatch)
    }

    /// compare.svg and compare.json.
    public func write(to directory: URL) throws(ExecutorError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let lines = [
                MemoryChart.Line(label: "as written (peak \(ByteFormat.text(Int64(asWritten.peakAccounted))))", points: asWritten.timeline.samples.map { ($0.time, $0.accounted) }),
                MemoryChart.Line(label: "optimized (peak \(ByteFormat.text(Int64(optimized.peakAccounted))))", points: optimized.timeline.samples.map { ($0.time, $0.accounted) }),
            ]
            let svg = MemoryChart.svg(title: "\(asWritten.pipeline): as written vs optimized",
                                      subtitle: "simulated cost on the \(asWritten.scheduler.rawValue) scheduler: accounted worker memory",
                                      lines: lines)
            try AtomicWrite.write(svg, to: directory.appendingPathComponent("compare.svg").path)
            func side(_ r: RunReport) -> [String: Any] {
                ["peak_accounted_bytes": r.peakAccounted, "peak_rss_bytes": r.timeline.peakRSS, "start_rss_bytes": r.startRSS,
                 "rss_growth_bytes": r.rssGrowth, "seconds": r.seconds,
                 "tasks": r.tasks, "peak_object_copies": r.peakCopies, "timeline": r.timeline.json()]
            }
            let doc: [String: Any] = ["pipeline": asWritten.pipeline, "identical": mismatch == nil,
                                      "as_written": side(asWritten), "optimized": side(optimized),
                                      "delayed_objects": optimized.delayedObjects]
            let data = try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys])
            try AtomicWrite.write([UInt8](data), to: directory.appendingPathComponent("compare.json").path)
        } catch {
            throw ExecutorError(.io, "cannot write the comparison to \(directory.path): \((error as? AtomicWrite.Failure)?.description ?? error.localizedDescription)")
        }
    }

    /// The printed comparison.
    public func summary(directory: String) -> String {
        func row(_ label: String, _ r: RunReport) -> String {
            let copies = r.peakCopies.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
            return "\(label)  peak \(ByteFormat.text(Int64(r.peakAccounted))) accounted, RSS +\(ByteFormat.text(Int64(r.rssGrowth))) over its start, "
                + String(format: "%.3f s", r.seconds) + (copies.isEmpty ? "" : ", peak object copies: \(copies)")
        }
        var s = "simulated cost on the \(asWritten.scheduler.rawValue) scheduler:\n"
        s += row("as written:", asWritten) + "\n"
        s += row("optimized: ", optimized) + (optimized.delayedObjects.isEmpty ? "" : " (delayed: \(optimized.delayedObjects.joined(separator: ", ")))") + "\n"
        if asWritten.peakAccounted > 0 {
            s += "results: " + (mismatch == nil ? "identical" : "DIFFERENT") + String(format: "; optimized peak is %.1f%% of as written\n", 100 * Double(optimized.peakAccounted) / Double(asWritten.peakAccounted))
        }
        s += "chart: \(directory)/compare.svg"
        return s
    }
}
