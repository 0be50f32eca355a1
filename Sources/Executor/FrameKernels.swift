import PipelineIR

/// The frame kernels of `map_partitions` (docs/kernels.md, "Frame kernels"), with the value
/// semantics of the exported program's `_k_map_column` and `_k_score_rows`.
public enum FrameKernels {
    /// `part.assign(into=part[column].map(table))`. A dict of strings maps a string or category
    /// column (any other column has no matching key: every row is missing); a numeric Series
    /// maps an integer column through its index labels, its dtype kept (a missing key is NaN
    /// for a float Series and an error for an integer one, as `astype` raises).
    /// `lookup` (a `lookup:` step, `part[column].map(table)` without `astype`): a key without a
    /// label turns an integer Series' result float64 with NaN, and bool keys match no integer label.
    public static func mapColumn(_ part: FramePart, table: ObjectValue, column: String, into: String,
                                 seriesDtype: NumericType? = nil, lookup: Bool = false) throws(KernelError) -> FramePart {
        guard let col = part.column(column) else { throw KernelError("the partition has no column `\(column)`") }
        switch table {
        case .stringDict(let d):
            return part.assigning(into, .string(mapThroughDict(col, d)))
        case .series(let values, let index, _):
            let dtype = seriesDtype ?? (values.isFloat ? .float64 : .int64)
            if lookup, case .bool(let b) = col {
                return part.assigning(into, dtype == .float32 ? .float32(b.map { _ in .nan }) : .float64(b.map { _ in .nan }))
            }
            return part.assigning(into, try mapThroughSeries(col, values: values, index: index, dtype: dtype, missIsNaN: lookup))
        default:
            throw KernelError("map_column needs a dict or a Series table")
        }
    }

    static func mapThroughDict(_ col: FrameColumnData, _ d: StringDict) -> FrameStrings {
        var out = FrameStrings()
        var valueCache: [Int: [UInt8]] = [:]
        func value(_ j: Int) -> [UInt8] {
            if let v = valueCache[j] { return v }
            let v = d.value(j)
            valueCache[j] = v
            return v
        }
        switch col {
        case .string(let s):
            out.bytes.reserveCapacity(s.count * d.recipe.valueLength)
            for i in 0..<s.count { out.append(s.isValid(i) ? d.lookup(s.slice(i)).map(value) : nil) }
        case .category(let codes, _):
            var byCode: [Int32: Int?] = [:]
            for c in codes {
                guard c >= 0 else { out.append(nil as [UInt8]?); continue }
                let j: Int?
                if let known = byCode[c] { j = known } else {
                    j = d.lookup(ArraySlice(Array("c\(c)".utf8)))
                    byCode[c] = j
                }
                out.append(j.map(value))
            }
        default:
            for _ in 0..<col.count { out.append(nil as [UInt8]?) }
        }
        return out
    }

    static func mapThroughSeries(_ col: FrameColumnData, values: Column, index: [Int64]?, dtype: NumericType,
                                 missIsNaN: Bool = false) throws(KernelError) -> FrameColumnData {
        guard case .integer(let keys, let kt) = col, kt != .uint64 else {
            throw KernelError("map_column through a Series maps an integer column (int8…int64, uint8…uint32) by the Series' index labels")
        }
        var position: [Int64: Int] = [:]
        if let index {
            position.reserveCapacity(index.count)
            for (i, label) in index.enumerated() {
                guard position.updateValue(i, forKey: label) == nil else { throw KernelError("the Series' index has duplicate labels (pandas: Reindexing only valid with uniquely valued Index objects)") }
            }
        }
        let n = values.count
        let picks: [Int?] = keys.map { k in index == nil ? (k >= 0 && k < n ? Int(k) : nil) : position[k] }
        switch dtype {
        case .float64, .float32:
            let v = values.asDoubles
            let out = picks.map { $0.map { v[$0] } ?? .nan }
            return dtype == .float32 ? .float32(out.map { Float($0) }) : .float64(out)
        case let t where t.isInteger:
            guard case .i64(let v) = values else { throw KernelError("the Series' values are not integers") }
            if missIsNaN, picks.contains(where: { $0 == nil }) {
                // Series.map reindexes: a missing label makes the integer values float64 with NaN.
                return .float64(picks.map { $0.map { t == .uint64 ? Double(UInt64(bitPattern: v[$0])) : Double(v[$0]) } ?? .nan })
            }
            guard !picks.contains(where: { $0 == nil }) else {
                throw KernelError("a key has no label in the Series, and an integer column cannot hold the missing value (pandas: Cannot convert non-finite values (NA or inf) to integer)")
            }
            return .integer(picks.map { v[$0!] }, t)
        default:
            throw KernelError("map_column through a Series of \(dtype.rawValue) values is not executed by `pipelint run` yet")
        }
    }

    /// `part.assign(into=part[columns].to_numpy("float64") @ weights)`, summed over the columns in
    /// order: total₀ = 0, totalⱼ₊₁ = totalⱼ + value · weightⱼ (no fused multiply-add).
    public static func scoreRows(_ part: FramePart, weights: [Double], columns: [String], into: String) throws(KernelError) -> FramePart {
        guard weights.count >= columns.count else {
            throw KernelError("score_rows has \(weights.count) weights for \(columns.count) columns")
        }
        var total = [Double](repeating: 0, count: part.rows)
        for (j, name) in columns.enumerated() {
            guard let c = part.column(name) else { throw KernelError("the partition has no column `\(name)`") }
            guard let v = c.asFloat64 else { throw KernelError("column `\(name)` (\(c.dtypeName)) is not numeric") }
            let w = weights[j]
            v.withUnsafeBufferPointer { src in
                total.withUnsafeMutableBufferPointer { dst in
                    for i in 0..<dst.count {
                        let product = src[i] * w
                        dst[i] = dst[i] + product
                    }
                }
            }
        }
        return part.assigning(into, .float64(total))
    }
}

