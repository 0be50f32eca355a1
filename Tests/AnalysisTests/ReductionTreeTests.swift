@testable import Analysis
import PipelineIR
import Testing

/// The reduction tree the estimator prices, node for node as Dask builds it (an int
/// `split_every` is spread over the reduced axes).
@Suite struct ReductionTreeTests {
    @Test func oneAxisCombinesSplitEveryAtATime() {
        // 32 chunks by 4: 8 + 2 + 1 nodes; 320 by 4: 80 + 20 + 5 + 2 + 1.
        #expect(GraphCosts.reductionTreeNodes(chunks: [32], splitEvery: 4) == 11)
        #expect(GraphCosts.reductionTreeNodes(chunks: [320], splitEvery: 4) == 108)
        // One chunk still gets Dask's aggregate node.
        #expect(GraphCosts.reductionTreeNodes(chunks: [1], splitEvery: 8) == 1)
        // Python's log(125, 5) is 3.0000000000000004: Dask builds four levels, the last of one node.
        #expect(GraphCosts.reductionTreeNodes(chunks: [125], splitEvery: 5) == 25 + 5 + 1 + 1)
    }

    @Test func twoAxesSplitTheFactor() {
        // split_every 4 over two axes is 2 per axis: 32 x 1 chunks halve five times.
        #expect(GraphCosts.reductionTreeNodes(chunks: [32, 1], splitEvery: 4) == 31)
        // 4 x 4 chunks: by 2 per axis, 2 x 2 then 1; by 16 (4 per axis), one node.
        #expect(GraphCosts.reductionTreeNodes(chunks: [4, 4], splitEvery: 4) == 5)
        #expect(GraphCosts.reductionTreeNodes(chunks: [4, 4], splitEvery: 16) == 1)
        #expect(GraphCosts.reductionTreeNodes(chunks: [], splitEvery: 4) == 0)
    }

    @Test func layerTaskCountsAreDasks() {
        // len(x.sum(split_every=s).__dask_graph__()) minus the input's layers, measured with dask 2026.8.
        // (2000, 2000) in (100, 100): 400 partials + 100 + 25 + 9 + 4 + 1.
        #expect(reductionTaskCount(chunksPerAxis: [20, 20], splitEvery: 4) == 539)
        #expect(reductionTaskCount(chunksPerAxis: [20, 20], splitEvery: 16) == 430)
        #expect(reductionTaskCount(chunksPerAxis: [30, 20], splitEvery: 3) == 807)
        // (600, 1000, 1200) in 100³: 720 partials; 4 and 8 are 2 per axis, 27 is 3 per axis.
        #expect(reductionTaskCount(chunksPerAxis: [6, 10, 12], splitEvery: 4) == 833)
        #expect(reductionTaskCount(chunksPerAxis: [6, 10, 12], splitEvery: 8) == 833)
        #expect(reductionTaskCount(chunksPerAxis: [6, 10, 12], splitEvery: 27) == 757)
        // 1-D: 100 by 8, 125 by 5 (four levels), one chunk (partial and aggregate).
        #expect(reductionTaskCount(chunksPerAxis: [100], splitEvery: 8) == 116)
        #expect(reductionTaskCount(chunksPerAxis: [125], splitEvery: 5) == 157)
        #expect(reductionTaskCount(chunksPerAxis: [1], splitEvery: 8) == 2)
    }
}
