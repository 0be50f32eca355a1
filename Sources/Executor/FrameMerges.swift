import Foundation
import PipelineIR

/// A merge with a `dataframe:` object (Dask: the object as `from_pandas(npartitions=1)`, one task,
/// merged into every partition blockwise): each partition is `part.merge(right, on=KEY, how=HOW)`
/// in pandas — left rows in order, each with its matches in the right frame's order (`left`: a row
/// without a match once, the right columns missing), a new RangeIndex per partition, the left
/// columns then the right's but the key, `_x`/`_y` on a clash. A missing value turns an integer
/// column into float64 (pandas), a bool column into objects (written as `True`/`False`).
public enum FrameMerges {
    /// A key as pandas matches it: equal numbers match whatever their dtype, strings by their
    /// bytes, categories of both sides by code; every missing key (NaN, NaT, `<NA>`) matches
    /// every other missing key, as in pandas.
    enum Key: Hashable {
        case bytes(ArraySlice<UInt8>)
        case int(Int64)
        case float(Double)
        case missing

        /// pandas' order of an outer join's keys: numbers ascending, strings by code point (their
        /// UTF-8 bytes), missing keys last.
        static func precedes(_ a: Key, _ b: Key) -> Bool {
            switch (a, b) {
            case (.missing, _): return false
            case (_, .missing): return true
            case (.int(let x), .int(let y)): return x < y
            case (.bytes(let x), .bytes(let y)): return x.lexicographicallyPrecedes(y)
            case (.bytes, _): return false
            case (_, .bytes): return true
            default: return a.number < b.number
            }
        }

        var number: Double {
            switch self {
            case .int(let v): Double(v)
            case .float(let v): v
            default: .nan
            }
        }
    }

    /// The keys of a column; `codes`: a category column matched with another category column by
    /// code (Dask unions both sides' categories `c0…`, so a code names the same category on both).
    static func keys(_ c: FrameColumnData, codes: Bool = false) -> [Key] {
        switch c {
        case .string(let s): return (0..<s.count).map { s.isValid($0) ? .bytes(s.slice($0)) : .missing }
        case .category(let cs, _) where codes: return cs.map { $0 < 0 ? .missing : .int(Int64($0)) }
        case .category(let cs, _): return cs.map { $0 < 0 ? .missing : .bytes(ArraySlice(Array("c\($0)".utf8))) }
        case .integer(let a, let t): return t == .uint64 ? a.map { $0 < 0 ? .float(Double(UInt64(bitPattern: $0))) : .int($0) } : a.map { .int($0) }
        case .bool(let a): return a.map { .int($0 ? 1 : 0) }
        case .datetime(let a): return a.map { $0 == Int64.min ? .missing : .int($0) }
        case .float64(let a): return a.map(number)
        case .float32(let a): return a.map { number(Double($0)) }
        }
    }

    static func number(_ d: Double) -> Key {
        d.isNaN ? .missing : (Int64(exactly: d).map { .int($0) } ?? .float(d))
    }

    /// Rows `picks` of a column (nil: missing). A missing value turns an integer column into
    /// float64 and a bool column into objects (written `True`/`False`), as pandas' merge does.
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

