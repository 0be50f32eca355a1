@testable import Analysis
import Testing

/// The reduction tree the estimator prices, node for node as Dask builds it (an int
/// `split_every` is spread over the reduced axes).
@Suite struct ReductionTreeTests {
    @Test func oneAxisCombinesSplitEveryAtATime() {
        // 32 chunks by 4: 8 + 2 + 1 nodes; 320 by 4: 80 + 20 + 5 + 2 + 1.
        #expect(GraphCosts.reductionTreeNodes(chunks: [32], splitEvery: 4) == 11)
        #expect(GraphCosts.reductionTreeNodes(chunks: [320], splitEvery: 4) == 108)
        #expect(GraphCosts.reductionTreeNodes(chunks: [1], splitEvery: 8) == 0)
    }

    @Test func twoAxesSplitTheFactor() {
        // split_every 4 over two axes is 2 per axis: 32 x 1 chunks halve five times.
        #expect(GraphCosts.reductionTreeNodes(chunks: [32, 1], splitEvery: 4) == 31)
        // 4 x 4 chunks: by 2 per axis, 2 x 2 then 1; by 16 (4 per axis), one node.
        #expect(GraphCosts.reductionTreeNodes(chunks: [4, 4], splitEvery: 4) == 5)
        #expect(GraphCosts.reductionTreeNodes(chunks: [4, 4], splitEvery: 16) == 1)
        #expect(GraphCosts.reductionTreeNodes(chunks: [], splitEvery: 4) == 0)
    }
}
