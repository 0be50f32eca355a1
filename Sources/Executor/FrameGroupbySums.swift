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

    /// The sums of `value` per group, in row order (floats Kahan-compensated as pandas' group_sum;
    /// integers and bools in int64, uint64 by bit pattern, wrapping).
    static func sums(_ value: FrameColumnData, ids: [Int32], groups n: Int) throws(KernelError) -> FrameColumnData {
        switch value {
        case .float64(let a):
            var sum = [Double](repeating: 0, count: n), comp = [Double](repeating: 0, count: n)
            for i in 0..<a.count where ids[i] >= 0 && !a[i].isNaN {
                let g = Int(ids[i])
                let y = a[i] - comp[g]
                let t = sum[g] + y
                comp[g] = t - sum[g] - y
                if comp[g].isNaN { comp[g] = 0 }
                sum[g] = t
            }
            return .float64(sum)
        case .integer(let a, let t):
            var sum = [Int64](repeating: 0, count: n)
            for i in 0..<a.count where ids[i] >= 0 { sum[Int(ids[i])] &+= a[i] }
            return .integer(sum, t == .uint64 ? .uint64 : .int64)
        case .bool(let a):
            var sum = [Int64](repeating: 0, count: n)
            for i in 0..<a.count where ids[i] >= 0 && a[i] { sum[Int(ids[i])] &+= 1 }
            return .integer(sum, .int64)
        default:
            throw KernelError("`pipelint run` sums int, uint, bool and float64 columns by group (not \(value.dtypeName))")
        }
    }

    /// One partition's group sums, groups sorted by key.
    public static func partial(_ part: FramePart, key: String, value: String) throws(KernelError) -> FramePart {
        guard let k = part.column(key), let v = part.column(value) else { throw KernelError("the partition has no column `\(key)` or `\(value)`") }
        let (ids, firsts) = groups(k)
        let s = try sums(v, ids: ids, groups: firsts.count)
        let order = firsts.indices.sorted { precedes(k, firsts[$0], firsts[$1]) }
        return FramePart(start: 0, rows: order.count, names: [key, value], columns: [k.select(order.map { firsts[$0] }), s.select(order)])
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

    /// Columns of one kind appended (nil when the kinds differ).
    static func concat(_ cols: [FrameColumnData]) -> FrameColumnData? {
        guard let first = cols.first else { return nil }
        switch first {
        case .float64: return .float64(cols.flatMap { c -> [Double] in if case .float64(let a) = c { return a }; return [] })
        case .float32: return .float32(cols.flatMap { c -> [Float] in if case .float32(let a) = c { return a }; return [] })
        case .integer(_, let t): return .integer(cols.flatMap { c -> [Int64] in if case .integer(let a, _) = c { return a }; return [] }, t)
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
