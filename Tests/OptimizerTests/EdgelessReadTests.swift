import Optimizer
import PipelineIR
import PipelineYAML
import Testing

/// A `from_pandas` frame and a broadcast merge read their `dataframe:` object with no graph
/// edge (format 1.2): culling must keep the object all the same, and drop an object nothing reads.
@Suite struct EdgelessReadTests {
    static let yaml = """
    pipeline: edgeless
    version: 1.2
    cluster: {scheduler: distributed, workers: 2}
    objects:
      reference:
        dataframe: {length: 100, columns: {zip: {dtype: string, length: 5}, pop: {dtype: int64}}}
      table:
        dataframe: {length: 10, columns: {zip: {dtype: string, length: 5}, region: {dtype: int64}}}
      unused:
        dataframe: {length: 10, columns: {zip: {dtype: string, length: 5}}}
    frames:
      refs: {from_pandas: reference, partitions: 4}
    steps:
      joined: {merge: refs, with: table, on: zip, how: left}
    outputs:
      joined: persist
    """

    static func graph() throws -> Graph {
        let loaded = LoadedPipeline.load(SourceFile(path: "p.yaml", text: yaml))
        #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        return try #require(loaded.graph)
    }

    @Test func cullKeepsTheObjectsAFromPandasFrameAndABroadcastMergeRead() throws {
        let g = try Self.graph()
        #expect(g.layers.map(\.edgelessObjectRead) == [nil, nil, nil, "reference", "table"])
        let refs = try #require(g.layer(named: "refs")?.id)
        #expect(GraphAlgorithms.edgelessObjectReads(g, of: refs).map { g[$0].name } == ["reference"])
        let r = Cull().run(g)
        #expect(r.graph.layers.map(\.name) == ["reference", "table", "refs", "joined"])
        #expect(r.stats.description == "layers-removed=1 tasks-removed=0")
        #expect(Verifier.verify(r.graph).isEmpty)
        // Keeping only the frame keeps its object and nothing else.
        #expect(Cull(keep: ["refs"]).run(g).graph.layers.map(\.name) == ["reference", "refs"])
    }
}
