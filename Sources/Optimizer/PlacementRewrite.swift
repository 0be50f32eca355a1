import PipelineIR

/// Changes how objects reach the tasks that use them: embedded (a copy in
/// every task's definition) → delayed (one task builds or holds it; chunk
/// tasks hold a reference to its key) or → scatter (one copy per worker, up
/// front). Edges stay: what an edge means follows the source's placement.
///
/// The same decision as the text fix of PL001: applying `placement: delayed`
/// to the YAML and lowering gives the graph this pass gives from the original.
///
///     before:  mapper (embed, 0 tasks) ──arg──► looked_up (100 tasks) ◄──block── x (100 tasks)
///     after:   mapper (delayed, 1 task) ──arg──► looked_up (100 tasks) ◄──block── x (100 tasks)
///     stats:   objects-rewritten=1 embedded-copies-before=100 embedded-copies-after=0 tasks-before=200 tasks-after=201
public struct PlacementRewrite: GraphPass {
    public var name: String { "placement-rewrite" }
    /// Which objects get which placement. Objects not named keep theirs.
    public var decisions: [PlacementDecision]

    public init(decisions: [PlacementDecision]) { self.decisions = decisions }

    public func run(_ graph: Graph) -> PassResult {
        var g = graph
        var rewritten = 0
        var unknown = 0
        for d in decisions {
            guard let i = g.layers.firstIndex(where: { $0.name == d.object }), case .object(var o) = g.layers[i].kind else {
                unknown += 1
                continue
            }
            if o.placement != d.placement {
                o.placement = d.placement
                g.layers[i].kind = .object(o)
                rewritten += 1
                // A lookup through a placed table is exported through map_partitions: one task per partition.
                for j in g.layers.indices where g.layers[j].inputs.contains(where: { $0.source.index == i && $0.role == .argument(0) }) {
                    if case .rows(.lookup) = g.layers[j].kind { g.layers[j].tableIsPlaced = d.placement != .embed }
                }
            }
        }
        return PassResult(graph: g, stats: PassStats([
            .init(name: "objects-rewritten", value: rewritten),
            .init(name: "unknown-objects", value: unknown),
            .init(name: "embedded-copies-before", value: Self.embeddedCopies(graph)),
            .init(name: "embedded-copies-after", value: Self.embeddedCopies(g)),
            .init(name: "tasks-before", value: graph.taskCount),
            .init(name: "tasks-after", value: g.taskCount),
        ]))
    }

    /// Copies of objects carried inside task definitions: for each edge from an
    /// embedded object, one per task of the layer that reads it (saturating).
    public static func embeddedCopies(_ g: Graph) -> Int {
        var total = 0
        for l in g.layers {
            for e in l.inputs where e.role.carriesObject {
                guard e.source.index < g.layers.count, g[e.source].object?.placement == .embed else { continue }
                let (s, o) = total.addingReportingOverflow(l.taskCount)
                total = o ? Int.max : s
            }
        }
        return total
    }
}
