import Foundation
import Analysis
import PipelineIR
import PipelineYAML
import Testing

/// A merge is estimated as Dask 2026.8 plans it (`MergePlan`, the executor's plan too): task counts
/// as the scheduler dispatched them on a LocalCluster (calibration/merge_plans.out, distinct keys
/// until `wait`), the frame tasks being two per partition (the partition and its string
/// conversion).
@Suite struct MergePlanEstimateTests {
    /// `people` (`left` partitions) merged with a 1,000-row DataFrame object.
    static func objectMerge(how: String, partitions: Int) -> String {
        """
        pipeline: t
        version: 1.2
        cluster: {scheduler: distributed, workers: 2, memory_per_worker: 4GiB}
        objects:
          reference:
            dataframe: {length: 1000, columns: {zip: {dtype: string, length: 5}, pop: {dtype: int64}}}
        frames:
          people: {rows: \(partitions * 1000), partitions: \(partitions), columns: {zip: {dtype: string, length: 5}, income: {dtype: float64}}}
        steps:
          joined: {merge: people, with: reference, on: zip, how: \(how)}
        outputs:
          joined: persist

        """
    }

    /// `orders` (`left` partitions) merged with `customers` (`right` partitions), or (`swapped`)
    /// `customers` merged with `orders`.
    static func collectionMerge(how: String, left: Int, right: Int, swapped: Bool = false) -> String {
        """
        pipeline: t
        version: 1.2
        cluster: {scheduler: distributed, workers: 2, memory_per_worker: 4GiB}
        frames:
          orders: {rows: 400000, partitions: \(left), columns: {customer: {dtype: int64}, amount: {dtype: float64}}}
          customers: {rows: 100000, partitions: \(right), columns: {customer: {dtype: int64}, segment: {dtype: category, categories: 6}}}
        steps:
          enriched: {merge: \(swapped ? "customers" : "orders"), with: \(swapped ? "orders" : "customers"), on: customer, how: \(how)}
        outputs:
          enriched: persist

        """
    }

