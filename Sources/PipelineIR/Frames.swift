import Foundation

/// DataFrame pipelines (format 1.2): dask.dataframe collections (`frames:`), pandas objects
/// (`dataframe:`, `dict:` of strings) and `map_partitions` steps. A frame's partitions are its
/// chunks: a frame layer has a one-dimensional grid of rows, one task per partition, never expanded.

/// A column's element type.
public enum ColumnType: Sendable, Hashable {
    /// `bool`, the integer and float dtypes, `datetime64[ns]`.
    case numeric(NumericType)
    /// `string[pyarrow]`: value `str(v).zfill(length)`.
    case string(length: Int)
    /// A categorical of `count` categories `c0…c{count-1}`: value category `v mod count`.
    case category(count: Int)

    /// The dtype as pandas names it.
    public var name: String {
        switch self {
        case .numeric(let t): t.rawValue
        case .string: "string"
        case .category: "category"
        }
    }

    /// Whether arithmetic and `score_rows` can read it as a number.
    public var isNumeric: Bool {
        if case .numeric(let t) = self { return !t.isTemporal }
        return false
    }
}

/// Where a column's raw value of global row `r` comes from (docs/pipeline-format.md, "Columns").
public enum ColumnSource: Sendable, Hashable {
    /// `r` itself.
    case range
    /// SplitMix64 at element index `r` (integers for every dtype but floats).
    case random(seed: UInt64, low: Double, high: Double)
}

/// One column of a frame or a `dataframe:` object.
public struct FrameColumn: Sendable, Hashable {
    public var name: String
    public var nameRange: SourceRange
    public var type: ColumnType
    public var source: ColumnSource
    public init(name: String, nameRange: SourceRange, type: ColumnType, source: ColumnSource = .range) {
        self.name = name
        self.nameRange = nameRange
        self.type = type
        self.source = source
    }
}

/// The columns of a frame-valued layer or object, in order.
public struct FrameSchema: Sendable, Hashable {
    public var columns: [FrameColumn]
    public init(columns: [FrameColumn]) { self.columns = columns }

    public func column(named name: String) -> FrameColumn? { columns.first { $0.name == name } }

    /// The schema with `column` added at the end, or replacing the column of the same name in place
    /// (`DataFrame.assign`).
    public func assigning(_ column: FrameColumn) -> FrameSchema {
        var s = self
        if let i = s.columns.firstIndex(where: { $0.name == column.name }) { s.columns[i] = column } else { s.columns.append(column) }
        return s
    }
}

/// `dataframe:` — a pandas DataFrame of `length` rows with a `RangeIndex`.
public struct DataFrameRecipe: Sendable, Hashable {
    public var length: Int
    public var schema: FrameSchema
    public init(length: Int, schema: FrameSchema) {
        self.length = length
        self.schema = schema
    }
}

/// `dict:` of strings — key `str(i).zfill(keyLength)` maps to `names[i mod distinct]`, the
/// `distinct` value strings `str(j).zfill(valueLength)` shared between entries.
public struct StringDictRecipe: Sendable, Hashable {
    public var length: Int
    public var keyLength: Int
    public var valueLength: Int
    public var distinct: Int
    public init(length: Int, keyLength: Int, valueLength: Int, distinct: Int) {
        self.length = length
        self.keyLength = keyLength
        self.valueLength = valueLength
        self.distinct = distinct
    }
}

