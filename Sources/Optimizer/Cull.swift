import PipelineIR

/// Drops the layers no output needs (dask's `cull`), renumbering the rest in
/// their original order.
///
///     x ──► a ──► out (persist)        cull keeps x, a, out
///     y ──► unused                     and removes y, unused
///
/// Without `keep`, the roots are the pipeline's outputs; a pipeline with no
/// outputs keeps every layer nothing reads (its results are all that is left).
public struct Cull: GraphPass {
    public var name: String { "cull" }
    /// Names of the layers to keep (with their inputs); nil for the outputs.
    public var keep: [String]?

    public init(keep: [String]? = nil) { self.keep = keep }

    public func run(_ graph: Graph) -> PassResult {
        let roots: [Graph.LayerID]
        if let keep {
            roots = graph.layers.filter { keep.contains($0.name) }.map(\.id)
        } else if graph.layers.contains(where: { $0.output != nil }) {
            roots = graph.layers.filter { $0.output != nil }.map(\.id)
        } else {
            let deps = GraphAlgorithms.dependents(graph)
            roots = graph.layers.filter { deps[$0.id.index].isEmpty }.map(\.id)
        }
        let (culled, removed) = GraphAlgorithms.cull(graph, keep: roots)
        return PassResult(graph: culled, stats: PassStats([
            .init(name: "layers-removed", value: removed.count),
            .init(name: "tasks-removed", value: graph.taskCount &- culled.taskCount),
        ]))
    }
}
