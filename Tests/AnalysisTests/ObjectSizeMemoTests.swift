import Foundation
import Analysis
import PipelineIR
import PipelineYAML
import Sizing
import Testing

/// The fix loop estimates each round's text with the sizes of the last: an object whose value
/// did not change is not sized again, one whose value changed is, and the figures are the
/// ones an estimate without the memo gives.
@Suite struct ObjectSizeMemoTests {
    func graph(_ text: String) throws -> Graph {
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: text))
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
        return try #require(loaded.graph)
    }

    func text(range: Int, placement: String) -> String {
        """
        pipeline: t
        version: 1
        cluster: {scheduler: distributed, workers: 2, threads_per_worker: 1, memory_per_worker: 4GiB}
        objects:
          table: {series: {range: \(range), dtype: int64}, placement: \(placement)}
          codes: {series: {range: 500, dtype: int64}}
        functions:
          f: {params: [block, table], kernel: take, with: {table: table}}
          g: {params: [block, codes], kernel: take, with: {table: codes}}
        arrays:
          x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
        steps:
          y: {map_blocks: f, over: [x], args: [table]}
          z: {map_blocks: g, over: [y], args: [codes]}
        outputs:
          z: persist

        """
    }

    /// What an estimate says of each object and layer, to compare two estimates exactly.
    func figures(_ e: GraphEstimate) -> [String] {
        e.objects.map { "\($0.name) \($0.wire.bytes) \($0.resident.bytes) \($0.copiesTotal) \($0.residentPerWorker.bytes)" }
            + e.layers.map { "\($0.name) \($0.taskBytes.bytes) \($0.objects.map { "\($0.wire.bytes)/\($0.residentTotal.bytes)" })" }
    }

    @Test func unchangedObjectsAreSizedOnceAndChangedOnesAgain() throws {
        let memo = ObjectSizeMemo()
        let options = EstimateOptions(sizes: memo)
        let first = try graph(text(range: 30000, placement: "embed"))
        #expect(figures(Estimator.estimate(first, options: options)) == figures(Estimator.estimate(first)))
        #expect((memo.hits, memo.misses) == (0, 2))

        // The fix's edit: the same values, another placement. Sized from the memo, figures as without it.
        let placed = try graph(text(range: 30000, placement: "delayed"))
        let reused = Estimator.estimate(placed, options: options)
        #expect((memo.hits, memo.misses) == (2, 2))
        #expect(figures(reused) == figures(Estimator.estimate(placed)))
        #expect(figures(reused) != figures(Estimator.estimate(first)))

        // Another value under the same name is sized again.
        let bigger = try graph(text(range: 60000, placement: "delayed"))
        let resized = Estimator.estimate(bigger, options: options)
        #expect((memo.hits, memo.misses) == (3, 3))
        #expect(figures(resized) == figures(Estimator.estimate(bigger)))
        let table = try #require(resized.objects.first { $0.name == "table" })
        #expect(table.wire.bytes > (try #require(reused.objects.first { $0.name == "table" })).wire.bytes)
    }

    /// An editor's memo keeps the objects of the current text only: a name typed on the way
    /// (`t`, `ta`, … `table`) or deleted is forgotten at the next version.
    @Test func namesGoneFromTheTextAreForgotten() throws {
        let memo = ObjectSizeMemo()
        let options = EstimateOptions(sizes: memo)
        _ = Estimator.estimate(try graph(text(range: 30000, placement: "embed")), options: options)
        memo.forgetUnused()
        #expect(memo.count == 2)
        let renamed = text(range: 30000, placement: "embed").replacingOccurrences(of: "codes", with: "labels")
        _ = Estimator.estimate(try graph(renamed), options: options)
        #expect((memo.hits, memo.misses, memo.count) == (1, 3, 3))
        memo.forgetUnused()
        #expect(memo.count == 2)
        _ = Estimator.estimate(try graph(renamed), options: options)
        #expect((memo.hits, memo.misses) == (3, 3))
    }
}
