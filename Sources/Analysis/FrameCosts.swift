import PipelineIR
import Sizing

/// Graph figures of DataFrame layers (format 1.2), measured with dask/distributed 2026.8
/// (calibration/dataframes.py, 400,000 rows in 40 partitions): a generated frame is `dd.from_map`
/// (one task per partition, its bounds and function: 1,739 B; string columns add a
/// `_to_string_dtype` task per partition, `Graph.Layer.taskCount`); the expression goes once in
/// the submit (3,831 B for 40 partitions). A `map_partitions` task carries every non-Delayed
/// argument plus ≈ 0.5 KB; the result's `_meta` travels once, in the submitted expression.
public enum FrameCosts {
    /// A frame's expression on the client (the function and its options), pickled once.
    static let frameFixed: Int64 = 2_871
    /// What each partition adds to the expression: its bounds and key.
    static let framePerPartition: Int64 = 24
    /// One partition's task as dispatched: the function reference, its bounds, the key.
    static let frameTaskBytes: Int64 = 1_739
    /// A `map_partitions` expression beyond its objects and `_meta`.
    static let mapPartitionsFixed: Int64 = 400
    /// One `map_partitions` task beyond its objects.
    static let mapPartitionsTaskBytes: Int64 = 500

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

    /// `_meta`: the empty DataFrame of the result's columns, pickled once into the submitted expression.
    public static func metaBytes(_ schema: FrameSchema) -> Int64 {
        SizeModel.wireSize(.dataFrame(shape(schema, rows: 0))).bytes
    }

    /// Bytes of the largest partition of a frame-valued layer in a worker's memory.
    public static func partitionBytes(_ layer: Graph.Layer) -> Int64? {
        if case .groupby(let g) = layer.kind { return FrameGroupbyCosts.resultBytes(g) }
        guard let schema = layer.frame, let rows = layer.grid.dims.first?.maxSize else { return nil }
        return SizeModel.residentSize(.dataFrame(shape(schema, rows: rows))).bytes
    }

    /// `dd.from_pandas`: each partition is its own DataFrame pickled into the graph, so the whole
    /// frame's data travels once, plus an empty frame's overhead per partition.
    public static func fromPandasBytes(_ layer: Graph.Layer) -> (total: Int64, perPartition: Int64, largest: Int64)? {
        guard case .frame(let f) = layer.kind, case .fromPandas = f.source else { return nil }
        let overhead = SizeModel.wireSize(.dataFrame(shape(f.schema, rows: 0))).bytes
        let data = Sat.add(SizeModel.wireSize(.dataFrame(shape(f.schema, rows: f.rows))).bytes, -overhead)
        let largest = SizeModel.wireSize(.dataFrame(shape(f.schema, rows: f.partitions.maxSize))).bytes
        return (data, overhead, largest)
    }

    /// A merge (measured, 40 partitions): with a DataFrame object, `from_pandas(right,
    /// npartitions=1)` — one task holding the whole frame, in the submit once — and a 1,467 B
    /// `blockwisemerge` task per partition; with a collection (p2p), 5,600 B submitted, transfer
    /// tasks of ≈ 2.4 KB and join tasks of 1,440 B.
    static let broadcastMergeFixed: Int64 = 2_000
    static let broadcastMergeTaskBytes: Int64 = 1_467
    static let shuffleMergeFixed: Int64 = 5_600
    static let shuffleTaskBytes: Int64 = 2_400

    /// The right frame of a broadcast merge, pickled (in the submit once; one copy per worker).
    public static func broadcastBytes(_ m: FrameMerge) -> (wire: Int64, resident: Int64)? {
        guard case .broadcast(let o) = m.route else { return nil }
        let v = ObjectValues.pyValue(o.recipe)
        return (SizeModel.wireSize(v).bytes, SizeModel.residentSize(v).bytes)
    }

    /// Submit bytes of a frame-valued layer, objects aside.
    static func submitCost(of layer: Graph.Layer, table: PipelineObject? = nil) -> GraphCosts.LayerCost? {
        if case .groupby = layer.kind { return GraphCosts.LayerCost(fixed: FrameGroupbyCosts.submitFixed, perUnit: 0, units: layer.taskCount) }
        if FrameGroupbyCosts.isCSV(layer) {
            return GraphCosts.LayerCost(fixed: FrameGroupbyCosts.readCSVFixed, perUnit: FrameGroupbyCosts.readCSVPerPartition, units: layer.grid.chunkCount)
        }
        guard let schema = layer.frame else { return nil }
        if case .rows(let op) = layer.kind { return FrameRowCosts.submitCost(op, of: layer, table: table) }
        if case .merge(let m) = layer.kind {
            if let b = broadcastBytes(m) { return GraphCosts.LayerCost(fixed: Sat.add(broadcastMergeFixed, b.wire), perUnit: 0, units: layer.taskCount) }
            return GraphCosts.LayerCost(fixed: shuffleMergeFixed, perUnit: 0, units: layer.taskCount)
        }
        if let p = fromPandasBytes(layer) {
            return GraphCosts.LayerCost(fixed: Sat.add(frameFixed, p.total), perUnit: Sat.add(framePerPartition, p.perPartition), units: layer.grid.chunkCount)
        }
        switch layer.kind {
        case .frame: return GraphCosts.LayerCost(fixed: frameFixed, perUnit: framePerPartition, units: layer.grid.chunkCount)
        case .mapBlocks: return GraphCosts.LayerCost(fixed: Sat.add(mapPartitionsFixed, metaBytes(schema)), perUnit: 0, units: layer.taskCount)
        default: return nil
        }
    }

    /// One task's bytes on dispatch, objects aside.
    static func taskBytes(of layer: Graph.Layer, table: PipelineObject? = nil) -> Int64? {
        if case .groupby(let g) = layer.kind { return FrameGroupbyCosts.taskBytes(g) }
        if FrameGroupbyCosts.isCSV(layer) { return FrameGroupbyCosts.readCSVTaskBytes }
        guard layer.frame != nil else { return nil }
        if let p = fromPandasBytes(layer) { return Sat.add(frameTaskBytes, p.largest) }
        if case .merge(let m) = layer.kind { return m.isBroadcast ? broadcastMergeTaskBytes : shuffleTaskBytes }
        if case .rows(let op) = layer.kind { return FrameRowCosts.taskBytes(op, table: table) }
        switch layer.kind {
        case .frame: return frameTaskBytes
        case .mapBlocks: return mapPartitionsTaskBytes
        default: return nil
        }
    }
}
