/// Row-wise DataFrame steps (format 1.2): `lookup`, `assign` and `filter`. Each keeps its input's
/// partitions (one task per partition); `filter` keeps a subset of each partition's rows.

/// A comparison: `filter`'s `op:` (`>=`), or a condition of `where` in an `assign` expression (`ge`).
public enum CompareOp: String, Sendable, Hashable, CaseIterable {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">="

    /// The operator's name in an `assign` expression (`{gt: [age, 17]}`).
    public var keyword: String {
        switch self {
        case .eq: "eq"
        case .ne: "ne"
        case .lt: "lt"
        case .le: "le"
        case .gt: "gt"
        case .ge: "ge"
        }
    }

    public init?(keyword: String) {
        guard let op = Self.allCases.first(where: { $0.keyword == keyword }) else { return nil }
        self = op
    }

    /// Whether `x op y` holds.
    public func holds(_ x: Double, _ y: Double) -> Bool {
        switch self {
        case .eq: x == y
        case .ne: x != y
        case .lt: x < y
        case .le: x <= y
        case .gt: x > y
        case .ge: x >= y
        }
    }
}

/// Column arithmetic of an `assign` expression: pandas' `+ - * /`.
public enum ArithOp: String, Sendable, Hashable, CaseIterable {
    case add, sub, mul, div

    /// The Python operator.
    public var symbol: String {
        switch self {
        case .add: "+"
        case .sub: "-"
        case .mul: "*"
        case .div: "/"
        }
    }
}

/// An `assign` expression over the columns of one frame.
public indirect enum RowExpr: Sendable, Hashable {
    /// A column of the frame (`income`).
    case column(String, range: SourceRange)
    /// A number written in the expression; `isInteger` when written without a fraction or exponent.
    case number(Double, isInteger: Bool, range: SourceRange)
    /// `{add: [a, b]}`, `{sub: …}`, `{mul: …}`, `{div: …}`.
    case arith(ArithOp, RowExpr, RowExpr, range: SourceRange)
    /// `{where: [cond, a, b]}`: `a` on the rows where `cond` holds, `b` elsewhere (numpy.where).
    case choose(RowCondition, RowExpr, RowExpr, range: SourceRange)

    public var range: SourceRange {
        switch self {
        case .column(_, let r), .number(_, _, let r), .arith(_, _, _, let r), .choose(_, _, _, let r): r
        }
    }

    /// The expression without positions (`mul(income, 2.0)`).
    public var signature: String {
        switch self {
        case .column(let c, _): "[\(c)]"
        case .number(let d, _, _): d.description
        case .arith(let op, let a, let b, _): "\(op.rawValue)(\(a.signature), \(b.signature))"
        case .choose(let c, let a, let b, _): "where(\(c.op.keyword)(\(c.lhs.signature), \(c.rhs.signature)), \(a.signature), \(b.signature))"
        }
    }

    /// The columns the expression reads, in the order written (with repeats).
    public var columns: [String] {
        switch self {
        case .column(let c, _): [c]
        case .number: []
        case .arith(_, let a, let b, _): a.columns + b.columns
        case .choose(let c, let a, let b, _): c.lhs.columns + c.rhs.columns + a.columns + b.columns
        }
    }
}

/// `{gt: [a, b]}`: a comparison of two expressions, row by row.
public struct RowCondition: Sendable, Hashable {
    public var op: CompareOp
    public var lhs: RowExpr
    public var rhs: RowExpr
    public init(op: CompareOp, lhs: RowExpr, rhs: RowExpr) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
    }
}

/// What a row-wise step does to each partition.
public enum RowOp: Sendable, Hashable {
    /// `frame.assign(into=frame[column].map(table))`: `table` is a `dict:` object (or a `series:`).
    case lookup(column: String, columnRange: SourceRange, table: String, tableRange: SourceRange, into: String, intoRange: SourceRange)
    /// `frame.assign(column=expr)`.
    case assign(column: String, columnRange: SourceRange, expr: RowExpr)
    /// `frame[frame[column] op value]`: the rows where the comparison holds.
    case filter(column: String, columnRange: SourceRange, op: CompareOp, value: Double, valueRange: SourceRange)

    /// The step kind's key in the YAML.
    public var keyword: String {
        switch self {
        case .lookup: "lookup"
        case .assign: "assign"
        case .filter: "filter"
        }
    }