    /// Which rows of each side make each result row, in pandas' order (`sort=False`): `inner` and
    /// `left` in the left's order, each row with its matches in the right's order (`left`: an
    /// unmatched row once); `right` the same with the sides swapped; `outer` by key (sorted, missing
    /// keys last), each key's left rows each with the key's right rows, an unmatched row once.
    /// `missingFirst`: an outer join of two category keys sorts by code, a missing key (−1) first.
    static func pairs(_ lk: [Key], _ rk: [Key], how: MergeHow, missingFirst: Bool = false) -> (left: [Int?], right: [Int?]) {
        var lp: [Int?] = []
        var rp: [Int?] = []
        func index(_ keys: [Key]) -> [Key: [Int]] {
            var out: [Key: [Int]] = [:]
            for (i, k) in keys.enumerated() { out[k, default: []].append(i) }
            return out
        }
        switch how {
        case .inner, .left:
            let r = index(rk)
            for (i, k) in lk.enumerated() {
                if let rows = r[k] {
                    for j in rows { lp.append(i); rp.append(j) }
                } else if how == .left { lp.append(i); rp.append(nil) }
            }
        case .right:
            let l = index(lk)
            for (j, k) in rk.enumerated() {
                if let rows = l[k] {
                    for i in rows { lp.append(i); rp.append(j) }
                } else { lp.append(nil); rp.append(j) }
            }
        case .outer:
            let l = index(lk)
            let r = index(rk)
            var all = Set(l.keys).union(r.keys).sorted(by: Key.precedes)
            if missingFirst, all.last == .missing { all.insert(all.removeLast(), at: 0) }
            for k in all {
                let ls = l[k] ?? []
                let rs = r[k] ?? []
                if rs.isEmpty { for i in ls { lp.append(i); rp.append(nil) } }
                else if ls.isEmpty { for j in rs { lp.append(nil); rp.append(j) } }
                else { for i in ls { for j in rs { lp.append(i); rp.append(j) } } }
            }
        }
        return (lp, rp)
    }

    /// `left.merge(right, on=key, how=how)` in pandas: the left's columns (the key in its place,
    /// taken from the left row, or the right one where there is none), then the right's but the
    /// key; a new RangeIndex. `names`: the result's columns (with `_x`/`_y`).
    public static func merge(_ left: FramePart, _ right: FramePart, on key: String, how: MergeHow, names: [String]) throws(KernelError) -> FramePart {
        guard let lk = left.column(key), let rk = right.column(key) else { throw KernelError("both frames need the column `\(key)`") }
        let codes: Bool
        if case .category = lk, case .category = rk { codes = true } else { codes = false }
        let (lp, rp) = pairs(keys(lk, codes: codes), keys(rk, codes: codes), how: how, missingFirst: codes)
        var columns: [FrameColumnData] = []
        for (name, c) in zip(left.names, left.columns) {
            if name == key && (how == .right || how == .outer) {
                // The key of a row without a left row is the right one's: both key columns end to end.
                let both = try concat([lk, rk])
                columns.append(gather(both, zip(lp, rp).map { $0 ?? $1.map { left.rows + $0 } }))
            } else {
                columns.append(gather(c, lp))
            }
        }
        for (name, c) in zip(right.names, right.columns) where name != key { columns.append(gather(c, rp)) }
        guard columns.count == names.count else { throw KernelError("the merge gives \(columns.count) columns, its schema \(names.count)") }
        return FramePart(start: 0, rows: lp.count, names: names, columns: columns)
    }

    /// One partition merged with the whole right frame (a `dataframe:` object, or a collection's
    /// only partition): Dask's blockwise merge.
    public static func broadcast(_ left: FramePart, _ right: FramePart, on key: String, how: MergeHow, names: [String]) throws(KernelError) -> FramePart {
        try merge(left, right, on: key, how: how, names: names)
    }

