/// Small pure graph algorithms over layer dependencies, in the spirit of
/// `dask.optimization`: each takes a graph and returns new values.
public enum GraphAlgorithms {
    /// For each layer, the layers that read it.
    ///
    ///     a ← b ← c      dependents: a: [b], b: [c], c: []
    public static func dependents(_ g: Graph) -> [[Graph.LayerID]] {
        var out = Array(repeating: [Graph.LayerID](), count: g.layers.count)
        for l in g.layers {
            for e in l.inputs where !out[e.source.index].contains(l.id) {
                out[e.source.index].append(l.id)
            }
        }
        return out
    }

    /// The object layers `id` reads without an input edge: the `dataframe:` object a
    /// `from_pandas` frame splits, or a broadcast merge's right-hand object (format 1.2).
    /// The data travels in the graph, not as an edge, but the object must still be built.
    ///
    ///     reference (object) · refs: {from_pandas: reference}   edgelessObjectReads(refs) = [reference]
    public static func edgelessObjectReads(_ g: Graph, of id: Graph.LayerID) -> [Graph.LayerID] {
        guard let name = g[id].edgelessObjectRead else { return [] }
        return g.layers.filter { $0.object?.name == name }.map(\.id)
    }

    /// Layers in an order where every layer comes after its inputs, or the
    /// layers on a cycle when there is one.
    public static func topologicalOrder(_ g: Graph) -> Result<[Graph.LayerID], CycleError> {
        var indegree = g.layers.map { Set($0.inputs.map(\.source)).count }
        let deps = dependents(g)
        var ready = g.layers.indices.filter { indegree[$0] == 0 }.reversed().map { Graph.LayerID($0) }
        var order: [Graph.LayerID] = []
        order.reserveCapacity(g.layers.count)
        while let id = ready.popLast() {
            order.append(id)
            for d in deps[id.index] {
                indegree[d.index] -= 1
                if indegree[d.index] == 0 { ready.append(d) }
            }
        }
        if order.count == g.layers.count { return .success(order) }
        return .failure(CycleError(layers: g.layers.indices.filter { indegree[$0] > 0 }.map { Graph.LayerID($0) }))
    }

    /// The layers on a dependency cycle.
    public struct CycleError: Error, Sendable, Hashable {
        public var layers: [Graph.LayerID]
    }

    /// Keeps only the layers `keep` needs (their transitive inputs), renumbered
    /// in their original order; returns the new graph and the old IDs removed.
    ///
    ///     a ← b ← c,  d ← e;  cull(keep: [c]) keeps a, b, c and removes d, e
    public static func cull(_ g: Graph, keep: [Graph.LayerID]) -> (graph: Graph, removed: [Graph.LayerID]) {
        var needed = Set<Graph.LayerID>()
        var stack = keep
        while let id = stack.popLast() {
            guard needed.insert(id).inserted else { continue }
            stack.append(contentsOf: g[id].inputs.map(\.source))
            stack.append(contentsOf: edgelessObjectReads(g, of: id))
        }
        var newIndex: [Graph.LayerID: Graph.LayerID] = [:]
        var layers: [Graph.Layer] = []
        var removed: [Graph.LayerID] = []
        for l in g.layers {
            if needed.contains(l.id) {
                newIndex[l.id] = Graph.LayerID(layers.count)
                layers.append(l)
            } else {
                removed.append(l.id)
            }
        }
        for i in layers.indices {
            layers[i].id = Graph.LayerID(i)
            for j in layers[i].inputs.indices {
                if let n = newIndex[layers[i].inputs[j].source] { layers[i].inputs[j].source = n }
            }
        }
        var culled = g
        culled.layers = layers
        return (culled, removed)
    }
}
