import Testing
@testable import PipelineIR
@testable import PipelineYAML

/// The lowering hands the graph builder where it found each name a step references
/// (`ReferenceHints`): the builder then looks no name up, and a hint that no longer holds (a model
/// changed after lowering, or made by hand) costs a lookup, never a different graph.
@Suite struct ReferenceHintTests {
    static let text = """
        pipeline: t
        version: 1.1
        objects:
          lookup: {series: {range: 30000, dtype: int64}}
          scorer: {class: Scorer, fields: {table: {series: {range: 10}}}, methods: {lookup: {kernel: take, with: {table: self.table}}}}
          caller: {class: Caller, fields: {table: {series: {range: 10}}}, methods: {__call__: {kernel: take, with: {table: self.table}}}}
          weights: {ndarray: {shape: [4], dtype: float64}}
        functions:
          f: {params: [block, table], kernel: take}
          g: {params: [a, b], kernel: add}
        arrays:
          x: {shape: [100], chunks: [10], dtype: int64, source: range}
          y: {shape: [100], chunks: [25], dtype: int64, source: range}
        steps:
          a: {map_blocks: f, over: [x], args: [lookup]}
          b: {map_blocks: scorer.lookup, over: [a]}
          c: {map_blocks: caller, over: [y]}
          d: {map_blocks: g, over: [b, c]}
          k: {map_blocks: f, over: [x], kwargs: {table: lookup}}
          e: {rechunk: d, chunks: [50]}
          total: {reduce: sum, over: e}
        outputs:
          total: compute
          b: persist

        """

    static func lowered() throws -> Pipeline {
        let source = SourceFile(path: "t.yaml", text: text)
        let parsed = YAMLParser.parse(source)
        let r = Lowering.lower(parsed.tree, source: source)
        #expect(r.diagnostics.isEmpty)
        return try #require(r.pipeline)
    }

    /// Every layer as text: name, kind, grid, dtype, output and each input edge (source, role, path, range).
    static func layers(_ g: Graph?) -> [String] {
        (g?.layers ?? []).map { l in
            "\(l.id) \(l.name) \(l.kind) \(l.grid) \(String(describing: l.dtype)) \(String(describing: l.output)) "
                + l.inputs.map { "\($0.source)/\($0.role)/\($0.path)/\($0.range)" }.joined(separator: ",")
        }
    }

    /// The graph and diagnostics built with the pipeline's hints, and the names looked up.
    static func build(_ p: Pipeline) -> (layers: [String], diagnostics: [String], lookups: Int) {
        var lookups = 0
        let built = GraphBuilder.build(p, lookups: &lookups)
        return (layers(built.graph), built.diagnostics.map { "\($0.range) \($0.message)" }, lookups)
    }

    /// The same pipeline built with no hints at all: every name looked up.
    static func buildUnhinted(_ p: Pipeline) -> (layers: [String], diagnostics: [String], lookups: Int) {
        var q = p
        q.referenceHints = ReferenceHints()
        return build(q)
    }

    @Test func aLoweredPipelineIsBuiltWithoutLookingUpANameAndAsWithout() throws {
        let p = try Self.lowered()
        #expect(p.hasUniqueNames)
        let hinted = Self.build(p), unhinted = Self.buildUnhinted(p)
        #expect(hinted.lookups == 0)
        // 7 steps' inputs (8), 5 callees, 2 object arguments, 2 outputs.
        #expect(unhinted.lookups == 17)
        #expect(hinted.layers.count == 13)
        #expect(hinted.layers == unhinted.layers)
        #expect(hinted.diagnostics == [] && unhinted.diagnostics == [])
        let graph = try #require(GraphBuilder.build(p).graph)
        let d = try #require(graph.layer(named: "d")), k = try #require(graph.layer(named: "k"))
        #expect(d.inputs.map(\.source.index) == [7, 8])
        #expect(k.inputs.map(\.role) == [.block(0), .keyword("table")])
        #expect(k.inputs.map(\.source.index) == [4, 0])
    }

    /// Objects reordered after lowering: every hint into `objects` points at another object, and
    /// the builder falls back to the (rebuilt) index for those names only.
    @Test func staleHintsAfterTheModelChangedGiveTheSameGraph() throws {
        var p = try Self.lowered()
        p.objects.swapAt(0, 3)
        p.steps.swapAt(0, 1)
        p.reindex()
        let hinted = Self.build(p), unhinted = Self.buildUnhinted(p)
        #expect(hinted.layers == unhinted.layers)
        #expect(hinted.diagnostics == unhinted.diagnostics)
        // The inputs of the swapped steps and `d`'s `b`, their callees, `a`'s and `k`'s `lookup`,
        // the output `b`; every other hint holds.
        #expect(hinted.lookups == 8)
        #expect(hinted.layers.contains { $0.hasPrefix("#0 weights ") })
    }

    /// Hints that point anywhere, even at an entry with the referenced name while the names are not
    /// unique: the builder looks every such name up.
    @Test func wrongHintsAndDuplicateNamesGiveTheSameGraph() throws {
        var p = try Self.lowered()
        let count = p.referenceHints.inputs.values.count
        p.referenceHints = ReferenceHints(
            inputs: .init(values: Array(repeating: ReferenceHints.packed(.step, 0), count: count), start: p.referenceHints.inputs.start),
            calls: .init(values: Array(repeating: 2, count: p.referenceHints.calls.values.count), start: p.referenceHints.calls.start),
            outputs: [ReferenceHints.packed(.array, 1), -1])
        let wrong = Self.build(p)
        #expect(wrong.layers == Self.buildUnhinted(p).layers)
        #expect(wrong.lookups > 0)

        // A second object named as a step: the hints' entries still have their names, but the
        // index (first position, section by section) decides, as it always did.
        var q = try Self.lowered()
        q.objects.append(PipelineObject(name: "a", nameRange: .at(0), range: .at(0), recipe: q.objects[0].recipe, placement: .embed))
        q.reindex()
        #expect(!q.hasUniqueNames)
        let duplicated = Self.build(q), unhinted = Self.buildUnhinted(q)
        #expect(duplicated.lookups == unhinted.lookups)
        #expect(duplicated.layers == unhinted.layers)
        #expect(duplicated.diagnostics == unhinted.diagnostics)
    }

    /// Hints made for another pipeline (another number of steps or outputs) are not read at all.
    @Test func hintsForAnotherPipelineAreIgnored() throws {
        var p = try Self.lowered()
        p.steps.removeLast()
        p.outputs.removeFirst()
        p.reindex()
        let hinted = Self.build(p), unhinted = Self.buildUnhinted(p)
        #expect(hinted.lookups == unhinted.lookups)
        #expect(hinted.layers == unhinted.layers)
    }
}
