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
        // Each task carries the dict's pickle, the function by value and the result's `meta`
        // (Dask's apply_and_enforce): 790 B + meta; the expression the function and meta once,
        // the meta sharing pandas' machinery with the frame's own meta pickled before it (530 B).
        let graph = try #require(LoadedPipeline.load(SourceFile(path: "t.yaml", text: Self.file(partitions: 100))).graph)
        let meta = FrameCosts.metaBytes(try #require(graph.layer(named: "s")?.frame))
        // 711 + 8 + 3 + 8 + 6 + 8 + 6 (the column Index) + 81 (float64) + 2 × 140 (strings) + 12 (PROTO, FRAME, STOP).
        #expect(meta == 1_123)
        #expect(layer.taskBytes.bytes == use.wire.bytes + 790 + meta)
        #expect(layer.submit.fixed == 1_015 + meta - 530)
        // In the submitted expression the dict's 39,950 references to its 50 shared values are
        // LONG_BINGETs (5 B) where alone they are BINGETs (2 B).
        let frame = try #require(e.layers.first { $0.name == "people" })
        #expect(e.submitBytes.bytes == frame.submit.total + layer.submit.total + use.wire.bytes + 3 * 39_950)
    }

    /// The export's column recipes as `pickle.dumps` writes the list (without the pickle's 12 B of
    /// PROTO, FRAME and STOP): measured 111, 146, 171 and 216 B with them.
    @Test func columnRecipesArePickledWithTheirMemo() {
        let r = SourceRange(start: 0, end: 0)
        func schema(_ columns: [(String, ColumnType, ColumnSource)]) -> FrameSchema {
            FrameSchema(columns: columns.map { FrameColumn(name: $0.0, nameRange: r, type: $0.1, source: $0.2) })
        }
        #expect(FrameCosts.columnRecipesBytes(schema([("x", .numeric(.int64), .range)])) == 111 - 12)
        #expect(FrameCosts.columnRecipesBytes(schema([("x", .numeric(.int64), .range), ("y", .numeric(.int64), .range)])) == 146 - 12)
        #expect(FrameCosts.columnRecipesBytes(schema([("month", .string(length: 2), .random(seed: 1, low: 0, high: 12)),
                                                      ("amount", .numeric(.float64), .random(seed: 2, low: 0, high: 500))])) == 171 - 12)
        #expect(FrameCosts.columnRecipesBytes(schema([("zip", .string(length: 5), .random(seed: 3, low: 0, high: 40000)),
                                                      ("age", .numeric(.int64), .random(seed: 4, low: 0, high: 100)),
                                                      ("income", .numeric(.float64), .random(seed: 5, low: 0, high: 100000))])) == 216 - 12)
    }

    /// A partition's task: 144 B, its key's name and the column recipes (frame-small-dict's `orders`: 309 B dispatched).
    @Test func fromMapTasksCarryTheirColumnRecipes() throws {
        let e = try estimate(Self.file(partitions: 10))
        let layer = try #require(e.layers.first { $0.name == "people" })
        let r = SourceRange(start: 0, end: 0)
        let recipes = FrameCosts.columnRecipesBytes(FrameSchema(columns: [FrameColumn(name: "zip", nameRange: r, type: .string(length: 5)),
                                                                         FrameColumn(name: "income", nameRange: r, type: .numeric(.float64))]))
        #expect(layer.taskBytes.bytes == 144 + 6 + recipes)
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
        // Each partition adds its bounds' ints (2 × int(start) + int(stop): BININT1 below 256, BININT2
        // below 65,536, BININT after) and 3 B; partitions of 100 rows.
        let largeBounds = 2 * (3 * 2 + 653 * 3 + 999_344 * 5) + (2 * 2 + 653 * 3 + 999_345 * 5) + 3 * 1_000_000
        let smallBounds = 2 * (3 * 2 + 7 * 3) + (2 * 2 + 8 * 3) + 3 * 10
        #expect(large.submitBytes.bytes - small.submitBytes.bytes == Int64(largeBounds - smallBounds))
    }

    /// A broadcast merge's frame: the one `from_pandas(npartitions=1)` task holds its pickle, and
    /// each worker holds one copy while the merge runs.
    @Test func aBroadcastMergeHoldsTheFrameInOneTaskAndOnceOnEachWorker() throws {
        let text = """
        pipeline: t
        version: 1.2
        cluster: {scheduler: distributed, workers: 2, memory_per_worker: 4GiB}
        objects:
          reference:
            dataframe: {length: 50000, columns: {zip: {dtype: string, length: 5}, pop: {dtype: int64}}}
        frames:
          people: {rows: 100000, partitions: 10, columns: {zip: {dtype: string, length: 5}}}
        steps:
          joined: {merge: people, with: reference, on: zip, how: left}
        outputs:
          joined: persist

        """
        let e = try estimate(text)
        let layer = try #require(e.layers.first { $0.name == "joined" })
        let graph = try #require(LoadedPipeline.load(SourceFile(path: "t.yaml", text: text)).graph)
        guard case .merge(let m)? = graph.layer(named: "joined")?.kind, let b = FrameCosts.broadcastBytes(m) else {
            Issue.record("not a broadcast merge")
            return
        }
        #expect(layer.taskBytes.bytes == 109 + b.wire)
        var others = e.chunkDataPerWorker
        for o in e.objects { others += o.residentPerWorker.bytes }
        #expect(e.residentPerWorker.bytes == others + b.resident)
    }
}
