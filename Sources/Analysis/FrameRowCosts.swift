import PipelineIR
import Sizing

/// Graph figures of the row-wise frame steps (format 1.2), measured with dask/distributed 2026.8
/// (calibration/frame_rows.py, 400,000 rows in 40 partitions; fresh LocalCluster per case). Dask
/// makes a task per expression node and partition and does not fuse them on persist: a lookup is
/// `getitem` (210 B), `map` (≈ 300 B plus the table, embedded) and `assign` (283 B); an assign one
/// task per column read and operation (`mul` 189 B, `where` 308 B) and `assign` (284 B); a filter
/// `getitem` (203 B), the comparison (`ge` 187 B) and the selection (`getitem` 247 B).
public enum FrameRowCosts {
    /// The largest task of a step beyond its table: `map` (lookup: 400,796 B with a dict of
    /// 400,600 B), `assign` (284 B) or `where` (308–312 B), the selection (filter: 246 B).
    static let lookupTaskBytes: Int64 = 196
    /// A lookup through a placed table: a map_partitions task of the program's `__main__` wrapper,
    /// pickled by value in each task (2,199 B measured with the table's key reference).
    static let placedLookupTaskBytes: Int64 = 2_140
    /// The wrapper's share of the submit beyond map_partitions' expression and meta (measured 4,669 B
    /// submitted with the frame's 2,325 B).
    static let placedLookupFixed: Int64 = 430
    static let assignTaskBytes: Int64 = 285
    static let whereTaskBytes: Int64 = 312
    static let filterTaskBytes: Int64 = 250
    /// Submitted expression: each node ≈ 109 B (assign with `where` minus assign with `mul`: 437 B
    /// for 4 more nodes); beyond the nodes an assign costs 473 B (3,133 B submitted with `mul`), a
    /// filter 63 B (390 B for its 3 nodes); a lookup 1,174 B in all (its `map` carries the meta Series).
    static let nodeBytes: Int64 = 109
    static let assignFixed: Int64 = 473
    static let filterFixed: Int64 = 63
    static let lookupFixed: Int64 = 1_174

    /// One task's bytes on dispatch, the table aside (a placed table: a map_partitions task).
    static func taskBytes(_ op: RowOp, table: PipelineObject?) -> Int64 {
        if let t = table, t.placement != .embed { return placedLookupTaskBytes }
        return switch op {
        case .lookup: lookupTaskBytes
        case .assign(_, _, let e): e.signature.contains("where(") ? whereTaskBytes : assignTaskBytes
        case .filter: filterTaskBytes
        }
    }

    /// Submit bytes of a row-wise step: its expression and meta, and for a lookup through an
    /// embedded dict the longer memo references its values take inside the expression.
    static func submitCost(_ op: RowOp, of layer: Graph.Layer, table: PipelineObject?) -> GraphCosts.LayerCost {
        if let t = table, t.placement != .embed, let schema = layer.frame {
            // A placed table goes through map_partitions (Series.map does not resolve a Delayed).
            let fixed = Sat.add(Sat.add(FrameCosts.mapPartitionsFixed, FrameCosts.metaBytes(schema)), placedLookupFixed)
            return GraphCosts.LayerCost(fixed: fixed, perUnit: 0, units: layer.taskCount)
        }
        let nodes = Int64(RowOp.taskCount(op, partitions: 1))
        var fixed: Int64
        switch op {
        case .lookup(_, _, _, _, _, _): fixed = lookupFixed
        case .assign: fixed = Sat.add(assignFixed, Sat.mul(nodeBytes, nodes))
        case .filter: fixed = Sat.add(filterFixed, Sat.mul(nodeBytes, nodes))
        }
        return GraphCosts.LayerCost(fixed: fixed, perUnit: 0, units: layer.taskCount)
    }

    /// What the estimate says of a filter's rows: Dask does not know them (divisions are lost), pipelint
    /// counts or expects them from the column's source.
    static func filterNote(_ layer: Graph.Layer, in graph: Graph) -> EstimateNote? {
        guard case .rows(.filter(let c, _, let op, let v, _)) = layer.kind, let sizing = layer.rowsSizing, let rows = layer.grid.dims.first else { return nil }
        let kept = "\(rows.length) rows in all, at most \(rows.maxSize) in a partition"
        let how: String
        switch sizing {
        case .exact: how = "counted exactly from the `range` source of column `\(c)`: \(kept)"
        case .expected: how = "expected values (the share of column `\(c)`'s source values that pass, times each partition's rows; columns assumed independent): \(kept)"
        case .unknown: how = "not known (column `\(c)` is computed or merged): every row is counted, an upper bound"
        }
        return EstimateNote(range: layer.nameRange, message: "filter `\(layer.name)` (`\(c) \(op.rawValue) \(PythonNumber.text(v))`) keeps the partitions; its rows per partition are \(how)")
    }
}

/// A number as the YAML writes it (`18`, `0.5`).
enum PythonNumber {
    static func text(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 9.0e15 ? String(Int64(d)) : "\(d)"
    }
}
