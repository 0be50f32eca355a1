import PipelineIR
import Sizing

/// Graph figures of groupby-sum layers (format 1.2), measured with dask/distributed 2026.8
/// (calibration/groupby_graphs.py: 400,000 rows in 10 and 40 partitions, category, int and
/// string keys, `split_out=1`): per input partition a `getitem` task selecting the columns
/// (219 B) and a `chunk` task summing its groups (357–363 B); then the tree's combines, each
/// over `split_every` partial results (707 B with 8), the aggregate and a final 135 B task.
enum FrameGroupbyCosts {
    /// The groupby expression beyond its input's (measured: 4,397 B submitted with it, 3,190 B without, 40 partitions).
    static let submitFixed: Int64 = 1_207
    static let getitemTaskBytes: Int64 = 219
    static let chunkTaskBytes: Int64 = 363
    /// A combine task: its function and kwargs plus each partial result's key.
    static let combineTaskBase: Int64 = 495
    static let combineTaskPerInput: Int64 = 27

    /// The largest task of the layer: a combine (or the aggregate) over `split_every` partial results.
    static func taskBytes(_ g: FrameGroupby) -> Int64 {
        let inputs = Int64(min(max(2, g.splitEvery), max(1, g.inputPartitions)))
        return max(chunkTaskBytes, Sat.add(combineTaskBase, Sat.mul(combineTaskPerInput, inputs)))
    }

    /// A `load:` frame's `dd.read_csv` (measured: 4 blocks of a 83 KB file, 3 columns): each task
    /// carries its block's byte range, the path, the dtypes and the header (2,526 B); the expression
    /// 3,414 B in the submit.
    static let readCSVTaskBytes: Int64 = 2_526
    static let readCSVFixed: Int64 = 3_318
    static let readCSVPerPartition: Int64 = 24

    static func isCSV(_ layer: Graph.Layer) -> Bool {
        if case .frame(let f) = layer.kind, case .csv = f.source { return true }
        return false
    }

    /// The result (and each partial result): a Series of at most `groups` sums indexed by the key,
    /// priced as a two-column frame of the key and the sums.
    static func resultBytes(_ g: FrameGroupby) -> Int64 {
        let schema = FrameSchema(columns: [g.key, FrameColumn(name: g.value.name, nameRange: g.value.nameRange, type: .numeric(g.sumType))])
        return SizeModel.residentSize(.dataFrame(FrameCosts.shape(schema, rows: g.groups))).bytes
    }
}