/// A collection under `frames:`.
public struct FrameDecl: Sendable {
    /// How the collection is made.
    public enum Source: Sendable, Hashable {
        /// Generated partition by partition from the column recipes.
        case generated
        /// `dd.from_pandas(object, npartitions=N)`: a `dataframe:` object split on the client,
        /// every partition's data inside the submitted graph.
        case fromPandas(object: String, range: SourceRange)
        /// `dd.read_csv(path)`: a CSV file relative to the pipeline's folder, `rows` and the
        /// columns as declared (sizing never reads the file).
        case csv(path: String, range: SourceRange)
    }
    public var name: String
    public var nameRange: SourceRange
    public var range: SourceRange
    public var rows: Int
    /// Rows per partition: `.uniform(size: ceil(rows / N), length: rows)` for `partitions: N`, or explicit.
    public var partitions: DimChunks
    /// The `partitions:` value.
    public var partitionsRange: SourceRange
    public var schema: FrameSchema
    public var source: Source
    public var suppressions: Suppressions?
    /// The `rows:` value, when written.
    public var rowsRange: SourceRange?
    /// A `load:` frame the bundled run re-partitioned to the blocks Dask's read_csv makes: the
    /// `partitions` the export divides the file's size by (nil: `partitions.count`).
    public var csvPartitions: Int?
    public init(name: String, nameRange: SourceRange, range: SourceRange, rows: Int, partitions: DimChunks, partitionsRange: SourceRange,
                schema: FrameSchema, source: Source = .generated, suppressions: Suppressions? = nil) {
        self.name = name
        self.nameRange = nameRange
        self.range = range
        self.rows = rows
        self.partitions = partitions
        self.partitionsRange = partitionsRange
        self.schema = schema
        self.source = source
        self.suppressions = suppressions
    }

    /// The frame's grid: one dimension of rows, one chunk per partition.
    public var grid: ChunkGrid { ChunkGrid(dims: [partitions]) }

    /// Tasks of the frame: one per partition, and for a generated or CSV frame one more per
    /// partition: dask 2026.8 adds a `_to_string_dtype` task after `from_map` and `read_csv`, not
    /// fused — measured with string, category and int-and-float-only frames alike (the column
    /// names are strings).
    public var taskCount: Int {
        let n = partitions.count
        if case .fromPandas = source { return n }
        return n > Int.max / 2 ? Int.max : 2 * n
    }
}

/// What a frame kernel reads and writes, beyond its parameters (`column`, `columns`, `into`).
public struct FrameKernelOptions: Sendable, Hashable {
    /// `map_column`: the column mapped through the table.
    public var column: String?
    public var columnRange: SourceRange?
    /// `score_rows`: the columns multiplied by the weights.
    public var columns: [String]
    public var columnRanges: [SourceRange]
    /// The column the result is assigned to.
    public var into: String
    public var intoRange: SourceRange
    public init(column: String? = nil, columnRange: SourceRange? = nil, columns: [String] = [], columnRanges: [SourceRange] = [],
                into: String, intoRange: SourceRange) {
        self.column = column
        self.columnRange = columnRange
        self.columns = columns
        self.columnRanges = columnRanges
        self.into = into
        self.intoRange = intoRange
    }
}

/// The column a reduction of a frame reads (`reduce: sum, over: people.income`, format 1.2).
public struct ReducedColumn: Sendable, Hashable {
    public var name: String
    public var range: SourceRange
    /// The column's dtype, once the front end resolved it (nil for a string or category column's `count`).
    public var dtype: NumericType?
    public init(name: String, range: SourceRange, dtype: NumericType? = nil) {
        self.name = name
        self.range = range
        self.dtype = dtype
    }
}

/// `how:` of a merge.
public enum MergeHow: String, Sendable, Hashable, CaseIterable {
    case left, inner, right, outer
}

/// What a frame is merged with.
public enum MergeRight: Sendable, Hashable {
    /// A `dataframe:` object: Dask makes it `from_pandas(right, npartitions=1)`, one task holding
    /// the whole frame, which every merge task reads (`left`/`inner`, blockwise) or which is
    /// hash-joined with the left (`right`/`outer`; `MergePlan`).
    case object(name: String, range: SourceRange)
    /// Another frame or frame-valued step (p2p pinned): merged as `MergePlan` chooses.
    case frame(Ref)
}

/// A `merge` step's layer (format 1.2): the left frame is block 0; a collection on the right is block 1.
public struct FrameMerge: Sendable {
    public enum Route: Sendable {
        /// A pandas DataFrame object, one partition: merged blockwise (copied once per worker by
        /// dependency) or hash-joined, as `MergePlan` chooses.
        case broadcast(PipelineObject)
        /// Two collections (p2p pinned): partitions of the left and the right; blockwise, broadcast
        /// join or hash join as `MergePlan` chooses.
        case shuffle(left: Int, right: Int)
    }
    public var how: MergeHow
    public var on: String
    public var route: Route
    public init(how: MergeHow, on: String, route: Route) {
        self.how = how
        self.on = on
        self.route = route
    }

