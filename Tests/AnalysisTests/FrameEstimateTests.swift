import Analysis
import PipelineIR
import PipelineYAML
import Sizing
import Testing

/// `map_partitions` steps (format 1.2) in the estimate: Dask 2026.8 wraps none of their arguments
/// but Delayed ones, so an object that `map_blocks` would wrap (sizeof > 1e6) is copied per task.
@Suite struct FrameEstimateTests {
    static func file(partitions: Int, placement: String = "embed") -> String {
        """
        pipeline: t
        version: 1.2
        cluster: {scheduler: distributed, workers: 2}
        objects:
          regions: {dict: {length: 40000, keys: {string: 5}, values: {string: 8, distinct: 50}}, placement: \(placement)}
        functions:
          assign: {params: [part, table], kernel: map_column, column: zip, into: region}
        frames:
          people:
            rows: \(partitions * 100)
            partitions: \(partitions)
            columns:
              zip: {dtype: string, length: 5}
              income: {dtype: float64}
        steps:
          s: {map_partitions: assign, over: people, args: [regions]}
        outputs:
          s: persist

        """
    }

    func estimate(_ text: String) throws -> GraphEstimate {
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: text))
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
        return Estimator.estimate(try #require(loaded.graph), options: EstimateOptions())
    }

    @Test func aLargeDictIsCopiedIntoEveryPartitionTask() throws {
        let e = try estimate(Self.file(partitions: 100))
        let layer = try #require(e.layers.first { $0.name == "s" })
        let use = try #require(layer.objects.first)
        // dask.sizeof is 6,041,280 B: normalize_arg would wrap it for map_blocks, map_partitions does not.
        #expect(use.daskSizeof.bytes == 6_041_280)
        #expect(SizeModel.daskAutoDelays(try #require(use.value)))
        #expect(use.copiedPerTask && !use.daskDelays)
        #expect(use.copiesPerWorker == 50 && use.copiesPerWorkerAfter == 50)
        // Each task carries the dict's pickle and ≈ 0.5 KB (measured); `_meta` travels once, in the submit.
        #expect(layer.taskBytes.bytes == use.wire.bytes + 500)
        let graph = try #require(LoadedPipeline.load(SourceFile(path: "t.yaml", text: Self.file(partitions: 100))).graph)
        let meta = FrameCosts.metaBytes(try #require(graph.layer(named: "s")?.frame))
        #expect(meta > 700 && meta < 1200)
        #expect(layer.submit.fixed == 400 + meta)
    }

    @Test func delayedPlacementLeavesOneCopyPerWorker() throws {
        let use = try #require(try estimate(Self.file(partitions: 100, placement: "delayed")).layers.first { $0.name == "s" }?.objects.first)
        #expect(!use.copiedPerTask)
        #expect(use.copiesPerWorker == 0 || use.copiesPerWorker == 1)
    }

    @Test func partitionsAreNeverExpanded() throws {
        let small = try estimate(Self.file(partitions: 10))
        let large = try estimate(Self.file(partitions: 1_000_000))
        // The frame has a string column: dask adds a conversion task per partition.
        #expect(small.tasks == 30 && large.tasks == 3_000_000)
        // The same figures per task; the submit grows by the frame's bytes per partition only.
        #expect(small.layers.first { $0.name == "s" }?.taskBytes == large.layers.first { $0.name == "s" }?.taskBytes)
        #expect(large.submitBytes.bytes - small.submitBytes.bytes == 24 * (1_000_000 - 10))
    }
}
