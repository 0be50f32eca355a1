import PipelineIR

/// Groupby-sum steps (format 1.2), written as a user writes them with dask.dataframe.
extension ProgramWriter {
    /// `per_region = with_region.groupby('region')['income'].sum(split_every=8, split_out=1)`:
    /// Dask's tree reduction to one partition. `split_out=1` is pinned: without it Dask 2026.8
    /// picks `ceil(partitions / 15)` output partitions and shuffles (p2p) past 15 partitions.
    func groupbyLine(_ l: Graph.Layer, _ g: FrameGroupby, variable v: String) throws(ExportError) -> String {
        guard let e = l.inputs.first, let input = names[graph[e.source].name] else {
            throw error("step `\(l.name)` groups no frame", l.range)
        }
        return "\(v) = \(input).groupby(\(PythonSyntax.string(g.key.name)))[\(PythonSyntax.string(g.value.name))]"
            + ".sum(split_every=\(g.splitEvery), split_out=1)  # a tree of partial group sums, one result partition"
    }
}