    /// What the step computes, without positions: equal for the same computation.
    public var signature: String {
        switch self {
        case .lookup(let c, _, let t, _, let into, _): "lookup \(c) through \(t) into \(into)"
        case .assign(let c, _, let e): "assign \(c) = \(e.signature)"
        case .filter(let c, _, let op, let v, _): "filter \(c) \(op.rawValue) \(v.description)"
        }
    }

    /// The object a lookup maps through.
    public var table: (name: String, range: SourceRange)? {
        if case .lookup(_, _, let t, let r, _, _) = self { return (t, r) }
        return nil
    }
}

/// How many rows of each partition a filter keeps, from the column's source (docs/pipeline-format.md,
/// "Filter sizes"). Exact for a `range` source over a partition of known global rows (O(1) per
/// partition); the expected count for a `random` source; nil when pipelint cannot tell.
public enum FilterRows {
    /// The fraction of values of a `random` column (`low + u mod (high − low)` for integer dtypes,
    /// uniform in `[low, high)` for floats) expected to satisfy `op value`.
    public static func randomFraction(dtype: NumericType, low: Double, high: Double, op: CompareOp, value v: Double) -> Double? {
        guard high > low else { return nil }
        if dtype.isFloat {
            // A continuous uniform value: the probability of `==` is 0.
            let below = min(1, max(0, (v - low) / (high - low)))
            switch op {
            case .lt, .le: return below
            case .gt, .ge: return 1 - below
            case .eq: return 0
            case .ne: return 1
            }
        }
        guard dtype.isInteger || dtype == .bool, let range = representable(dtype), low >= range.lowerBound, high - 1 <= range.upperBound || dtype == .bool else { return nil }
        if dtype == .bool {
            // The value is `raw mod 2 == 1`: count odd raw values in [low, high), compare 0/1.
            let n = high - low
            let odd = (high / 2).rounded(.down) - (low / 2).rounded(.down)
            let t = [0.0, 1.0].filter { op.holds($0, v) }
            return t.reduce(0) { $0 + ($1 == 1 ? odd : n - odd) } / n
        }
        return Double(count(from: low, to: high - 1, op: op, value: v)) / (high - low)
    }

    /// Rows `r` in `[start, start + n)` with `Double(r) op v` — a `range` column holds `r` itself
    /// while every row number fits the dtype.
    public static func rangeCount(start: Int, count n: Int, dtype: NumericType, op: CompareOp, value v: Double) -> Int? {
        guard n > 0 else { return 0 }
        guard let range = representable(dtype), dtype != .bool, Double(start) + Double(n - 1) <= range.upperBound else {
            if dtype == .bool {
                // r mod 2 == 1: odd rows are 1, even rows 0.
                let odd = (start + n) / 2 - start / 2
                return (op.holds(1, v) ? odd : 0) + (op.holds(0, v) ? n - odd : 0)
            }
            return nil
        }
        return count(from: Double(start), to: Double(start + n - 1), op: op, value: v)
    }

    /// Integers `k` in `[a, b]` with `k op v`.
    static func count(from a: Double, to b: Double, op: CompareOp, value v: Double) -> Int {
        guard b >= a else { return 0 }
        let total = b - a + 1
        func clamp(_ x: Double) -> Double { min(total, max(0, x)) }
        let lt = clamp(v.rounded(.up) - a)          // k < v
        let le = clamp(v.rounded(.down) - a + 1)    // k <= v
        let eq = le - lt
        let r: Double
        switch op {
        case .lt: r = lt
        case .le: r = le
        case .gt: r = total - le
        case .ge: r = total - lt
        case .eq: r = eq
        case .ne: r = total - eq
        }
        return Int(r)
    }

    /// The integers a dtype holds exactly (floats: up to 2^24 / 2^53).
    static func representable(_ t: NumericType) -> ClosedRange<Double>? {
        switch t {
        case .bool: 0...1
        case .int8: -128...127
        case .int16: -32_768...32_767
        case .int32: -2_147_483_648...2_147_483_647
        case .int64: -9.0e18...9.0e18
        case .uint8: 0...255
        case .uint16: 0...65_535
        case .uint32: 0...4_294_967_295
        case .uint64: 0...1.8e19
        case .float32: -16_777_216...16_777_216
        case .float64: -9_007_199_254_740_992...9_007_199_254_740_992
        default: nil
        }
    }
}

