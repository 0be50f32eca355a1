import PipelineIR

/// A merge with a `dataframe:` object (Dask: the object as `from_pandas(npartitions=1)`, one task,
/// merged into every partition blockwise): each partition is `part.merge(right, on=KEY, how=HOW)`
/// in pandas — left rows in order, each with its matches in the right frame's order (`left`: a row
/// without a match once, the right columns missing), a new RangeIndex per partition, the left
/// columns then the right's but the key, `_x`/`_y` on a clash. A missing value turns an integer
/// column into float64 (pandas), a bool column into objects (written as `True`/`False`).
public enum FrameMerges {
    enum Key: Hashable {
        case bytes(ArraySlice<UInt8>)
        case int(Int64)
        case float(Double)
    }

    static func keys(_ c: FrameColumnData) -> [Key?] {
        switch c {
        case .string(let s): return (0..<s.count).map { s.isValid($0) ? .bytes(s.slice($0)) : nil }
        case .category(let codes, _): return codes.map { $0 < 0 ? nil : .bytes(ArraySlice(Array("c\($0)".utf8))) }
        case .integer(let a, let t): return t == .uint64 ? a.map { $0 < 0 ? .float(Double(UInt64(bitPattern: $0))) : .int($0) } : a.map { .int($0) }
        case .bool(let a): return a.map { .int($0 ? 1 : 0) }
        case .datetime(let a): return a.map { $0 == Int64.min ? nil : .int($0) }
        case .float64(let a): return a.map { $0.isNaN ? nil : (Int64(exactly: $0).map { .int($0) } ?? .float($0)) }
        case .float32(let a): return a.map { $0.isNaN ? nil : (Int64(exactly: Double($0)).map { .int($0) } ?? .float(Double($0))) }
        }
    }

    /// Rows `picks` of a column (nil: missing).
    static func gather(_ c: FrameColumnData, _ picks: [Int?]) -> FrameColumnData {
        let missing = picks.contains { $0 == nil }
        switch c {
        case .float64(let a): return .float64(picks.map { $0.map { a[$0] } ?? .nan })
        case .float32(let a): return .float32(picks.map { $0.map { a[$0] } ?? .nan })
        case .integer(let a, let t):
            if !missing { return .integer(picks.map { a[$0!] }, t) }
            return .float64(picks.map { $0.map { t == .uint64 ? Double(UInt64(bitPattern: a[$0])) : Double(a[$0]) } ?? .nan })
        case .bool(let a):
            if !missing { return .bool(picks.map { a[$0!] }) }
            var s = FrameStrings()
            for p in picks { s.append(p.map { Array((a[$0] ? "True" : "False").utf8) }) }
            return .string(s)
        case .datetime(let a): return .datetime(picks.map { $0.map { a[$0] } ?? Int64.min })
        case .category(let codes, let k): return .category(codes: picks.map { $0.map { codes[$0] } ?? -1 }, count: k)
        case .string(let s):
            var out = FrameStrings()
            for p in picks { out.append(p.flatMap { s.isValid($0) ? s.slice($0) : nil }) }
            return .string(out)
        }
    }

    /// One partition merged with the whole right frame; `names`: the result's columns.
    public static func broadcast(_ left: FramePart, _ right: FramePart, on key: String, how: MergeHow, names: [String]) throws(KernelError) -> FramePart {
        guard let lk = left.column(key), let rk = right.column(key) else { throw KernelError("both frames need the column `\(key)`") }
        var index: [Key: [Int]] = [:]
        for (i, k) in keys(rk).enumerated() { if let k { index[k, default: []].append(i) } }
        var lp: [Int?] = []
        var rp: [Int?] = []
        for (i, k) in keys(lk).enumerated() {
            if let k, let rows = index[k] {
                for r in rows { lp.append(i); rp.append(r) }
            } else if how == .left {
                lp.append(i)
                rp.append(nil)
            }
        }
        var columns = left.columns.map { gather($0, lp) }
        for (name, c) in zip(right.names, right.columns) where name != key { columns.append(gather(c, rp)) }
        guard columns.count == names.count else { throw KernelError("the merge gives \(columns.count) columns, its schema \(names.count)") }
        return FramePart(start: 0, rows: lp.count, names: names, columns: columns)
    }

    /// The partitions as pandas concatenates them: a column that is float64 in one partition and
    /// integer in another is float64 in all (`pd.concat`).
    public static func concatenated(_ parts: [FramePart]) -> [FramePart] {
        guard let first = parts.first else { return parts }
        var out = parts
        for c in first.columns.indices {
            let anyFloat = parts.contains { if case .float64 = $0.columns[c] { true } else { false } }
            let anyInt = parts.contains { if case .integer = $0.columns[c] { true } else { false } }
            guard anyFloat && anyInt else { continue }
            for p in out.indices {
                if case .integer = out[p].columns[c], let d = out[p].columns[c].asFloat64 { out[p].columns[c] = .float64(d) }
            }
        }
        return out
    }
}

extension PlanBuilder {
    /// A merge with a `dataframe:` object: the object built on the client and preloaded (one copy
    /// per worker, as Dask's one-partition frame is fetched once per worker), then one task per
    /// left partition. Two collections (a p2p hash join) are not executed yet.
    mutating func planMerge(_ m: FrameMerge, layer l: Graph.Layer) throws(ExecutorError) {
        guard case .broadcast(let declared) = m.route, m.how == .left || m.how == .inner, let e = l.inputs.first, let names = l.frame?.columns.map(\.name) else {
            let what = m.isBroadcast ? "a `how: \(m.how.rawValue)` merge with a pandas frame" : "a merge of two collections"
            throw ExecutorError(.refused, "`pipelint run` does not execute step `\(l.name)` (\(what)) yet", at: l.nameRange, in: source,
                                help: "run it on Dask: `pipelint run --engine dask \(source.path)` (or `pipelint export --to dask`)")
        }
        let li = l.id.index
        let right = try buildObject(declared)
        clientObjects[li] = right
        let holder = add(.preloaded(layer: li), layer: li, deps: [], keep: true)
        objectTask[li] = holder
        merges[li] = (m.on, m.how, names)
        firstTask[li] = ops.count
        for c in 0..<l.grid.chunkCount {
            _ = add(.map(layer: li, chunk: c), layer: li, deps: [firstTask[e.source.index] + c, holder], keep: l.output != nil)
        }
    }
}

extension PipelinePlan {
    /// One left partition merged with the preloaded right frame.
    func mergeTask(_ l: Int, _ inputs: [Value]) throws -> FramePart {
        guard let spec = merges[l], inputs.count == 2, case .frame(let left) = inputs[0], case .object(let o) = inputs[1], case .frame(let right) = o else {
            throw TaskFailure(message: "a merge needs its partition and the right frame")
        }
        do {
            return try FrameMerges.broadcast(left, right, on: spec.on, how: spec.how, names: spec.names)
        } catch {
            throw TaskFailure(message: error.message)
        }
    }
}
