import Optimizer
import PipelineIR

/// The optimization `pipelint run` applies before planning tasks: the
/// optimizer's passes (placement rewrite, then cull) with the verifier between
/// them. The placement decisions come from the caller — the command line takes
/// them from the embedded-object rule's fixes, so `run` optimizes exactly what
/// `pipelint fix` would write; without decisions, every object a `map_blocks`
/// step embeds on a serializing scheduler becomes `delayed`.
public enum PlacementOptimization {
    /// Runs the passes; returns the optimized graph and the objects whose placement changed.
    public static func optimize(_ g: Graph, decisions: [PlacementDecision]?) throws(ExecutorError) -> (graph: Graph, changed: [String]) {
        let d = decisions ?? PlacementRewrite.defaultDecisions(g)
        switch PassManager(passes: [PlacementRewrite(decisions: d), Cull()]).run(g) {
        case .success(let r):
            let changed = d.filter { dec in g.layers.first { $0.object?.name == dec.object }?.object?.placement != dec.placement }.map(\.object)
            return (r.graph, changed)
        case .failure(let f):
            throw ExecutorError(.internalError, "the optimizer produced an invalid graph: \(f)")
        }
    }
}
