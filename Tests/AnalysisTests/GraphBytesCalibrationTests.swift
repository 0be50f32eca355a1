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
        var chunkSize: Int
        var source: String
        var steps: [String]
        var output: String
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
            guard let name = r["name"] as? String, let chunks = r["chunks"] as? Int, let size = r["chunk_size"] as? Int,
                  let source = r["source"] as? String, let steps = r["steps"] as? [String], let output = r["output"] as? String,
                  let submit = (r["submit_bytes"] as? NSNumber)?.int64Value, let warned = r["warned"] as? Bool else { return nil }
            return Entry(name: name, chunks: chunks, chunkSize: size, source: source, steps: steps, output: output,
                         submitBytes: submit, warned: warned, taskBytesMax: (r["task_bytes_max"] as? NSNumber)?.int64Value)
        }
    }()

    /// The measured graph as a pipeline file.
    static func pipeline(_ e: Entry) -> String {
        let usesMapper = e.steps.contains { $0 == "map_mapper" || $0 == "map_method" }
        var y = "pipeline: measured\nversion: 1\ncluster: {scheduler: distributed, workers: 2, threads_per_worker: 1}\n"
        if usesMapper {
            y += """
                objects:
                  mapper:
                    class: Mapper
                    fields: {series: {series: {range: 30000, dtype: int64}}}
                    methods: {lookup: {kernel: take, with: {table: self.series}}}

                """
        }
        y += "functions:\n  scale: {params: [block, factor], kernel: scale}\n"
        if usesMapper { y += "  f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}\n" }
        let source = e.source == "random" ? "{random: {seed: 7, low: 0, high: 30000}}" : e.source
        y += "arrays:\n  x: {shape: [\(e.chunks * e.chunkSize)], chunks: [\(e.chunkSize)], dtype: int64, source: \(source)}\n"
        y += "steps:\n"
        var previous = "x"
        for (i, s) in e.steps.enumerated() {
            let name = "s\(i)"
            switch s {
            case "map_literal": y += "  \(name): {map_blocks: scale, over: [\(previous)], args: [0.5]}\n"
            case "map_mapper": y += "  \(name): {map_blocks: f, over: [\(previous)], args: [mapper]}\n"
            case "map_method": y += "  \(name): {map_blocks: mapper.lookup, over: [\(previous)]}\n"
            case "sum8": y += "  \(name): {reduce: sum, over: \(previous), split_every: 8}\n"
            case "rechunk2": y += "  \(name): {rechunk: \(previous), chunks: [\(2 * e.chunkSize)]}\n"
            default: Issue.record("unknown step \(s)")
            }
            previous = name
        }
        if e.steps.isEmpty { y += "  {}\n" }
        y += "outputs:\n  \(previous): \(e.output)\n"
        return y.replacingOccurrences(of: "steps:\n  {}\n", with: "steps: {}\n")
    }

    static func estimate(_ e: Entry) throws -> GraphEstimate {
        let loaded = LoadedPipeline.load(SourceFile(path: "measured.yaml", text: pipeline(e)))
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
        let graph = try #require(loaded.graph)
        return Estimator.estimate(graph)
    }

    @Test func theFixtureIsThere() {
        #expect(Self.entries.count >= 25)
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
        for e in Self.entries {
            guard let measured = e.taskBytesMax, e.steps.contains(where: { $0.hasPrefix("map_m") }) else { continue }
            let est = try Self.estimate(e)
            // Dask fuses the source into the map task: the model's two layers together.
            let fused = est.layers.filter { $0.name == "x" || $0.name == "s0" }.reduce(Int64(0)) { $0 + $1.taskBytes.bytes }
            let error = Double(fused - measured) / Double(measured)
            #expect(abs(error) <= 0.05, "\(e.name) × \(e.chunks): model \(fused), measured \(measured)")
        }
    }

    @Test func aGraphWithNoObjectWarnsFromItsTaskCountAlone() throws {
        let e = try #require(Self.entries.first { $0.warned })
        #expect(e.steps.isEmpty)
        let est = try Self.estimate(e)
        #expect(est.largeGraphWarning)
        #expect(est.objects.isEmpty)
    }
}