    func estimate(_ text: String) throws -> GraphEstimate {
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: text))
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
        return Estimator.estimate(try #require(loaded.graph), options: EstimateOptions())
    }

    func merge(_ e: GraphEstimate) throws -> LayerEstimate {
        try #require(e.layers.first { $0.kind.hasPrefix("merge") })
    }

    /// A DataFrame object merged `left` stays blockwise (31 tasks measured for 10 partitions:
    /// one from_pandas, ten blockwise merges); `right` and `outer` are hash joins into the left's
    /// partitions: from_pandas, a transfer per partition of both sides, two barriers and an unpack
    /// per output partition (44 measured for 10 partitions, 164 for 40).
    @Test(arguments: [("left", 10, "merge (broadcast)", 11, 31), ("right", 10, "merge (p2p shuffle)", 24, 44),
                      ("outer", 10, "merge (p2p shuffle)", 24, 44), ("outer", 40, "merge (p2p shuffle)", 84, 164)])
    func aDataFrameObjectMergeIsBlockwiseOrAHashJoin(how: String, partitions: Int, kind: String, mergeTasks: Int, total: Int) throws {
        let e = try estimate(Self.objectMerge(how: how, partitions: partitions))
        let m = try merge(e)
        #expect(m.kind == kind)
        #expect(m.tasks == mergeTasks)
        #expect(e.tasks == total)
    }

    /// Two collections: blockwise when one side is one partition and `how` keeps the other's rows
    /// (10 × 1 left); a broadcast join when the smaller side has fewer than log2(larger) / 2
    /// partitions (40 × 2 inner: 40 `broadcastjoin` + 80 `inter-broadcastjoin`; 40 × 2 left and
    /// 2 × 40 right also shuffle the broadcast side: + 2 assigns, 2 transfers, a barrier, 2
    /// unpacks and 40 `split-broadcastjoin`); a hash join otherwise (40 × 10 inner, 1 × 10 left).
    @Test(arguments: [("left", 10, 1, false, "merge (blockwise)", 10, 32),
                      ("inner", 40, 2, false, "merge (broadcast join)", 120, 204),
                      ("left", 40, 2, false, "merge (broadcast join)", 167, 251),
                      ("right", 40, 2, true, "merge (broadcast join)", 167, 251),
                      ("outer", 40, 2, false, "merge (p2p shuffle)", 84, 168),
                      ("inner", 40, 10, false, "merge (p2p shuffle)", 92, 192),
                      ("left", 1, 10, false, "merge (p2p shuffle)", 23, 45)])
    func aCollectionMergeFollowsDasksPlan(how: String, left: Int, right: Int, swapped: Bool, kind: String, mergeTasks: Int, total: Int) throws {
        let (l, r) = swapped ? (right, left) : (left, right)
        let e = try estimate(Self.collectionMerge(how: how, left: left, right: right, swapped: swapped))
        let m = try merge(e)
        #expect(m.kind == kind, "\(l) × \(r) \(how)")
        #expect(m.tasks == mergeTasks, "\(l) × \(r) \(how)")
        #expect(e.tasks == total, "\(l) × \(r) \(how)")
    }

    /// In a broadcast join every worker fetches every partition of the smaller side; a persisted
    /// merge holds its output partitions, not one chunk per task (inner and left 40 × 2 hold the
    /// same chunks though left has 47 more tasks).
    @Test func aBroadcastJoinHoldsTheSmallerSideOnEveryWorker() throws {
        let inner = try estimate(Self.collectionMerge(how: "inner", left: 40, right: 2))
        let left = try estimate(Self.collectionMerge(how: "left", left: 40, right: 2))
        #expect(inner.chunkDataPerWorker == left.chunkDataPerWorker)
        let customers = try #require(inner.layers.first { $0.name == "customers" })
        #expect(inner.residentPerWorker.bytes == inner.chunkDataPerWorker + 2 * customers.chunkBytes)
        // A hash join (40 × 10) adds no broadcast frame.
        let hash = try estimate(Self.collectionMerge(how: "inner", left: 40, right: 10))
        #expect(hash.residentPerWorker.bytes == hash.chunkDataPerWorker)
    }

    /// A merge makes max(left, right) partitions, listed when the rows do not fill them evenly
    /// (6 rows into 8: six of one row, two empty); past 2^20 partitions the list would take a word
    /// each (16 GiB for 2^31), so the grid stays uniform.
    @Test func aMergeOfMorePartitionsThanRowsListsThemUpToALimit() throws {
        func grid(_ right: Int) throws -> ChunkGrid {
            let text = Self.collectionMerge(how: "inner", left: 2, right: right)
                .replacingOccurrences(of: "rows: 400000, partitions: 2", with: "rows: 6, partitions: 2")
                .replacingOccurrences(of: "rows: 100000", with: "rows: 4294967296")
            let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: text))
            return try #require(loaded.graph?.layers.first { $0.name == "enriched" }).grid
        }
        #expect(try grid(8).dims == [.explicit([1, 1, 1, 1, 1, 1, 0, 0])])
        #expect(try grid(1 << 20).chunkCount == 1 << 20)
        #expect(try grid(1 << 31).dims == [.uniform(size: 1, length: 6)])
    }

    /// The one plan: the estimate's tasks per plan follow `MergePlan.choose`, which the executor runs.
    @Test func thePlanIsTheSharedChoice() {
        #expect(MergePlan.choose(left: 10, right: 1, how: .right) == .hashJoin)
        #expect(MergePlan.choose(left: 10, right: 1, how: .left) == .blockwise)
        #expect(MergePlan.choose(left: 40, right: 2, how: .left) == .broadcastJoin)
        #expect(MergePlan.choose(left: 40, right: 2, how: .outer) == .hashJoin)
        let m = FrameMerge(how: .right, on: "k", route: .shuffle(left: 2, right: 40))
        #expect(m.plan(partitions: 40) == .broadcastJoin)
        #expect(m.extraTasks(partitions: 40) == 127)
        // A broadcast join of huge partition counts saturates instead of overflowing.
        let huge = FrameMerge(how: .inner, on: "k", route: .shuffle(left: Int.max / 4, right: 3))
        #expect(huge.plan(partitions: Int.max / 4) == .broadcastJoin)
        #expect(huge.extraTasks(partitions: Int.max / 4) == Int.max / 2)
    }
}
