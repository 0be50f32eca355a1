import Analysis
import Foundation
import PipelineIR
import PipelineYAML
import Testing

/// The graph-bytes model against distributed 2026.8 itself
/// (`calibration/graph_bytes.py` → `Fixtures/graph_bytes.json`): per-chunk slope
/// within ±20 B, submit bytes within ±5%, the large-graph warning exactly, and the
/// largest task's `run_spec` within ±5%.
@Suite struct GraphBytesCalibrationTests {
    struct Entry {
        var name: String
        var chunks: Int
        /// The measured pipeline, as `pipelint export --to dask` exported it.
        var pipeline: String
        var submitBytes: Int64
        var warned: Bool
        var taskBytesMax: Int64?
    }

    static let entries: [Entry] = {
        guard let url = Bundle.module.url(forResource: "graph_bytes", withExtension: "json", subdirectory: "Fixtures"),
              let data = try? Data(contentsOf: url),
              let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let rows = doc["entries"] as? [[String: Any]] else { return [] }
        return rows.compactMap { r in
            guard let name = r["name"] as? String, let chunks = r["chunks"] as? Int, let pipeline = r["pipeline"] as? String,
                  let submit = (r["submit_bytes"] as? NSNumber)?.int64Value, let warned = r["warned"] as? Bool else { return nil }
            return Entry(name: name, chunks: chunks, pipeline: pipeline, submitBytes: submit, warned: warned,
                         taskBytesMax: (r["task_bytes_max"] as? NSNumber)?.int64Value)
        }
    }()

    static func estimate(_ e: Entry) throws -> GraphEstimate {
        let loaded = LoadedPipeline.load(SourceFile(path: "measured.yaml", text: e.pipeline))
        #expect(loaded.diagnostics.filter { $0.severity == .error }.isEmpty, "\(loaded.diagnostics.map(\.message))")
        let graph = try #require(loaded.graph)
        return Estimator.estimate(graph)
    }

    @Test func theFixtureIsThere() {
        #expect(Self.entries.count >= 60)
    }

    @Test func submitBytesWithinFivePercent() throws {
        for e in Self.entries {
            let est = try Self.estimate(e)
            let error = Double(est.submitBytes.bytes - e.submitBytes) / Double(e.submitBytes)
            #expect(abs(error) <= 0.05, "\(e.name) × \(e.chunks): model \(est.submitBytes.bytes), measured \(e.submitBytes)")
            #expect(est.largeGraphWarning == e.warned, "\(e.name) × \(e.chunks)")
        }
    }

    @Test func perChunkOverheadWithinTwentyBytes() throws {
        let byName = Dictionary(grouping: Self.entries, by: \.name)
        var compared = 0
        for (name, rows) in byName {
            let sorted = rows.sorted { $0.chunks < $1.chunks }
            for (a, b) in zip(sorted, sorted.dropFirst()) {
                let measured = Double(b.submitBytes - a.submitBytes) / Double(b.chunks - a.chunks)
                let ea = try Self.estimate(a)
                let eb = try Self.estimate(b)
                let model = Double(eb.submitBytes.bytes - ea.submitBytes.bytes) / Double(b.chunks - a.chunks)
                #expect(abs(model - measured) <= 20, "\(name) \(a.chunks)→\(b.chunks): model \(model) B/chunk, measured \(measured)")
                compared += 1
            }
        }
        #expect(compared >= 14)
    }

    @Test func largestTaskWithinFivePercent() throws {
        var checked = 0
        for e in Self.entries {
            // The task that carries the embedded mapper: the largest, and what the model prices.
            guard let measured = e.taskBytesMax, e.name.hasSuffix("+mapper") || e.name.hasSuffix("+method") else { continue }
            let est = try Self.estimate(e)
            // The largest task as dispatched: the map task, with its source when Dask fuses it.
            let fused = est.layers.filter { $0.fusedInto == nil }.map(\.taskBytes.bytes).max() ?? 0
            let error = Double(fused - measured) / Double(measured)
            #expect(abs(error) <= 0.05, "\(e.name) × \(e.chunks): model \(fused), measured \(measured)")
            checked += 1
        }
        #expect(checked >= 8)
    }

    @Test func aGraphWithNoObjectWarnsFromItsTaskCountAlone() throws {
        let e = try #require(Self.entries.first { $0.warned })
        #expect(!e.pipeline.contains("map_blocks"))
        let est = try Self.estimate(e)
        #expect(est.largeGraphWarning)
        #expect(est.objects.isEmpty)
    }
}
