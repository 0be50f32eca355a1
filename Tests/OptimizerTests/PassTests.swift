import Optimizer
import PipelineIR
import Testing

/// Literal three-node graphs:
///
///     #0 mapper (object) ──argument(0)──► #2 looked_up (map_blocks, 100 tasks) ◄──block(0)── #1 x (array, 100 chunks)
func threeNodes(placement: Placement = .embed, output: OutputKind? = .persist) -> Graph {
    let r = SourceRange.at(0)
    let series = Recipe.series(SeriesRecipe(source: .range(count: 30000), dtype: .int64))
    let mapper = PipelineObject(name: "mapper", nameRange: r, range: r,
                                recipe: .instance(InstanceRecipe(className: "Mapper", module: nil,
                                                                 fields: [.init(name: "series", nameRange: r, recipe: series)], methods: [])),
                                placement: placement)
    let grid = ChunkGrid(dims: [.uniform(size: 1000, length: 100_000)])
    let x = ArrayDecl(name: "x", nameRange: r, range: r, grid: grid, dtype: .int64, source: .range)
    return Graph(layers: [
        Graph.Layer(id: .init(0), name: "mapper", kind: .object(mapper), grid: .scalar, dtype: nil, inputs: [], range: r, nameRange: r),
        Graph.Layer(id: .init(1), name: "x", kind: .array(x), grid: grid, dtype: .int64, inputs: [], range: r, nameRange: r),
        Graph.Layer(id: .init(2), name: "looked_up", kind: .mapBlocks(call: nil), grid: grid, dtype: .int64,
                    inputs: [Graph.Edge(source: .init(1), role: .block(0), range: r), Graph.Edge(source: .init(0), role: .argument(0), range: r)],
                    range: r, nameRange: r, output: output),
    ], cluster: Cluster(scheduler: .distributed, workers: 2))
}

@Suite struct PlacementRewriteTests {
    @Test func embeddedToDelayedOneTaskBuildsItChunkTasksHoldAReference() {
        let r = PlacementRewrite(decisions: [PlacementDecision(object: "mapper", placement: .delayed)]).run(threeNodes())
        #expect(r.graph[.init(0)].object?.placement == .delayed)
        #expect(r.graph[.init(0)].taskCount == 1)
        #expect(r.graph[.init(2)].inputs == threeNodes()[.init(2)].inputs)  // edges stay; their meaning follows the placement
        #expect(r.stats.description == "objects-rewritten=1 unknown-objects=0 embedded-copies-before=100 embedded-copies-after=0 tasks-before=200 tasks-after=201")
        #expect(GraphSummary(r.graph).ignoringPlacements == GraphSummary(threeNodes()).ignoringPlacements)
        #expect(GraphSummary(r.graph) == GraphSummary(threeNodes(placement: .delayed)))
    }

    @Test func embeddedToScatterOneCopyPerWorkerNoTask() {
        let r = PlacementRewrite(decisions: [PlacementDecision(object: "mapper", placement: .scatter), PlacementDecision(object: "nope", placement: .delayed)]).run(threeNodes())
        #expect(r.graph[.init(0)].object?.placement == .scatter)
        #expect(r.stats["objects-rewritten"] == 1)
        #expect(r.stats["unknown-objects"] == 1)
        #expect(r.stats["embedded-copies-after"] == 0)
        #expect(r.stats["tasks-after"] == 200)
    }
}

@Suite struct CullTests {
    @Test func keepsWhatTheOutputsNeed() {
        // Without outputs every sink is kept: nothing goes.
        #expect(Cull().run(threeNodes(output: nil)).stats["layers-removed"] == 0)
        // Keeping only x drops mapper and looked_up.
        let r = Cull(keep: ["x"]).run(threeNodes())
        #expect(r.graph.layers.map(\.name) == ["x"])
        #expect(r.stats.description == "layers-removed=2 tasks-removed=100")
        #expect(Verifier.verify(r.graph).isEmpty)
    }
}

@Suite struct VerifierTests {
    @Test func aWellFormedGraphPasses() {
        #expect(Verifier.verify(threeNodes()).isEmpty)
        #expect(Verifier.verify(threeNodes(placement: .delayed)).isEmpty)
    }

    @Test func brokenInvariantsAreNamed() {
        var forward = threeNodes()
        forward.layers[2].inputs[0].source = .init(2)
        #expect(Verifier.verify(forward).map(\.description) == ["`looked_up`: edge points forward to #2 (edges must point to earlier layers)"])

        var blockFromObject = threeNodes()
        blockFromObject.layers[2].inputs[0].source = .init(0)
        #expect(Verifier.verify(blockFromObject).map(\.description) == ["`looked_up`: block input comes from object `mapper`"])

        var badPath = threeNodes()
        badPath.layers[2].inputs[1].path = ["missing"]
        #expect(Verifier.verify(badPath).map(\.description) == ["`looked_up`: field path `mapper.missing` does not exist"])

        var renumbered = threeNodes()
        renumbered.layers[1].id = .init(5)
        #expect(Verifier.verify(renumbered).map(\.description) == ["`x`: has id #5 at position #1"])
    }
}

/// A pass that breaks the graph: an edge pointing forward.
struct BreakingPass: GraphPass {
    var name: String { "breaking" }
    func run(_ graph: Graph) -> PassResult {
        var g = graph
        g.layers[1].inputs = [Graph.Edge(source: .init(2), role: .block(0), range: .at(0))]
        return PassResult(graph: g, stats: PassStats())
    }
}

@Suite struct PassManagerTests {
    @Test func runsPassesInOrderWithStats() throws {
        let pm = PassManager(passes: [PlacementRewrite(decisions: [PlacementDecision(object: "mapper", placement: .delayed)]), Cull()])
        let out = try pm.run(threeNodes()).get()
        #expect(out.reports.map(\.pass) == ["placement-rewrite", "cull"])
        #expect(out.reports[0].stats["objects-rewritten"] == 1)
        #expect(out.graph.layers.map(\.name) == ["mapper", "x", "looked_up"])
    }

    @Test func theVerifierNamesThePassThatBrokeTheGraph() {
        let pm = PassManager(passes: [Cull(), BreakingPass(), Cull()])
        guard case .failure(let f) = pm.run(threeNodes()) else {
            Issue.record("expected a verifier failure")
            return
        }
        #expect(f.pass == "breaking")
        #expect(f.description == "the graph is invalid after pass `breaking`: `x`: edge points forward to #2 (edges must point to earlier layers); `x`: an input array has inputs")
    }
}