    /// Columns end to end, as pandas concatenates them: one dtype kept (integers of two widths as
    /// int64, categories with the larger category count), integers or bools with floats as
    /// float64, strings, bools and categories together as objects (`True`/`False`, `c3`).
    static func concat(_ cs: [FrameColumnData]) throws(KernelError) -> FrameColumnData {
        guard let first = cs.first else { throw KernelError("nothing to concatenate") }
        if cs.count == 1 { return first }
        let f64 = cs.compactMap { c -> [Double]? in if case .float64(let a) = c { return a }; return nil }
        if f64.count == cs.count { return .float64(f64.flatMap { $0 }) }
        let f32 = cs.compactMap { c -> [Float]? in if case .float32(let a) = c { return a }; return nil }
        if f32.count == cs.count { return .float32(f32.flatMap { $0 }) }
        let ints = cs.compactMap { c -> (a: [Int64], t: NumericType)? in if case .integer(let a, let t) = c { return (a, t) }; return nil }
        if ints.count == cs.count {
            let t = ints[0].t
            return .integer(ints.flatMap(\.a), ints.allSatisfy { $0.t == t } ? t : .int64)
        }
        let bools = cs.compactMap { c -> [Bool]? in if case .bool(let a) = c { return a }; return nil }
        if bools.count == cs.count { return .bool(bools.flatMap { $0 }) }
        let times = cs.compactMap { c -> [Int64]? in if case .datetime(let a) = c { return a }; return nil }
        if times.count == cs.count { return .datetime(times.flatMap { $0 }) }
        let cats = cs.compactMap { c -> (codes: [Int32], k: Int)? in if case .category(let a, let k) = c { return (a, k) }; return nil }
        if cats.count == cs.count { return .category(codes: cats.flatMap(\.codes), count: cats.map(\.k).max() ?? 0) }
        if cs.allSatisfy({ $0.asFloat64 != nil }) { return .float64(cs.flatMap { $0.asFloat64 ?? [] }) }
        var out = FrameStrings()
        for c in cs {
            switch c {
            case .string(let s): for i in 0..<s.count { out.append(s.isValid(i) ? s.slice(i) : nil) }
            case .bool(let a): for v in a { out.append(Array((v ? "True" : "False").utf8)) }
            case .category(let codes, _): for v in codes { out.append(v < 0 ? nil : Array("c\(v)".utf8)) }
            default: throw KernelError("cannot put a \(c.dtypeName) column after a \(first.dtypeName) one")
            }
        }
        return .string(out)
    }

    /// Partitions end to end (the shards one output partition receives): their columns
    /// concatenated, a new RangeIndex (or, `keepingLabels`, each part's index labels, as `pd.concat`).
    static func concat(_ parts: [FramePart], keepingLabels: Bool = false) throws(KernelError) -> FramePart {
        guard let first = parts.first else { throw KernelError("no shards") }
        if parts.count == 1 { return first }
        var columns: [FrameColumnData] = []
        for c in first.columns.indices {
            guard parts.allSatisfy({ $0.columns.count == first.columns.count }) else { throw KernelError("shards with different columns") }
            columns.append(try concat(parts.map { $0.columns[c] }))
        }
        let labels = keepingLabels ? parts.flatMap { p in (0..<p.rows).map { p.label($0) } } : nil
        return FramePart(start: 0, rows: parts.reduce(0) { $0 + $1.rows }, names: first.names, columns: columns, labels: labels)
    }

