import PipelineIR
import Sizing

/// Computes a pipeline's graph figures from its layer graph, in O(layers + edges):
/// chunk counts are multiplied, never enumerated, so a 10-million-chunk array costs
/// what a 10-chunk one does.
///
/// Faithful to distributed 2026.8 where it matters (see `GraphCosts` and
/// calibration/README.md):
/// - **submit**: the client pickles the whole graph once; an embedded object is
///   stored once (pickle's memo), keys and arguments of materialized tasks cost
///   bytes per chunk. Only `distributed` has this step and the large-graph warning.
/// - **dispatch**: each task's `run_spec` is pickled on its own, so an embedded
///   object costs its full wire size in every task (`distributed`, `processes`).
/// - **workers**: each task unpickles its own copy of every embedded object and
///   keeps it while the task's result is alive. `persist`, `save` and an array
///   output of `compute` keep all chunks (so `⌈tasks / workers⌉` copies per
///   worker); results consumed downstream keep about `2 × threads` per worker.
///   `delayed`, `scatter` and `normalize_arg`-wrapped objects cost one copy per
///   worker; on `threads` nothing is copied.
public enum Estimator {
    /// The figures of `graph`, in four passes over the layers: object sizes, each
    /// layer's uses and submit share, each object's copies, and the totals.
    public static func estimate(_ graph: Graph, options: EstimateOptions = EstimateOptions()) -> GraphEstimate {
        var run = EstimateRun(graph: graph, options: options)
        run.sizeObjects()
        run.noteMissingArrayFiles()
        for layer in graph.layers { run.price(layer) }
        let objects = run.objectEstimates()
        return run.totals(objects: objects)
    }

    /// Layers whose every chunk result is alive at once: outputs (`persist`, `save`, and
    /// `compute`, which gathers the chunks), and the inputs Dask fuses into them (a
    /// layer whose single consumer is a held `map_blocks` runs inside that task).
    static func heldLayers(_ g: Graph) -> [Bool] { heldLayers(g, dependents: GraphAlgorithms.dependents(g)) }

    /// `heldLayers(_:)` with the graph's dependents already computed.
    static func heldLayers(_ g: Graph, dependents deps: [[Graph.LayerID]]) -> [Bool] {
        var held = [Bool](repeating: false, count: g.layers.count)
        for l in g.layers.reversed() {
            if l.output != nil { held[l.id.index] = true; continue }
            let consumers = deps[l.id.index]
            if consumers.count == 1, case .mapBlocks = g[consumers[0]].kind, held[consumers[0].index],
               g[consumers[0]].inputs.contains(where: { $0.source == l.id && !$0.role.carriesObject }) {
                held[l.id.index] = true
            }
        }
        return held
    }

    /// The first `load:` path of a recipe that `options.fileExists` says is missing.
    static func missingFile(_ r: Recipe, _ options: EstimateOptions) -> String? {
        guard let exists = options.fileExists else { return nil }
        switch r {
        case .series(let s):
            if case .load(let path, _) = s.source, !exists(path) { return path }
        case .ndarray(let a):
            if let path = a.load, !exists(path) { return path }
        case .instance(let i):
            for f in i.fields { if let m = missingFile(f.recipe, options) { return m } }
        default:
            break
        }
        return nil
    }

    static func kindText(_ l: Graph.Layer) -> String {
        switch l.kind {
        case .object(let o): "object (\(o.placement.rawValue))"
        case .array(let a):
            switch a.source {
            case .zeros: "array (zeros)"
            case .ones: "array (ones)"
            case .range: "array (range)"
            case .random: "array (random)"
            case .load: "array (load)"
            }
        case .frame(let f):
            switch f.source {
            case .fromPandas: "dataframe (from_pandas)"
            case .csv: "dataframe (read_csv)"
            case .generated: "dataframe"
            }
        case .mapBlocks(let c): "\(l.perItem?.form.rawValue ?? (l.frame != nil ? "map_partitions" : "map_blocks")) \(c?.function.name ?? "?")"
        case .reduce(let r, _): "reduce \(r.rawValue)"
        case .rechunk: "rechunk"
        case .merge(let m): "merge (\(m.planName(partitions: l.grid.chunkCount)))"
        case .rows(let op): op.keyword
        case .groupby: "groupby sum"
        }
    }

    static let saturatedConfidence = Confidence.unknown(reason: "more than 2^63 bytes: the figure is capped")

    /// The weaker of two confidences (unknown keeps its reason).
    static func weaker(_ a: Confidence, _ b: Confidence) -> Confidence { rank(b) > rank(a) ? b : a }

    static func rank(_ c: Confidence) -> Int {
        switch c {
        case .exact: 0
        case .modelled: 1
        case .declared: 2
        case .unknown: 3
        }
    }

    static func sum(_ a: SizeEstimate, _ b: SizeEstimate) -> SizeEstimate {
        SizeEstimate(bytes: Sat.add(a.bytes, b.bytes), confidence: weaker(a.confidence, b.confidence))
    }

    /// `e × n`, saturating; a capped product says so.
    static func scaled(_ e: SizeEstimate, _ n: Int) -> SizeEstimate {
        let bytes = Sat.mul(e.bytes, Int64(n))
        return SizeEstimate(bytes: bytes, confidence: bytes == Int64.max ? saturatedConfidence : e.confidence)
    }

    static func ceilDiv(_ a: Int, _ b: Int) -> Int { Sat.ceilDiv(max(0, a), max(1, b)) }
}
