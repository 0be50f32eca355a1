import PipelineIR

/// `run`, `compare` and `fix --verify` do not execute DataFrame pipelines (format 1.2) yet, on
/// either engine: one located error at the pipeline's first frame-valued layer.
func frameRefusal(_ graph: Graph, _ source: SourceFile, command: String) -> LocatedError? {
    guard let l = graph.layers.first(where: { $0.frame != nil }) else { return nil }
    let what = if case .frame = l.kind { "frame `\(l.name)`" } else { "step `\(l.name)` (map_partitions)" }
    return LocatedError("`\(command)` does not execute DataFrame pipelines yet (format 1.2): \(what)", at: l.nameRange, in: source,
                        help: "check it with `pipelint check` and `pipelint estimate`; `pipelint export --to dask` writes the Dask program")
}
