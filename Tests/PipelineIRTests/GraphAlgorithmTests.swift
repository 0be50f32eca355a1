import PipelineIR
import Testing

/// Graph algorithms on literal tiny graphs.
@Suite struct GraphAlgorithmTests {
    /// Layers named by letters; `edges` are (from, to) by name.
    func graph(_ names: [String], _ edges: [(String, String)], outputs: [String] = []) -> Graph {
        let r = SourceRange.at(0)
        var layers = names.enumerated().map { i, n in
            Graph.Layer(id: .init(i), name: n, kind: .rechunk, grid: ChunkGrid(dims: [.uniform(size: 10, length: 100)]), dtype: .float64,
                        inputs: [], range: r, nameRange: r, output: outputs.contains(n) ? .persist : nil)
        }
        for (from, to) in edges {
            guard let f = names.firstIndex(of: from), let t = names.firstIndex(of: to) else { continue }
            layers[t].inputs.append(Graph.Edge(source: .init(f), role: .block(layers[t].inputs.count), range: r))
        }
        return Graph(layers: layers, cluster: Cluster())
    }

    func names(_ g: Graph, _ ids: [Graph.LayerID]) -> [String] { ids.map { g[$0].name } }

    @Test func dependentsOfAChain() {
        // a ← b ← c
        let g = graph(["a", "b", "c"], [("a", "b"), ("b", "c")])
        let d = GraphAlgorithms.dependents(g)
        #expect(d.map { names(g, $0) } == [["b"], ["c"], []])
    }

    @Test func topologicalOrderPutsInputsFirst() throws {
        // c depends on a and b; b on a; declared in reverse.
        let g = graph(["c", "b", "a"], [("a", "b"), ("a", "c"), ("b", "c")])
        let order = try GraphAlgorithms.topologicalOrder(g).get()
        #expect(names(g, order) == ["a", "b", "c"])
    }

    @Test func topologicalOrderReportsTheCycle() {
        // a ← b ← c ← b (a cycle between b and c), d alone.
        let g = graph(["a", "b", "c", "d"], [("a", "b"), ("c", "b"), ("b", "c")])
        switch GraphAlgorithms.topologicalOrder(g) {
        case .success: Issue.record("expected a cycle")
        case .failure(let e): #expect(names(g, e.layers) == ["b", "c"])
        }
    }

    @Test func cullKeepsWhatTheOutputNeeds() {
        // a ← b ← c,  d ← e;  cull(keep: [c]) keeps a, b, c and removes d, e; edges renumbered.
        let g = graph(["a", "b", "c", "d", "e"], [("a", "b"), ("b", "c"), ("d", "e")])
        let (culled, removed) = GraphAlgorithms.cull(g, keep: [.init(2)])
        #expect(culled.layers.map(\.name) == ["a", "b", "c"])
        #expect(names(g, removed) == ["d", "e"])
        #expect(culled.layers[2].inputs.map(\.source) == [.init(1)])
        #expect(culled.layers.map(\.id) == [.init(0), .init(1), .init(2)])
    }

    @Test func taskCountsSaturate() {
        let huge = ChunkGrid(dims: [.uniform(size: 1, length: Int.max), .uniform(size: 1, length: Int.max)])
        #expect(huge.chunkCount == Int.max)
        #expect(saturatingProduct([Int.max, 2]) == Int.max)
        #expect(saturatingProduct([3, 0, Int.max]) == 0)
        #expect(reductionTaskCount(chunks: 100, splitEvery: 8) == 100 + 13 + 2 + 1)
        #expect(reductionTaskCount(chunks: Int.max, splitEvery: 2) == Int.max)
    }

    @Test func chunkGridArithmetic() {
        let d = DimChunks.uniform(size: 1000, length: 2500)
        #expect(d.count == 3)
        #expect((0..<3).map(d.size) == [1000, 1000, 500])
        #expect(DimChunks.explicit([5, 3]).length == 8)
        #expect(ChunkGrid(dims: [d, .uniform(size: 10, length: 10)]).maxChunkElements == 10_000)
    }
}
