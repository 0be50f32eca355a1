import FileAccess
import Foundation
import PipelineIR

/// The text `pipelint run` prints after a run.
public enum RunSummary {
    public static func text(_ r: RunReport, written: [ResultsWriter.Written], directory: String) -> String {
        var lines: [String] = []
        for (o, w) in zip(r.outputs, written) {
            switch o.data {
            case .scalar(let s):
                lines.append("\(o.name) = \(s)")
            case .array, .frame:
                let crc = w.crc32.map { String(format: "%08x", $0) } ?? ""
                lines.append("\(o.name): \(o.dtype) \(Kernels.shapeText(o.shape)) → \(directory)/\(w.file ?? "") (crc32 \(crc))")
            }
        }
        let opt = r.delayedObjects.isEmpty ? "" : " (made delayed: \(r.delayedObjects.map { "`\($0)`" }.joined(separator: ", ")))"
        lines.append("\(r.tasks) tasks in \(String(format: "%.3f", r.seconds)) s on \(r.scheduler.rawValue)\(opt); "
                     + "peak accounted memory \(ByteFormat.text(Int64(r.peakAccounted))) (workers: \(r.peakPerWorker.map { ByteFormat.text(Int64($0)) }.joined(separator: ", "))), "
                     + "peak RSS \(ByteFormat.text(Int64(r.timeline.peakRSS)))")
        lines.append("results in \(directory)/results.json; memory timeline in \(directory)/memory.{csv,json,svg}")
        return lines.joined(separator: "\n")
    }
}

/// The memory timeline files of one run.
public enum MemoryReport {
    /// Writes memory.csv, memory.json and memory.svg into `directory`.
    public static func write(_ r: RunReport, to directory: URL) throws(ExecutorError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try AtomicWrite.write(r.timeline.csv(), to: directory.appendingPathComponent("memory.csv").path)
            let json = try JSONSerialization.data(withJSONObject: r.timeline.json(), options: [.sortedKeys])
            try AtomicWrite.write([UInt8](json), to: directory.appendingPathComponent("memory.json").path)
            let line = MemoryChart.Line(label: "accounted (all workers)", points: r.timeline.samples.map { ($0.time, $0.accounted) })
            let svg = MemoryChart.svg(title: "\(r.pipeline): memory over time",
                                      subtitle: "\(r.scheduler.rawValue) scheduler, simulated: worker stores, decoded objects, task definitions",
                                      lines: [line])
            try AtomicWrite.write(svg, to: directory.appendingPathComponent("memory.svg").path)
        } catch {
            throw ExecutorError(.io, "cannot write the memory report to \(directory.path): \((error as? AtomicWrite.Failure)?.description ?? error.localizedDescription)")
        }
    }
}
