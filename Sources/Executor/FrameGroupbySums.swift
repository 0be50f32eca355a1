import PipelineIR

/// Groupby-sum of a frame (`groupby: FRAME, by: KEY, sum: COLUMN`) as Dask 2026.8 computes
/// `frame.groupby(key)[column].sum(split_every=s, split_out=1)` (docs/kernels.md, "Groupby sums"):
/// per partition pandas' `groupby(key, observed=True)[column].sum()` (groups sorted by key,
/// missing keys dropped), then batches of `split_every` consecutive partials concatenated and
/// summed again with `groupby(level=0, sort=None)` (groups in order of first appearance), while
/// more remain, then one aggregate of the rest. Each group's float sum is pandas' `group_sum`:
/// Kahan-compensated, in row order, NaN skipped (a group of NaN only sums to 0).
/// A partial or the result is a two-column partition `[key, sum]`.
public enum FrameGroupbySums {
    /// Group number of each row (-1: missing key) and the first row of each group, groups
    /// numbered in order of first appearance.
    static func groups(_ key: FrameColumnData) -> (ids: [Int32], firsts: [Int]) {
        var ids = [Int32](repeating: -1, count: key.count)
        var firsts: [Int] = []
        func number<K: Hashable>(_ n: Int, _ keyOf: (Int) -> K?) {
            var seen: [K: Int32] = [:]
            for i in 0..<n {
                guard let k = keyOf(i) else { continue }
                if let g = seen[k] { ids[i] = g } else {
                    let g = Int32(firsts.count)
                    seen[k] = g
                    firsts.append(i)
                    ids[i] = g
                }
            }
        }
        switch key {
        case .integer(let a, _), .datetime(let a): number(a.count) { a[$0] }
        case .bool(let a): number(a.count) { a[$0] }
        case .category(let codes, _): number(codes.count) { codes[$0] < 0 ? nil : codes[$0] }
        case .string(let s): number(s.count) { s.isValid($0) ? s.slice($0) : nil }
        case .float64(let a): number(a.count) { a[$0].isNaN ? nil : a[$0] }
        case .float32(let a): number(a.count) { a[$0].isNaN ? nil : a[$0] }
        }
        return (ids, firsts)
    }

    /// Whether key row `i` sorts before row `j` (pandas' sort of the group keys).
    static func precedes(_ key: FrameColumnData, _ i: Int, _ j: Int) -> Bool {
        switch key {
        case .integer(let a, let t): return t == .uint64 ? UInt64(bitPattern: a[i]) < UInt64(bitPattern: a[j]) : a[i] < a[j]
        case .datetime(let a): return a[i] < a[j]
        case .bool(let a): return !a[i] && a[j]
        case .category(let c, _): return c[i] < c[j]
        case .string(let s): return s.slice(i).lexicographicallyPrecedes(s.slice(j))
        case .float64(let a): return a[i] < a[j]
        case .float32(let a): return a[i] < a[j]
        }
    }

    /// The sums of `value` per group (`ids` numbered in the result's group order, -1: missing key),
    /// as pandas 3.1 computes `groupby(...).sum()`: when the ids are non-decreasing (rows already in
    /// group order) and a float column holds no NaN, numpy's `add.reduceat` over each run of rows
    /// (`a[s] + pairwise(a[s+1..<e])`, in the column's float precision); otherwise the cython
    /// `group_sum` in row order (floats Kahan-compensated in their own precision, NaN skipped).
    /// Integers and bools sum in int64 (unsigned in uint64), wrapping; an integer result keeps the
    /// column's dtype when every sum fits it (pandas' `maybe_downcast_to_dtype`), else int64/uint64.
    static func sums(_ value: FrameColumnData, ids: [Int32], groups n: Int) throws(KernelError) -> FrameColumnData {
        let sorted = zip(ids, ids.dropFirst()).allSatisfy { $0 <= $1 }
        switch value {
        case .float64(let a):
            return .float64(sorted && !a.contains(where: \.isNaN) ? reduceat(a, ids, n) : kahan(a, ids, n))
        case .float32(let a):
            return .float32(sorted && !a.contains(where: \.isNaN) ? reduceat(a, ids, n) : kahan(a, ids, n))
        case .integer(let a, let t):
            var sum = [Int64](repeating: 0, count: n)
            for i in 0..<a.count where ids[i] >= 0 { sum[Int(ids[i])] &+= a[i] }
            let wide: NumericType = t == .uint64 || !t.rawValue.hasPrefix("int") ? .uint64 : .int64
            let fits = sum.allSatisfy { wide == .uint64 ? $0 >= 0 && FrameGeneration.wrap($0, to: t) == $0 : FrameGeneration.wrap($0, to: t) == $0 }
            return .integer(sum, fits ? t : wide)
        case .bool(let a):
            var sum = [Int64](repeating: 0, count: n)
            for i in 0..<a.count where ids[i] >= 0 && a[i] { sum[Int(ids[i])] &+= 1 }
            return .integer(sum, .int64)
        default:
            throw KernelError("`pipelint run` sums int, uint, bool, float32 and float64 columns by group (not \(value.dtypeName))")
        }
    }

