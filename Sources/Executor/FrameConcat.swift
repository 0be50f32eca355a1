import PipelineIR

/// The partitions of a computed frame as Dask's compute concatenates them (`_concat`: empty
/// partitions dropped, then `pd.concat`): a column whose numeric dtype differs between partitions
/// (a `where` that pandas kept int32 in one partition and made float64 in another, a lookup whose
/// misses turned an integer Series' values float64 in some) takes numpy's promoted dtype in all of
/// them, so the CSV writes `3.0` where the promoted column is float. Other mixtures (bool with
/// int: pandas' object column) keep each partition's values as they are, as object columns write them.
public enum FrameConcat {
    public static func unified(_ parts: [FramePart]) -> [FramePart] {
        let full = parts.filter { $0.rows > 0 }
        guard let first = full.first else { return parts }
        var out = parts
        for c in first.columns.indices {
            let types = full.compactMap { p -> NumericType? in
                guard c < p.columns.count else { return nil }
                switch p.columns[c] {
                case .integer(_, let t): return t
                case .float64: return .float64
                case .float32: return .float32
                default: return nil
                }
            }
            guard types.count == full.count, let t0 = types.first, types.contains(where: { $0 != t0 }) else { continue }
            let common = types.dropFirst().reduce(t0) { FrameRowKernels.promote($0, $1) }
            for i in out.indices where out[i].rows > 0 {
                out[i].columns[c] = cast(out[i].columns[c], to: common)
            }
        }
        return out
    }

    /// A numeric column in the wider dtype `t` (numpy's `astype`: integers to floats rounded once).
    static func cast(_ col: FrameColumnData, to t: NumericType) -> FrameColumnData {
        let doubles: [Double]
        switch col {
        case .integer(let a, let s):
            if t.isInteger { return .integer(a, t) }
            if t == .float32 { return .float32(a.map { s == .uint64 ? Float(UInt64(bitPattern: $0)) : Float($0) }) }
            doubles = s == .uint64 ? a.map { Double(UInt64(bitPattern: $0)) } : a.map { Double($0) }
        case .float32(let a): doubles = a.map { Double($0) }
        default: return col
        }
        return t == .float32 ? .float32(doubles.map { Float($0) }) : .float64(doubles)
    }
}
