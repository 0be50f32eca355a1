import PipelineIR

/// The front end in one call: bytes → syntax tree → pipeline model → graph IR,
/// with every diagnostic found on the way, sorted and de-duplicated.
public struct LoadedPipeline: Sendable {
    public var source: SourceFile
    public var tree: SyntaxTree
    /// Nil when the file is not a valid pipeline (see `diagnostics`).
    public var pipeline: Pipeline?
    /// Nil when the pipeline could not be lowered to a graph.
    public var graph: Graph?
    public var diagnostics: [Diagnostic]
    /// Whether the top level has a `pipeline` key (directory scans skip other YAML).
    public var looksLikePipeline: Bool

    /// Runs the front end on `source`.
    public static func load(_ source: SourceFile, limits: ParseLimits = .default) -> LoadedPipeline {
        let parsed = YAMLParser.parse(source, limits: limits)
        var diags = parsed.diagnostics
        var pipeline: Pipeline?
        var graph: Graph?
        let looks = parsed.isComplete && Lowering.looksLikePipeline(parsed.tree)
        if parsed.isComplete, !diags.contains(where: { $0.severity == .error }) {
            let lowered = Lowering.lower(parsed.tree, source: source)
            diags += lowered.diagnostics
            pipeline = lowered.pipeline
            if let p = pipeline {
                let built = GraphBuilder.build(p)
                diags += built.diagnostics
                graph = built.graph
                // A graph the builder refuses (a cycle, chunks that do not fit, a call only a
                // distributed client makes): the file is not a valid pipeline, so no model either.
                if built.diagnostics.contains(where: { $0.severity == .error }) {
                    pipeline = nil
                    graph = nil
                }
            }
        }
        return LoadedPipeline(source: source, tree: parsed.tree, pipeline: pipeline, graph: graph,
                              diagnostics: sortedUnique(diags), looksLikePipeline: looks)
    }

    static func sortedUnique(_ ds: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return ds.sorted { ($0.range.start, $0.range.end, $0.code.id, $0.message) < ($1.range.start, $1.range.end, $1.code.id, $1.message) }
            .filter { seen.insert($0).inserted }
    }
}