/// Column reductions of a frame (`reduce: sum|mean|min|max|count over FRAME.COLUMN`) as Dask
/// 2026.8 computes a Series reduction: the pandas reduction of each partition, then batches of
/// `split_every` consecutive partials reduced as a pandas Series, while more than `split_every`
/// remain, then one aggregate over the rest. `mean` is `sum / count`, each its own tree.
public enum FrameReductions {
    /// A partition's partial.
    public static func partial(_ r: Reduction, _ c: FrameColumnData) -> Partial {
        if case .float32(let a) = c, r == .sum || r == .mean {
            let s = FrameGroupbySums.pairwise(ArraySlice(a.map { $0.isNaN ? 0 : $0 }))
            return r == .sum ? .float32Sum(s) : .float32Mean(sum: s, count: Int64(validCount(c)))
        }
        switch r {
        case .count: return .value(.i64(Int64(validCount(c))))
        case .sum: return .value(sum(c))
        case .mean: return .sumCount(sum: sum(c), count: Int64(validCount(c)))
        case .min, .max:
            switch c {
            case .integer(let a, _), .datetime(let a): return a.isEmpty ? .value(.f64(.nan)) : .value(.i64(r == .min ? a.min()! : a.max()!))
            case .bool(let a): return a.isEmpty ? .value(.f64(.nan)) : .value(.i64(r == .min ? (a.allSatisfy { $0 } ? 1 : 0) : (a.contains(true) ? 1 : 0)))
            default: return .value(.f64(nanExtreme(c.asFloat64 ?? [], r == .min)))
            }
        }
    }

    /// pandas' `Series.count()`: the values that are not missing.
    static func validCount(_ c: FrameColumnData) -> Int {
        switch c {
        case .float64(let a): a.reduce(0) { $0 + ($1.isNaN ? 0 : 1) }
        case .float32(let a): a.reduce(0) { $0 + ($1.isNaN ? 0 : 1) }
        case .datetime(let a): a.reduce(0) { $0 + ($1 == Int64.min ? 0 : 1) }
        case .string(let s): s.valid.map { $0.reduce(0) { $0 + ($1 ? 1 : 0) } } ?? s.count
        case .category(let codes, _): codes.reduce(0) { $0 + ($1 < 0 ? 0 : 1) }
        case .integer, .bool: c.count
        }
    }

    /// pandas' `nansum`: float64 values with NaN as 0, numpy's pairwise sum; integers and bools
    /// in int64, wrapping.
    static func sum(_ c: FrameColumnData) -> Scalar {
        switch c {
        case .float64(let a): .f64(Reductions.sum(a.contains { $0.isNaN } ? a.map { $0.isNaN ? 0 : $0 } : a))
        case .integer(let a, _): .i64(Reductions.sum(a))
        case .bool(let a): .i64(Int64(a.reduce(0) { $0 + ($1 ? 1 : 0) }))
        default: .f64(.nan)  // refused before planning (float32, datetime, strings)
        }
    }

    static func nanExtreme(_ a: [Double], _ isMin: Bool) -> Double {
        var best = Double.nan
        for x in a where !x.isNaN {
            if best.isNaN || (isMin ? x < best : x > best) { best = x }
        }
        return best
    }

    /// A batch of partials, reduced as pandas reduces a Series made of them. `bools`: the column
    /// is bool, whose min/max partials with an empty partition's NaN make an object Series (its
    /// min/max a bool); integers with a NaN make a float64 one (its min/max a float64).
    public static func combine(_ r: Reduction, _ parts: [Partial], bools: Bool = false) -> Partial {
        if case .float32Sum? = parts.first {
            return .float32Sum(FrameGroupbySums.pairwise(ArraySlice(parts.map { p -> Float in if case .float32Sum(let s) = p, !s.isNaN { s } else { 0 } })))
        }
        if case .float32Mean? = parts.first {
            var sums: [Float] = [], count: Int64 = 0
            for case .float32Mean(let s, let n) in parts {
                sums.append(s.isNaN ? 0 : s)
                count &+= n
            }
            return .float32Mean(sum: FrameGroupbySums.pairwise(ArraySlice(sums)), count: count)
        }
        if r == .mean {
            var sums: [Partial] = []
            var count: Int64 = 0
            for case .sumCount(let s, let n) in parts {
                sums.append(.value(s))
                count &+= n
            }
            guard case .value(let s) = combine(.sum, sums) else { return .sumCount(sum: .f64(.nan), count: count) }
            return .sumCount(sum: s, count: count)
        }
        let values = parts.compactMap { p -> Scalar? in if case .value(let s) = p { s } else { nil } }
        switch r {
        case .sum, .count:
            if values.allSatisfy({ if case .i64 = $0 { true } else { false } }) {
                return .value(.i64(values.reduce(Int64(0)) { $0 &+ ($1.intValue ?? 0) }))
            }
            return .value(.f64(Reductions.sum(values.map { $0.double.isNaN ? 0 : $0.double })))
        default:
            let ints = values.compactMap(\.intValue)
            if ints.count == values.count, !ints.isEmpty { return .value(.i64(r == .min ? ints.min()! : ints.max()!)) }
            if bools, !ints.isEmpty, values.allSatisfy({ $0.intValue != nil || $0.double.isNaN }) {
                return .value(.i64(r == .min ? ints.min()! : ints.max()!))
            }
            return .value(.f64(nanExtreme(values.map(\.double), r == .min)))
        }
    }
}

extension Scalar {
    var intValue: Int64? { if case .i64(let i) = self { i } else { nil } }
}
