import Foundation
import PipelineIR
import PipelineYAML
import Testing
@testable import Executor

/// Groupby-sums on the bundled executor: group order and sums computed here from pandas' and
/// Dask's definitions, not copied from the tool's output.
@Suite struct FrameGroupbyRunTests {
    @Test func partialsSortByKeyAndCombinesKeepFirstAppearance() throws {
        // 9 rows in partitions [2, 3, 4]; key k = r mod 4 reversed by partition: row r has k = (7 - r) mod 4.
        // Partials sort their keys; the aggregate concatenates them and keeps first appearance.
        let text = """
            pipeline: tiny-groupby
            version: 1.2
            cluster: {scheduler: distributed, workers: 2, threads_per_worker: 1}
            frames:
              t:
                rows: 9
                partitions: [2, 3, 4]
                columns:
                  r: {dtype: int64}
                  f: {dtype: float64}
            steps:
              k: {assign: t, column: k, expr: {sub: [7, r]}}
              sums: {groupby: k, by: k, sum: f, split_every: 2}
            outputs:
              sums: compute
            """
        let report = try runText(text, asWritten: true)
        guard case .frame(let parts)? = report.outputs.first?.data else { Issue.record("no frame output"); return }
        // k = 7 - r: partition 0 has k 7, 6 → sorted 6, 7; partition 1: 5, 4, 3 → 3, 4, 5;
        // partition 2: 2, 1, 0, -1 → -1, 0, 1, 2. Each key once, its sum f = r = 7 - k.
        let order: [Int64] = [6, 7, 3, 4, 5, -1, 0, 1, 2]
        var expected = "index,k,f\n"
        for (i, k) in order.enumerated() { expected += "\(i),\(k),\(Double(7 - k))\n" }
        #expect(String(decoding: FrameCSV.bytes(parts), as: UTF8.self) == expected)
        // Dask's tree: 3 partials, split_every 2 → combines [0, 1] [2], then the aggregate.
        let loaded = loadText(text)
        let plan = try PipelinePlan(graph: loaded.graph!, source: loaded.source, baseDirectory: FileManager.default.temporaryDirectory)
        let layer = plan.graph.layers.first { $0.name == "sums" }!.id.index
        #expect((0..<plan.taskGraph.taskCount).filter { plan.layer(of: $0) == layer }.count == 3 + 2 + 1)
    }

    @Test func floatSumsAreKahanCompensatedAndSkipNaN() throws {
        // pandas: Series([1e16, 1, 1, -1e16]).groupby([0] * 4).sum() == 2.0 (a plain sum gives 0.0).
        let part = FramePart(start: 0, rows: 6, names: ["k", "x"],
                             columns: [.string(FrameStrings(offsets: [0, 1, 2, 3, 4, 5, 6], bytes: Array("aabbaa".utf8))), .float64([1e16, 1, .nan, .nan, 1, -1e16])])
        // Key a: rows 0, 1, 4, 5 → 1e16, 1, 1, -1e16; key b: rows 2, 3 → NaN only → 0.
        let p = try FrameGroupbySums.partial(part, key: "k", value: "x")
        #expect(p.columns[1] == .float64([2, 0]))
        #expect(p.columns[0] == .string(FrameStrings(offsets: [0, 1, 2], bytes: Array("ab".utf8))))
        let missing = FramePart(start: 0, rows: 3, names: ["c", "b"], columns: [.category(codes: [2, -1, 0], count: 3), .bool([true, true, true])])
        let q = try FrameGroupbySums.partial(missing, key: "c", value: "b")
        #expect(q.columns == [.category(codes: [0, 2], count: 3), .integer([1, 1], .int64)])
    }
}