    /// Dask's p2p transfer of one input partition: its rows split by output partition
    /// (`FrameHashing.partitions`), each shard in the partition's row order.
    public static func split(_ part: FramePart, on key: String, into n: Int) throws(KernelError) -> [FramePart] {
        guard let k = part.column(key) else { throw KernelError("the frame has no column `\(key)`") }
        var rows = Array(repeating: [Int?](), count: max(1, n))
        for (i, p) in FrameHashing.partitions(k, into: n).enumerated() { rows[p].append(i) }
        return rows.map { picks in
            FramePart(start: 0, rows: picks.count, names: part.names, columns: part.columns.map { gather($0, picks) })
        }
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

extension FrameMerges {
    /// The most dependencies a hash join's merge tasks may have together (4 bytes each).
    public static let maxJoinEdges = 20_000_000
}

extension FrameMerges {
    /// How a hash or broadcast join's tasks read their inputs.
    public struct Join: Sendable {
        /// Hash join: the left's partition count (its splits come first in a merge task's inputs).
        /// Broadcast join: the other side's partition (first input) and the broadcast side's.
        var hash: Bool
        var left: Int
        /// Broadcast join: whether the broadcast side is the left one, its partition count, and
        /// whether it was shuffled (`how` is not `inner`: its splits follow, not its partitions).
        var broadcastLeft = false
        var broadcast = 0
        var shuffled = false
        /// Output partitions of a split: the hash join's, or the broadcast side's.
        var splitInto: Int
    }
}

extension PlanBuilder {
    /// A merge as Dask lowers it (`MergePlan`, the estimate's plan too). A `dataframe:` object is built on the
    /// client and preloaded (one copy per worker, as Dask's one-partition frame is fetched once per
    /// worker). Blockwise: one task per output partition. Hash join: one split task per input
    /// partition (Dask's transfer), one merge task per output partition reading its shard of
    /// every split. Broadcast join: one task per partition of the larger side, reading every
    /// partition of the broadcast side (shuffled first by split tasks unless `how` is `inner`).
    mutating func planMerge(_ m: FrameMerge, layer l: Graph.Layer) throws(ExecutorError) {
        guard let e = l.inputs.first, let names = l.frame?.columns.map(\.name) else {
            throw ExecutorError(.input, "step `\(l.name)` merges no frame", at: l.nameRange, in: source)
        }
        let li = l.id.index
        let leftFirst = firstTask[e.source.index]
        let nl = graph[e.source].grid.chunkCount
        var rightFirst: Int
        var nr = 1
        if case .broadcast(let declared) = m.route {
            clientObjects[li] = try buildObject(declared)
            rightFirst = add(.preloaded(layer: li), layer: li, deps: [], keep: true)
            objectTask[li] = rightFirst
        } else {
            guard l.inputs.count > 1 else { throw ExecutorError(.input, "step `\(l.name)` merges with no frame", at: l.nameRange, in: source) }
            rightFirst = firstTask[l.inputs[1].source.index]
            nr = graph[l.inputs[1].source].grid.chunkCount
        }
        let n = max(nl, nr)
        guard n == l.grid.chunkCount else {
            throw ExecutorError(.input, "step `\(l.name)` has \(l.grid.chunkCount) partitions, not max(\(nl), \(nr))", at: l.nameRange, in: source)
        }
        merges[li] = (m.on, m.how, names)
        let keep = l.output != nil
        switch MergePlan.choose(left: nl, right: nr, how: m.how) {
        case .blockwise:
            firstTask[li] = ops.count
            for c in 0..<n { _ = add(.map(layer: li, chunk: c), layer: li, deps: [leftFirst + min(c, nl - 1), rightFirst + min(c, nr - 1)], keep: keep) }
        case .hashJoin:
            // Every merge task reads every split (Dask has two barriers between them): bounded.
            let edges = (nl + nr).multipliedReportingOverflow(by: n)
            guard !edges.overflow, edges.partialValue <= FrameMerges.maxJoinEdges else {
                throw ExecutorError(.refused, "`pipelint run` does not execute step `\(l.name)` (a hash join of \(nl) and \(nr) partitions: each of its \(n) merge tasks reads every split, over \(FrameMerges.maxJoinEdges) dependencies) yet",
                                    at: l.nameRange, in: source, help: "run it on Dask: `pipelint run --engine dask \(source.path)` (or `pipelint export --to dask`)")
            }
            joins[li] = FrameMerges.Join(hash: true, left: nl, splitInto: n)
            let splits = ops.count
            for c in 0..<nl { _ = add(.split(layer: li, chunk: c), layer: li, deps: [leftFirst + c], keep: false) }
            for c in 0..<nr { _ = add(.split(layer: li, chunk: nl + c), layer: li, deps: [rightFirst + c], keep: false) }
            firstTask[li] = ops.count
            for c in 0..<n { _ = add(.map(layer: li, chunk: c), layer: li, deps: Array(splits..<(splits + nl + nr)), keep: keep) }
        case .broadcastJoin:
            let bLeft = nl < nr
            // Every merge task reads every partition of the smaller side (fewer than log2(n) / 2).
            let (bFirst, nb, oFirst) = bLeft ? (leftFirst, nl, rightFirst) : (rightFirst, nr, leftFirst)
            let shuffled = m.how != .inner
            joins[li] = FrameMerges.Join(hash: false, left: nl, broadcastLeft: bLeft, broadcast: nb, shuffled: shuffled, splitInto: nb)
            var bDeps = Array(bFirst..<(bFirst + nb))
            if shuffled {
                bDeps = Array(ops.count..<(ops.count + nb))
                for c in 0..<nb { _ = add(.split(layer: li, chunk: c), layer: li, deps: [bFirst + c], keep: false) }
            }
            firstTask[li] = ops.count
            for c in 0..<n { _ = add(.map(layer: li, chunk: c), layer: li, deps: [oFirst + c] + bDeps, keep: keep) }
        }
    }
}

extension PipelinePlan {
    static func part(_ v: Value) -> FramePart? {
        switch v {
        case .frame(let p): p
        case .object(.frame(let p)): p
        default: nil
        }
    }

    static func shard(_ v: Value, _ j: Int) throws -> FramePart {
        guard case .shards(let s) = v, j < s.count else { throw TaskFailure(message: "a join needs every split's shards") }
        return s[j]
    }

    /// A merge task: two partitions merged (blockwise; the right one may be the preloaded frame);
    /// in a hash join, output partition `chunk`'s shards of every split concatenated per side (in
    /// input-partition order) and merged; in a broadcast join, the other side's partition (split
    /// by the key's hash when the broadcast side was shuffled) merged with each broadcast
    /// partition, the non-empty results end to end with their own index labels (`_concat`).
    func mergeTask(_ l: Int, chunk: Int, _ inputs: [Value]) throws -> FramePart {
        guard let spec = merges[l] else { throw TaskFailure(message: "not a merge") }
        do {
            guard let join = joins[l] else {
                guard inputs.count == 2, let left = Self.part(inputs[0]), let right = Self.part(inputs[1]) else {
                    throw TaskFailure(message: "a merge needs two partitions")
                }
                return try FrameMerges.merge(left, right, on: spec.on, how: spec.how, names: spec.names)
            }
            if join.hash {
                let shards = try inputs.map { try Self.shard($0, chunk) }
                guard join.left < shards.count else { throw TaskFailure(message: "a hash join needs both sides") }
                let left = try FrameMerges.concat(Array(shards[..<join.left]))
                let right = try FrameMerges.concat(Array(shards[join.left...]))
                return try FrameMerges.merge(left, right, on: spec.on, how: spec.how, names: spec.names)
            }
            guard inputs.count == join.broadcast + 1, let other = Self.part(inputs[0]) else { throw TaskFailure(message: "a broadcast join needs its partitions") }
            let pieces = join.shuffled ? try FrameMerges.split(other, on: spec.on, into: join.broadcast) : Array(repeating: other, count: join.broadcast)
            var results: [FramePart] = []
            for j in 0..<join.broadcast {
                let b: FramePart
                if join.shuffled {
                    b = try FrameMerges.concat(try inputs.dropFirst().map { try Self.shard($0, j) })
                } else {
                    guard let p = Self.part(inputs[j + 1]) else { throw TaskFailure(message: "a broadcast join needs its partitions") }
                    b = p
                }
                let (x, y) = join.broadcastLeft ? (b, pieces[j]) : (pieces[j], b)
                results.append(try FrameMerges.merge(x, y, on: spec.on, how: spec.how, names: spec.names))
            }
            let kept = results.filter { $0.rows > 0 }
            return kept.isEmpty ? results[0] : try FrameMerges.concat(kept, keepingLabels: true)
        } catch let e as KernelError {
            throw TaskFailure(message: e.message)
        }
    }

    /// A join's split of one input partition (a hash join's left ones first, then its right ones).
    func splitTask(_ l: Int, _ inputs: [Value]) throws -> Value {
        guard let spec = merges[l], let join = joins[l], let v = inputs.first, let p = Self.part(v) else {
            throw TaskFailure(message: "a split needs its partition")
        }
        do {
            return .shards(try FrameMerges.split(p, on: spec.on, into: join.splitInto))
        } catch {
            throw TaskFailure(message: error.message)
        }
    }
}
