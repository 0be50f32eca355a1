import PipelineIR

/// The executor's stand-in for the optimizer's placement pass (embedded →
/// delayed), kept as one small function so the pass can replace it.
public enum PlacementOptimization {
    /// Every object a `map_blocks` step embeds on a serializing scheduler
    /// becomes `delayed`: built once inside a task, fetched once per worker.
    /// Returns the rewritten graph and the names of the objects it changed.
    ///
    ///     mapper (embed) ← looked_up   on distributed  →  mapper (delayed) ← looked_up
    public static func optimizePlacements(_ g: Graph) -> (graph: Graph, delayed: [String]) {
        guard g.cluster.scheduler.serializesTasks else { return (g, []) }
        var out = g
        var changed: [String] = []
        var used = Set<Int>()
        for l in g.layers {
            guard case .mapBlocks = l.kind else { continue }
            for e in l.inputs where e.role.carriesObject { used.insert(e.source.index) }
        }
        for i in used.sorted() {
            guard case .object(var o) = out.layers[i].kind, o.placement == .embed else { continue }
            o.placement = .delayed
            out.layers[i].kind = .object(o)
            changed.append(o.name)
        }
        return (out, changed)
    }
}