/// How the rows a filter keeps were sized.
public enum FilterSizing: String, Sendable, Hashable {
    /// Counted: a `range` column over partitions of known global rows.
    case exact
    /// Expected: a `random` column's fraction (or a `range` column after another filter) times each partition's rows.
    case expected
    /// Not known (a computed or merged column): every row kept, an upper bound.
    case unknown
}

extension FilterRows {
    /// The most partitions whose kept rows a filter counts one by one (the YAML node limit's order).
    public static let maxCountedPartitions = 1_000_000

    /// Rows kept per partition by `column op value` over `input`, traced back through row-preserving
    /// layers (lookup, assign, filter, map_partitions) to the frame the column comes from unchanged.
    /// `n × factor` rounded, saturating: rows near Int.max round up to 2⁶³ in Double, which no Int holds.
    static func scaled(_ n: Int, by factor: Double) -> Int {
        let x = (Double(n) * factor).rounded()
        guard x > 0 else { return 0 }  // and NaN
        return x >= 0x1p63 ? Int.max : Int(x)
    }

    public static func grid(over input: Graph.Layer, in layers: [Graph.Layer], column: String, op: CompareOp, value: Double) -> (DimChunks, FilterSizing) {
        let rows = input.grid.dims.first ?? .explicit([])
        // Kept rows are counted per partition; past this many partitions pipelint does not expand
        // them and keeps the upper bound (every row), as for a computed column.
        guard rows.count <= maxCountedPartitions else { return (rows, .unknown) }
        let sizes = (0..<rows.count).map(rows.size)
        var l = input, filtered = false
        while true {
            if case .frame = l.kind { break }
            let rowPreserving: Bool
            switch l.kind {
            case .rows(.filter): rowPreserving = true; filtered = true
            case .rows: rowPreserving = true
            case .mapBlocks where l.frame != nil: rowPreserving = true
            default: rowPreserving = false
            }
            guard rowPreserving, let e = l.inputs.first(where: { $0.role == .block(0) }) else { return (rows, .unknown) }
            l = layers[e.source.index]
        }
        guard case .frame(let f) = l.kind, let c = f.schema.column(named: column), c == input.frame?.column(named: column),
              case .numeric(let dtype) = c.type else { return (rows, .unknown) }
        switch c.source {
        case .random(_, let low, let high):
            guard let fraction = randomFraction(dtype: dtype, low: low, high: high, op: op, value: value) else { return (rows, .unknown) }
            return (.explicit(sizes.map { scaled($0, by: fraction) }), .expected)
        case .range:
            // Exact per partition of the frame; after another filter, scaled by the share of the
            // partition's rows it kept (independent columns assumed).
            var kept: [Int] = [], start = 0
            for (i, n) in sizes.enumerated() {
                let frameRows = i < f.partitions.count ? f.partitions.size(i) : n
                guard let k = rangeCount(start: start, count: frameRows, dtype: dtype, op: op, value: value) else { return (rows, .unknown) }
                kept.append(filtered ? scaled(k, by: Double(n) / Double(max(1, frameRows))) : k)
                start += frameRows
            }
            return (.explicit(kept), filtered ? .expected : .exact)
        }
    }
}

extension RowOp {
    /// Tasks per partition as dispatched by dask 2026.8 (measured; no blockwise fusion on persist):
    /// a lookup is `getitem`, `map`, `assign`; a filter `getitem`, the comparison, the selection;
    /// an assign one task per operation of its expression plus the column reads and `assign`.
    public static func taskCount(_ op: RowOp, partitions: Int) -> Int {
        let perPartition: Int
        switch op {
        case .lookup: perPartition = 3
        case .filter: perPartition = 3
        case .assign(_, _, let e): perPartition = e.operations + Set(e.columns).count + 1
        }
        let (r, o) = partitions.multipliedReportingOverflow(by: perPartition)
        return o ? Int.max : r
    }
}

extension RowExpr {
    /// Operations and comparisons (each a task per partition in Dask; numbers fold into their operation).
    public var operations: Int {
        switch self {
        case .column, .number: 0
        case .arith(_, let a, let b, _): 1 + a.operations + b.operations
        case .choose(let c, let a, let b, _): 2 + c.lhs.operations + c.rhs.operations + a.operations + b.operations
        }
    }
}