    /// pandas' cython `group_sum`: Kahan-compensated in row order in the values' precision, NaN
    /// skipped, a compensation that turns NaN (an infinite value) reset to 0.
    static func kahan<F: BinaryFloatingPoint>(_ a: [F], _ ids: [Int32], _ n: Int) -> [F] {
        var sum = [F](repeating: 0, count: n), comp = [F](repeating: 0, count: n)
        for i in 0..<a.count where ids[i] >= 0 && !a[i].isNaN {
            let g = Int(ids[i])
            let y = a[i] - comp[g]
            let t = sum[g] + y
            comp[g] = t - sum[g] - y
            if comp[g].isNaN { comp[g] = 0 }
            sum[g] = t
        }
        return sum
    }

    /// numpy's `add.reduceat` over the runs of equal ids (rows with id -1 come first and are skipped):
    /// each run `a[s] + pairwise(a[s+1..<e])`; a group with no run sums to 0.
    static func reduceat<F: BinaryFloatingPoint>(_ a: [F], _ ids: [Int32], _ n: Int) -> [F] {
        var sum = [F](repeating: 0, count: n)
        var s = 0
        while s < a.count {
            var e = s + 1
            while e < a.count && ids[e] == ids[s] { e += 1 }
            if ids[s] >= 0 { sum[Int(ids[s])] = e - s == 1 ? a[s] : a[s] + pairwise(a[(s + 1)..<e]) }
            s = e
        }
        return sum
    }

