import Lint
import Optimizer
import PipelineIR
import Rules

/// The one place that decides how a pipeline is optimized before it runs or is
/// exported: the placement fixes of the embedded-object rule and of the client-map keyword rule, chosen exactly as `pipelint fix`
/// chooses them (the file's configuration and suppressions, safe fixes unless
/// unsafe ones are allowed, the preferred placement), then the optimizer's
/// passes (placement rewrite, cull) with the verifier between them. `run`,
/// `compare`, `export`, `graph --optimized` and `fix --verify` all call it, so
/// what runs is what `fix` would write.
public struct OptimizationPolicy: Sendable {
    public var configuration: Configuration
    /// Also take unsafe fixes (they assume a file, a package or a live client on the workers).
    public var unsafeFixes: Bool
    /// The placement a placement fix sets when the rule offers it (`scatter` is always unsafe).
    public var preferredPlacement: Placement?

    public init(configuration: Configuration = Configuration(), unsafeFixes: Bool = false, preferredPlacement: Placement? = nil) {
        self.configuration = configuration
        self.unsafeFixes = unsafeFixes
        self.preferredPlacement = preferredPlacement
    }

    /// An optimized graph and the objects whose placement changed, in graph order.
    public struct Outcome: Sendable {
        public var graph: Graph
        public var changed: [String]
    }

    /// The placement decisions `pipelint fix` would write for `source`.
    public func decisions(for source: SourceFile) -> [PlacementDecision] {
        let engine = FixEngine(linter: Linter(rules: [EmbeddedObjectRule(), ClientMapKeywordRule()], configuration: configuration),
                               options: FixOptions(unsafeFixes: unsafeFixes, preferredPlacement: preferredPlacement))
        var seen = Set<PlacementDecision>()
        return engine.linter.lint(source).findings.compactMap(engine.chosenFix).flatMap(\.placements)
            .filter { seen.insert($0).inserted }
    }

    /// `graph` (of the pipeline in `source`) optimized as the fixes would change it.
    public func optimize(_ graph: Graph, source: SourceFile) throws(LocatedError) -> Outcome {
        switch PassManager(passes: [PlacementRewrite(decisions: decisions(for: source)), Cull()]).run(graph) {
        case .success(let r):
            var before: [String: Placement] = [:]
            for l in graph.layers { if let o = l.object { before[l.name] = o.placement } }
            let changed = r.graph.layers.compactMap { l -> String? in
                guard let o = l.object, let was = before[l.name], was != o.placement else { return nil }
                return l.name
            }
            return Outcome(graph: r.graph, changed: changed)
        case .failure(let f):
            throw LocatedError("internal error: the optimizer produced an invalid graph: \(f)", location: source.path)
        }
    }
}
