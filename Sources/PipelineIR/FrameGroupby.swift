/// Groupby-sum steps of DataFrame pipelines (format 1.2):
/// `per_region: {groupby: with_region, by: region, sum: income}` is
/// `with_region.groupby("region")["income"].sum(split_every=8)` — Dask's tree reduction of the
/// per-partition group sums (dask 2026.8, `dask_expr/_groupby.py` and `_reductions.py`).

/// A `groupby` step as written.
public struct GroupbySpec: Sendable, Hashable {
    /// The frame or frame-valued step grouped.
    public var over: Ref
    /// The key column.
    public var by: String
    public var byRange: SourceRange
    /// The column summed.
    public var column: String
    public var columnRange: SourceRange
    /// Partial results combined per tree node (Dask's `split_every`, default 8).
    public var splitEvery: Int
    /// The key column and the summed column once the front end resolved them.
    public var key: FrameColumn?
    public var value: FrameColumn?
    /// An upper bound of the number of groups, resolved by the front end.
    public var groups: Int = 0
    public init(over: Ref, by: String, byRange: SourceRange, column: String, columnRange: SourceRange, splitEvery: Int = 8) {
        self.over = over
        self.by = by
        self.byRange = byRange
        self.column = column
        self.columnRange = columnRange
        self.splitEvery = splitEvery
    }
}

/// A groupby-sum's layer: the input's partitions (block 0), one result of at most `groups` rows.
public struct FrameGroupby: Sendable, Hashable {
    public var key: FrameColumn
    public var value: FrameColumn
    /// The dtype of the sums (pandas: int64 for signed ints and bools, uint64, the float's own).
    public var sumType: NumericType
    /// An upper bound of the number of groups (observed categories only: pandas 3's default).
    public var groups: Int
    public var splitEvery: Int
    /// Partitions of the grouped frame.
    public var inputPartitions: Int
    public init(key: FrameColumn, value: FrameColumn, sumType: NumericType, groups: Int, splitEvery: Int, inputPartitions: Int) {
        self.key = key
        self.value = value
        self.sumType = sumType
        self.groups = groups
        self.splitEvery = splitEvery
        self.inputPartitions = inputPartitions
    }

    /// Combine tasks of Dask's DataFrame `TreeReduce`: while more than `split_every` partial
    /// results remain, they are combined `split_every` at a time (`toolz.partition_all`).
    public static func combineTasks(partitions: Int, splitEvery: Int) -> Int {
        let s = max(2, splitEvery)
        var n = max(1, partitions), total = 0
        while n > s {
            n = n / s + (n % s == 0 ? 0 : 1)
            total += n
        }
        return total
    }

    /// Tasks beyond the input: per partition the column selection (`getitem`) and the group sums
    /// (`chunk`), the combines and the aggregate (measured: 40 + 40 + 5 + 1 for 40 partitions).
    public var taskCount: Int {
        let n = max(1, inputPartitions)
        guard n <= Int.max / 4 else { return Int.max }
        return 2 * n + Self.combineTasks(partitions: n, splitEvery: splitEvery) + 1
    }

    /// At most how many groups a key column of `rows` rows makes: the distinct raw values its
    /// source can give, through the dtype's range (categories: observed ones only, pandas 3's default).
    public static func groupBound(_ key: FrameColumn, rows: Int) -> Int {
        var bound = max(0, rows)
        if case .random(_, let low, let high) = key.source {
            let span = high - low
            if span.isFinite, span >= 0, span < Double(Int.max) { bound = min(bound, Int(span.rounded(.up))) }
        }
        switch key.type {
        case .category(let k): bound = min(bound, k)
        case .numeric(.bool): bound = min(bound, 2)
        case .numeric(let t) where t.itemSize < 8: bound = min(bound, 1 << (8 * t.itemSize))
        default: break
        }
        return bound
    }

    /// The dtype pandas gives the sums of a `t` column.
    public static func sumType(_ t: ColumnType) -> NumericType {
        guard case .numeric(let n) = t else { return .float64 }
        if n.isFloat { return n }
        if n == .bool { return .int64 }
        return n.rawValue.hasPrefix("u") ? .uint64 : .int64
    }
}