    /// numpy's pairwise sum in the values' precision (docs/kernels.md, "Reductions"): below 8 values a
    /// loop from 0; up to 128 eight accumulators; above, the two halves split at a multiple of 8.
    static func pairwise<F: BinaryFloatingPoint>(_ a: ArraySlice<F>) -> F {
        let n = a.count, b = a.startIndex
        if n < 8 {
            var r: F = 0
            for x in a { r += x }
            return r
        }
        if n <= 128 {
            var r = (0..<8).map { a[b + $0] }
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += a[b + i + j] }
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                res += a[b + i]
                i += 1
            }
            return res
        }
        let n2 = n / 2 - (n / 2) % 8
        return pairwise(a[b..<(b + n2)]) + pairwise(a[(b + n2)...])
    }

    /// One partition's group sums, groups sorted by key.
    public static func partial(_ part: FramePart, key: String, value: String) throws(KernelError) -> FramePart {
        guard let k = part.column(key), let v = part.column(value) else { throw KernelError("the partition has no column `\(key)` or `\(value)`") }
        let (ids, firsts) = groups(k)
        let order = firsts.indices.sorted { precedes(k, firsts[$0], firsts[$1]) }
        var rank = [Int32](repeating: 0, count: order.count)
        for (r, g) in order.enumerated() { rank[g] = Int32(r) }
        let s = try sums(v, ids: ids.map { $0 < 0 ? -1 : rank[Int($0)] }, groups: firsts.count)
        return FramePart(start: 0, rows: order.count, names: [key, value], columns: [k.select(order.map { firsts[$0] }), s])
    }

    /// Partials concatenated in order and summed again by key, groups in order of first appearance.
    public static func combine(_ parts: [FramePart], key: String, value: String) throws(KernelError) -> FramePart {
        guard let first = parts.first else { throw KernelError("no partial sums") }
        let k = concat(parts.map { $0.columns[0] }) ?? first.columns[0]
        let v = concat(parts.map { $0.columns[1] }) ?? first.columns[1]
        let (ids, firsts) = groups(k)
        let s = try sums(v, ids: ids, groups: firsts.count)
        return FramePart(start: 0, rows: firsts.count, names: [key, value], columns: [k.select(firsts), s])
    }

    /// The whole tree in one process, in the plan's order (`planGroupby`): a partial per partition,
    /// batches of `splitEvery` consecutive partials combined while more remain, then the aggregate.
    public static func tree(_ parts: [FramePart], key: String, value: String, splitEvery: Int) throws(KernelError) -> FramePart {
        var level = try parts.map { p throws(KernelError) in try partial(p, key: key, value: value) }
        let s = max(splitEvery, 2)
        while level.count > s {
            level = try stride(from: 0, to: level.count, by: s).map { i throws(KernelError) in
                try combine(Array(level[i..<min(i + s, level.count)]), key: key, value: value)
            }
        }
        return try combine(level, key: key, value: value)
    }

    /// Columns of one kind appended (nil when the kinds differ).
    static func concat(_ cols: [FrameColumnData]) -> FrameColumnData? {
        guard let first = cols.first else { return nil }
        switch first {
        case .float64: return .float64(cols.flatMap { c -> [Double] in if case .float64(let a) = c { return a }; return [] })
        case .float32: return .float32(cols.flatMap { c -> [Float] in if case .float32(let a) = c { return a }; return [] })
        case .integer(_, let t):
            // pd.concat of partials whose sums kept different integer dtypes: numpy's promotion.
            let common = cols.reduce(t) { r, c in if case .integer(_, let u) = c { FrameRowKernels.promote(r, u) } else { r } }
            return .integer(cols.flatMap { c -> [Int64] in if case .integer(let a, _) = c { return a }; return [] }, common)
        case .datetime: return .datetime(cols.flatMap { c -> [Int64] in if case .datetime(let a) = c { return a }; return [] })
        case .bool: return .bool(cols.flatMap { c -> [Bool] in if case .bool(let a) = c { return a }; return [] })
        case .category(_, let k): return .category(codes: cols.flatMap { c -> [Int32] in if case .category(let codes, _) = c { return codes }; return [] }, count: k)
        case .string:
            var out = FrameStrings()
            for case .string(let s) in cols { for i in 0..<s.count { out.append(s.isValid(i) ? s.slice(i) : nil) } }
            return .string(out)
        }
    }
}

extension PlanBuilder {
    /// A groupby-sum: a partial per input partition, batches of `split_every` consecutive
    /// partials while more remain, then one aggregate (Dask's `TreeReduce` with split_out=1).
    mutating func planGroupby(_ g: FrameGroupby, layer l: Graph.Layer) {
        guard let e = l.inputs.first(where: { $0.role == .block(0) }) else { return }
        let li = l.id.index
        let input = e.source.index
        groupbys[li] = (g.key.name, g.value.name)
        partialSource[li] = input
        var keys = (0..<graph[e.source].grid.chunkCount).map { add(.partial(layer: li, chunk: $0), layer: li, deps: [firstTask[input] + $0], keep: false) }
        let s = max(g.splitEvery, 2)
        while keys.count > s {
            keys = stride(from: 0, to: keys.count, by: s).map { add(.combine(layer: li, final: false), layer: li, deps: Array(keys[$0..<min($0 + s, keys.count)]), keep: false) }
        }
        finalTask[li] = add(.combine(layer: li, final: true), layer: li, deps: keys, keep: l.output != nil)
        firstTask[li] = finalTask[li]
    }
}

extension PipelinePlan {
    /// A groupby-sum's partial or combine task.
    func groupbyTask(_ l: Int, partial: Bool, _ inputs: [Value]) throws -> FramePart {
        guard let (key, value) = groupbys[l] else { throw TaskFailure(message: "not a groupby") }
        let parts = inputs.compactMap { if case .frame(let p) = $0 { p } else { nil } }
        do {
            if partial {
                guard let p = parts.first else { throw TaskFailure(message: "missing input partition") }
                return try FrameGroupbySums.partial(p, key: key, value: value)
            }
            return try FrameGroupbySums.combine(parts, key: key, value: value)
        } catch let e as KernelError {
            throw TaskFailure(message: e.message)
        }
    }
}