    /// Whether the right side is a DataFrame object broadcast to every merge task.
    public var isBroadcast: Bool {
        if case .broadcast = route { return true }
        return false
    }

    /// The left's and the right's partition counts: a DataFrame object is one partition
    /// (`from_pandas(npartitions=1)`); `partitions` is the layer's (the left's for an object).
    public func sides(partitions: Int) -> (left: Int, right: Int) {
        switch route {
        case .broadcast: (partitions, 1)
        case .shuffle(let l, let r): (l, r)
        }
    }

    /// How Dask lowers this merge of a layer of `partitions` output partitions.
    public func plan(partitions: Int) -> MergePlan {
        let s = sides(partitions: partitions)
        return MergePlan.choose(left: s.left, right: s.right, how: how)
    }

    /// The plan's name in listings: a DataFrame object merged blockwise is broadcast (one copy
    /// per worker); a hash join shuffles both sides with p2p.
    public func planName(partitions: Int) -> String {
        switch plan(partitions: partitions) {
        case .blockwise: isBroadcast ? "broadcast" : "blockwise"
        case .broadcastJoin: "broadcast join"
        case .hashJoin: "p2p shuffle"
        }
    }

    /// Tasks beyond the `partitions` output partitions, as Dask 2026.8 builds the plan (measured,
    /// calibration/merge_plans.py): a DataFrame object's `from_pandas` task; a hash join's
    /// transfer tasks (one per input partition) and its two barriers; a broadcast join's
    /// `inter-broadcastjoin` merges (the other side's partition with each of the `nb` broadcast
    /// partitions) and, unless `how` is `inner`, the broadcast side's p2p shuffle (per broadcast
    /// partition an assign, a transfer and an unpack task, and one barrier) and a
    /// `split-broadcastjoin` of each other partition.
    public func extraTasks(partitions n: Int) -> Int {
        let (l, r) = sides(partitions: n)
        guard l <= Int.max / 8, r <= Int.max / 8, n <= Int.max / 8 else { return Int.max / 2 }
        let object = isBroadcast ? 1 : 0
        switch plan(partitions: n) {
        case .blockwise: return object
        case .hashJoin: return object + l + r + 2
        case .broadcastJoin:
            let nb = min(l, r)
            // nb < log2(n) / 2 < 32, so n × nb + 3 × nb + 1 + n < 128 × n.
            guard nb < 32, n <= Int.max / 128 else { return Int.max / 2 }
            return how == .inner ? n * nb : n * nb + 3 * nb + 1 + n
        }
    }
}

/// How Dask 2026.8 lowers a merge on a distributed cluster (`Merge._lower`; p2p pinned for two
/// collections, the distributed default for a pandas frame, which is one partition). The one
/// placement policy: the executor runs this plan and the estimate costs it.
public enum MergePlan: Equatable, Sendable {
    /// One side has one partition (and `how` keeps the other side's rows): partition `i` of the
    /// result is partition `i` (or the only one) of each side merged (`BlockwiseMerge`).
    case blockwise
    /// The smaller side has fewer than log2(larger) / 2 partitions and `how` is `inner` or keeps
    /// the larger side's rows (`BroadcastJoin`): output partitions are the larger side's.
    case broadcastJoin
    /// Both sides shuffled into max(left, right) partitions by the key's hash (`HashJoinP2P`).
    case hashJoin

    /// The plan for `left` and `right` partitions merged with `how`.
    public static func choose(left: Int, right: Int, how: MergeHow) -> MergePlan {
        if max(left, right) == 1 || left == 1 && (how == .right || how == .inner) || right == 1 && (how == .left || how == .inner) {
            return .blockwise
        }
        let side: MergeHow = left < right ? .left : .right
        if how != .outer && how != side && Double(min(left, right)) < log2(Double(max(left, right))) * 0.5 { return .broadcastJoin }
        return .hashJoin
    }
}
