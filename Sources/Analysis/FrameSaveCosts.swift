import PipelineIR

/// The tasks Dask adds to write a saved frame (format 1.2 `save: X.parquet`).
///
/// Measured (calibration/groupby_graphs.py `save-40` and `save-40-index`, dask 2026.8, a
/// `from_map` frame of 40 partitions, `to_parquet(path, write_index=True, compute=False)`):
/// per partition one `reset_index` (241 B), one `operation` (269 B) and one `toparquetdata`
/// (851 B) task, then one `toparquetbarrier` (1,712 B): 3 × partitions + 1 tasks.
///
///     people: 40 partitions, save: people.parquet   →  121 tasks more
///
/// `.csv` saves (`to_csv(single_file=True)`) and saved groupby results (a Series made a frame
/// first) were not measured: they add nothing here.
enum FrameSaveCosts {
    /// The tasks `to_parquet` adds for `layer`, 0 unless it is a frame saved as `.parquet`.
    static func saveTasks(_ layer: Graph.Layer) -> Int {
        guard layer.frame != nil, case .save(let path)? = layer.output, path.lowercased().hasSuffix(".parquet") else { return 0 }
        let partitions = layer.grid.chunkCount
        guard partitions < Int.max / 4 else { return Int.max }
        return 3 * partitions + 1
    }

    /// The note that says where the save's tasks went in the estimate.
    static func note(_ layer: Graph.Layer) -> EstimateNote? {
        let n = saveTasks(layer)
        guard n > 0, case .save(let path)? = layer.output else { return nil }
        let count = n == Int.max ? "more tasks than 64-bit figures hold" : "\(n) tasks (3 per partition and a barrier)"
        return EstimateNote(range: layer.nameRange, message: "`\(layer.name)` is saved to `\(path)` with `to_parquet`: Dask adds \(count), counted in the total")
    }
}
