import Optimizer
import PipelineIR
import PipelineYAML
import Testing

/// Layers point into the pipeline's tables instead of copying its objects, arrays and functions;
/// what they read through must be the model's values, and a layer changed on one graph must not
/// change another graph or the model (value semantics).
@Suite struct LayerStorageTests {
    static let yaml = """
    pipeline: storage
    version: 1
    cluster: {scheduler: distributed, workers: 2}
    objects:
      mapper: {series: {range: 30000, dtype: int64}}
    functions:
      lookup: {params: [block, table], kernel: take}
      normalize: {params: [block, factor], kernel: scale}
    arrays:
      x: {shape: [100000], chunks: [1000], dtype: int64, source: {random: {seed: 7, low: 0, high: 30000}}}
    steps:
      looked_up: {map_blocks: lookup, over: [x], args: [mapper]}
      scaled: {map_blocks: normalize, over: [looked_up], args: [2]}
      total: {reduce: sum, over: scaled, split_every: 4}
    outputs:
      total: compute
    """

    static func loaded() throws -> (Pipeline, Graph) {
        let loaded = LoadedPipeline.load(SourceFile(path: "p.yaml", text: yaml))
        #expect(loaded.diagnostics.map(\.message) == [])
        return (try #require(loaded.pipeline), try #require(loaded.graph))
    }

    @Test func layersReadTheModelsValues() throws {
        let (p, g) = try Self.loaded()
        #expect(g.layers.map(\.name) == ["mapper", "x", "looked_up", "scaled", "total"])
        #expect(g[.init(0)].object?.name == "mapper")
        #expect(g[.init(0)].object?.range == p.objects[0].range)
        #expect(g[.init(0)].object?.recipe.kindName == p.objects[0].recipe.kindName)
        #expect(g[.init(0)].placement == .embed)
        #expect(g.layers.map(\.isObject) == [true, false, false, false, false])
        guard case .array(let x) = g[.init(1)].kind else { Issue.record("x is not an array layer"); return }
        #expect(x.name == "x" && x.grid == p.arrays[0].grid && x.dtype == .int64)
        #expect(g.layers.map { $0.function?.name } == [nil, nil, "lookup", "normalize", nil])
        #expect(g[.init(2)].call?.function.params.map(\.name) == ["block", "table"])
        #expect(g[.init(2)].call?.kernel?.kernel == .take)
        #expect(g[.init(3)].call?.kernel?.kernel == .scale)
        #expect(g[.init(2)].call?.resultStorage == .int64)
        #expect(g[.init(3)].call?.resultStorage == .int64)
        #expect(g[.init(4)].inputChunksPerAxis == [100])
        #expect(g[.init(4)].inputChunkCount == 100)
        #expect(g.taskCount == 100 + 100 + 100 + g[.init(4)].taskCount)
        #expect(g[.init(4)].taskCount == reductionTaskCount(chunksPerAxis: [100], splitEvery: 4))
    }

    @Test func aRewrittenPlacementChangesOnlyThatGraph() throws {
        let (p, g) = try Self.loaded()
        let r = PlacementRewrite(decisions: [PlacementDecision(object: "mapper", placement: .scatter)]).run(g)
        #expect(r.graph[.init(0)].object?.placement == .scatter)
        #expect(r.graph[.init(0)].placement == .scatter)
        #expect(r.graph[.init(0)].isObject)
        #expect(g[.init(0)].object?.placement == .embed)
        #expect(p.objects[0].placement == .embed)
    }

    @Test func settingAFieldOnACopyLeavesTheOriginal() throws {
        let (_, g) = try Self.loaded()
        var copy = g
        copy.layers[4].reducedColumn = "income"
        copy.layers[4].inputChunksPerAxis = [7]
        copy.layers[2].kind = .mapBlocks(call: nil)
        #expect(copy[.init(4)].reducedColumn == "income")
        #expect(copy[.init(4)].inputChunksPerAxis == [7])
        #expect(copy[.init(2)].call == nil)
        #expect(g[.init(4)].reducedColumn == nil)
        #expect(g[.init(4)].inputChunksPerAxis == [100])
        #expect(g[.init(2)].call?.function.name == "lookup")
        copy.layers[4].reducedColumn = nil
        copy.layers[4].inputChunksPerAxis = []
        #expect(copy[.init(4)].reducedColumn == nil && copy[.init(4)].inputChunksPerAxis == [])
    }

    @Test func aLayerIsAtMost128Bytes() {
        #expect(MemoryLayout<Graph.Layer>.stride <= 128)
    }

    /// An edge keeps blocks, positional arguments and receivers inline (40 bytes, no box); names and
    /// projections are boxed. Every role and path reads back as set, and equality and hashing see
    /// the role and path, not how they are stored.
    @Test func anEdgeIs40BytesAndReadsBackEveryRole() {
        #expect(MemoryLayout<Graph.Edge>.stride == 40)
        let path: FieldPath = [.field("series")]
        let roles: [Graph.EdgeRole] = [.block(0), .block(3), .argument(2), .argument(Int(Int32.max) + 1), .receiver,
                                       .keyword("table"), .carried(.partial, name: "t"), .carried(.instance, name: "self")]
        for role in roles {
            for p in [[], path] as [FieldPath] {
                let e = Graph.Edge(source: .init(5), role: role, path: p, range: SourceRange(start: 3, end: 9))
                #expect(e.role == role && e.path == p && e.source == .init(5) && e.range == SourceRange(start: 3, end: 9))
            }
        }
        var e = Graph.Edge(source: .init(1), role: .argument(0), range: .at(4))
        e.path = path
        #expect(e.role == .argument(0) && e.path == path)
        e.role = .keyword("factor")
        #expect(e.role == .keyword("factor") && e.path == path)
        e.path = []
        e.role = .block(1)
        #expect(e == Graph.Edge(source: .init(1), role: .block(1), range: .at(4)))
        #expect(e != Graph.Edge(source: .init(1), role: .block(2), range: .at(4)))
        #expect(Set([e, Graph.Edge(source: .init(1), role: .block(1), range: .at(4))]).count == 1)
        #expect(Graph.Edge(source: .init(1), role: .keyword("a"), range: .at(4)) != Graph.Edge(source: .init(1), role: .keyword("b"), range: .at(4)))
    }
}
