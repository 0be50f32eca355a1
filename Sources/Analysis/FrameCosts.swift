import PipelineIR
import Sizing

/// Graph figures of DataFrame layers (format 1.2). A first model from dask 2026.8's code paths,
/// to be replaced by calibrated figures: a generated frame is `dd.from_map` (one task per
/// partition, the partition's bounds as its arguments), and a `map_partitions` task carries its
/// function, every non-Delayed argument and the result's `_meta` (an empty DataFrame).
public enum FrameCosts {
    /// A frame's expression on the client (the function and its options), pickled once.
    static let frameFixed: Int64 = 600
    /// What each partition adds to the expression: its bounds and key.
    static let framePerPartition: Int64 = 24
    /// One partition's task as dispatched: the function reference, its bounds, the key.
    static let frameTaskBytes: Int64 = 420
    /// A `map_partitions` expression beyond its objects and `_meta`.
    static let mapPartitionsFixed: Int64 = 400
    /// One `map_partitions` task beyond its objects and `_meta`.
    static let mapPartitionsTaskBytes: Int64 = 520

    /// The Python value of a frame's columns over `rows` rows.
    public static func shape(_ schema: FrameSchema, rows: Int) -> DataFrameShape {
        DataFrameShape(rows: rows, columns: schema.columns.map { c in
            let column: DataFrameShape.Column
            switch c.type {
            case .numeric(let t): column = .numeric(DType(rawValue: t.rawValue) ?? .float64)
            case .string(let length): column = .string(length: length)
            case .category(let k): column = .category(count: k)
            }
            return (c.name, column)
        })
    }

    /// `_meta`: the empty DataFrame of the result's columns, pickled into every `map_partitions` task.
    public static func metaBytes(_ schema: FrameSchema) -> Int64 {
        SizeModel.wireSize(.dataFrame(shape(schema, rows: 0))).bytes
    }

    /// Bytes of the largest partition of a frame-valued layer in a worker's memory.
    public static func partitionBytes(_ layer: Graph.Layer) -> Int64? {
        guard let schema = layer.frame, let rows = layer.grid.dims.first?.maxSize else { return nil }
        return SizeModel.residentSize(.dataFrame(shape(schema, rows: rows))).bytes
    }

    /// Submit bytes of a frame-valued layer, objects aside.
    static func submitCost(of layer: Graph.Layer) -> GraphCosts.LayerCost? {
        guard let schema = layer.frame else { return nil }
        switch layer.kind {
        case .frame: return GraphCosts.LayerCost(fixed: frameFixed, perUnit: framePerPartition, units: layer.taskCount)
        case .mapBlocks: return GraphCosts.LayerCost(fixed: Sat.add(mapPartitionsFixed, metaBytes(schema)), perUnit: 0, units: layer.taskCount)
        default: return nil
        }
    }

    /// One task's bytes on dispatch, objects aside.
    static func taskBytes(of layer: Graph.Layer) -> Int64? {
        guard let schema = layer.frame else { return nil }
        switch layer.kind {
        case .frame: return frameTaskBytes
        case .mapBlocks: return Sat.add(mapPartitionsTaskBytes, metaBytes(schema))
        default: return nil
        }
    }
}
