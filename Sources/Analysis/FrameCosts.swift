import PipelineIR
import Sizing

/// Graph figures of DataFrame layers (format 1.2), measured with dask/distributed 2026.8 on the
/// programs `pipelint export --to dask` writes (calibration/dataframes_gaps.py, crosscheck/frames.py):
/// the client pickles the expression once (each frame's options, column recipes, `meta` and
/// partition bounds; each `map_partitions` step's function and result `meta`; embedded objects);
/// each task carries what Dask's expression puts in it: a `dd.from_map` partition its bounds and
/// the column recipes, a `map_partitions` task the function and the result's `meta` (Dask's
/// `apply_and_enforce`), a `from_pandas` task its slice.
public enum FrameCosts {
    /// A generated frame's expression (`FromMap` and its options, `_frame_part` by reference, and
    /// the string conversion Dask adds after it), beyond its column recipes, its `meta`, its
    /// partitions and the conversion's blocks: measured 1,900 B for a 2-column frame alone.
    static let frameFixed: Int64 = 397
    /// Each partition in the expression beyond its bounds' ints (the bounds tuple, a division).
    static let framePerPartition: Int64 = 3
    /// The string conversion's own copy of each block of the frame's `meta` (its empty buffer and
    /// shape; the rest is memo references): per numeric dtype block, per string or category column
    /// (a string column: +296 B for recipe, meta and conversion, measured; an int64 column +177 B).
    static let conversionPerNumericBlock: Int64 = 38
    static let conversionPerTextColumn: Int64 = 114
    /// One `dd.from_map` task beyond its column recipes and its key's name: the task, its bounds.
    static let frameTaskBytes: Int64 = 144
    /// A `map_partitions` expression beyond its objects and result `meta`: the function, pickled
    /// by value from `__main__`, and the expression's options.
    static let mapPartitionsFixed: Int64 = 1_015
    /// One `map_partitions` task beyond its objects and the result's `meta`: `apply_and_enforce`,
    /// the function by value, the partition's key.
    static let mapPartitionsTaskBytes: Int64 = 790
    /// A DataFrame pickled after another in the same pickle shares pandas' reconstruction
    /// machinery (the BlockManager, Index and dtype globals): 500–541 B less, measured on pairs.
    static let sharedFrameMachinery: Int64 = 530
    /// A task holding one partition of a pandas frame (`from_pandas`), beyond the slice's pickle.
    static let fromPandasTaskBytes: Int64 = 109

    /// The Python value of a frame's columns over rows `firstRow ..< firstRow + rows`.
    public static func shape(_ schema: FrameSchema, rows: Int, firstRow: Int = 0) -> DataFrameShape {
        var text: [String: DataFrameShape.NumberText] = [:]
        let columns = schema.columns.map { c -> (String, DataFrameShape.Column) in
            let column: DataFrameShape.Column
            switch c.type {
            case .numeric(let t): column = .numeric(DType(rawValue: t.rawValue) ?? .float64)
            case .string(let length):
                column = .string(length: length)
                switch c.source {
                case .range: text[c.name] = .rowNumbers
                case .random(_, let low, let high):
                    if low.isFinite, high.isFinite, low >= 0, high < 9.2e18 { text[c.name] = .uniform(low: Int64(low.rounded(.up)), high: Int64(high.rounded(.up))) }
                }
            case .category(let k): column = .category(count: k)
            }
            return (c.name, column)
        }
        return DataFrameShape(rows: rows, columns: columns, firstRow: firstRow, numberText: text)
    }

    /// `_meta`: the empty DataFrame of the result's columns, pickled once into the submitted expression.
    public static func metaBytes(_ schema: FrameSchema) -> Int64 {
        SizeModel.wireSize(.dataFrame(shape(schema, rows: 0))).bytes
    }

    /// Bytes of the largest partition of a frame-valued layer in a worker's memory.
    public static func partitionBytes(_ layer: Graph.Layer) -> Int64? {
        if case .groupby(let g) = layer.kind { return FrameGroupbyCosts.resultBytes(g) }
        guard let schema = layer.frame, let rows = layer.grid.dims.first?.maxSize else { return nil }
        return SizeModel.residentSize(.dataFrame(shape(schema, rows: rows, firstRow: lastFullPartitionStart(layer.grid.dims[0])))).bytes
    }

    /// The first row of the last partition of the largest size: row numbers grow, so that one
    /// holds the longest zero-filled strings.
    static func lastFullPartitionStart(_ p: DimChunks) -> Int {
        switch p {
        case .uniform(let size, let length):
            let n = p.count
            guard n > 0, size > 0 else { return 0 }
            let lastFull = length % size == 0 || n == 1 ? n - 1 : n - 2
            return lastFull.multipliedReportingOverflow(by: size).overflow ? 0 : lastFull * size
        case .explicit(let sizes):
            let largest = p.maxSize
            var start = 0, found = 0
            for s in sizes {
                if s == largest { found = start }
                start = start > Int.max - max(0, s) ? Int.max : start + max(0, s)
            }
            return found
        }
    }

    /// `dd.from_pandas`: each partition is its own DataFrame pickled into the graph, so the whole
    /// frame's data travels once, plus an empty frame's overhead per partition; the largest task
    /// is the largest partition's slice.
    public static func fromPandasBytes(_ layer: Graph.Layer) -> (total: Int64, perPartition: Int64, largest: Int64)? {
        guard case .frame(let f) = layer.kind, case .fromPandas = f.source else { return nil }
        let overhead = SizeModel.wireSize(.dataFrame(shape(f.schema, rows: 0))).bytes
        let data = Sat.add(SizeModel.wireSize(.dataFrame(shape(f.schema, rows: f.rows))).bytes, -overhead)
        let largest = SizeModel.wireSize(.dataFrame(shape(f.schema, rows: f.partitions.maxSize, firstRow: lastFullPartitionStart(f.partitions)))).bytes
        return (data, overhead, largest)
    }

    /// A merge (measured, 40 partitions): with a DataFrame object, `from_pandas(right,
    /// npartitions=1)` — one task holding the whole frame, in the submit once — and a 1,467 B
    /// `blockwisemerge` task per partition; with a collection (p2p), transfer tasks of ≈ 2.4 KB
    /// and join tasks of 1,440 B. A p2p merge's submit is less than its two frames' alone: the
    /// second frame's expression shares the first's classes and functions through the memo
    /// (`sharedFromMapExpression`, net of the merge's own small expression: 207 B, fitted on 40 + 10
    /// and 10 + 10 partitions).
    static let broadcastMergeFixed: Int64 = 532
    static let broadcastMergeTaskBytes: Int64 = 1_467
    static let shuffleMergeFixed: Int64 = 0
    static let sharedFromMapExpression: Int64 = 207
    static let shuffleTaskBytes: Int64 = 2_400

    /// The right frame of a broadcast merge, pickled (in the submit once; one copy per worker).
    public static func broadcastBytes(_ m: FrameMerge) -> (wire: Int64, resident: Int64)? {
        guard case .broadcast(let o) = m.route else { return nil }
        let v = ObjectValues.pyValue(o.recipe)
        return (SizeModel.wireSize(v).bytes, SizeModel.residentSize(v).bytes)
    }

    /// Submit bytes of a frame-valued layer, objects aside. `sharesMachinery`: a DataFrame was
    /// pickled earlier in the same expression, so this layer's first one shares its machinery.
    static func submitCost(of layer: Graph.Layer, table: PipelineObject? = nil, sharesMachinery: Bool = false) -> GraphCosts.LayerCost? {
        if case .groupby = layer.kind { return GraphCosts.LayerCost(fixed: FrameGroupbyCosts.submitFixed, perUnit: 0, units: layer.taskCount) }
        if FrameGroupbyCosts.isCSV(layer) {
            return GraphCosts.LayerCost(fixed: FrameGroupbyCosts.readCSVFixed, perUnit: FrameGroupbyCosts.readCSVPerPartition, units: layer.grid.chunkCount)
        }
        guard let schema = layer.frame else { return nil }
        if case .rows(let op) = layer.kind { return FrameRowCosts.submitCost(op, of: layer, table: table) }
        let shared = sharesMachinery ? -sharedFrameMachinery : 0
        if case .merge(let m) = layer.kind {
            if let b = broadcastBytes(m) { return GraphCosts.LayerCost(fixed: Sat.sum(broadcastMergeFixed, b.wire, shared), perUnit: 0, units: layer.taskCount) }
            return GraphCosts.LayerCost(fixed: shuffleMergeFixed, perUnit: 0, units: layer.taskCount)
        }
        if let p = fromPandasBytes(layer) {
            return GraphCosts.LayerCost(fixed: Sat.sum(frameFixed, p.total, shared), perUnit: Sat.add(framePerPartition, p.perPartition), units: layer.grid.chunkCount)
        }
        switch layer.kind {
        case .frame(let f):
            let second = sharesMachinery ? -sharedFromMapExpression : 0
            let fixed = Sat.sum(frameFixed, columnRecipesBytes(schema), metaBytes(schema), shared, second, boundsBytes(f.partitions), conversionBytes(schema))
            return GraphCosts.LayerCost(fixed: fixed, perUnit: framePerPartition, units: layer.grid.chunkCount)
        case .mapBlocks:
            return GraphCosts.LayerCost(fixed: Sat.sum(mapPartitionsFixed, metaBytes(schema), shared), perUnit: 0, units: layer.taskCount)
        default: return nil
        }
    }

    /// Whether a layer's expression pickles a DataFrame (a `meta`, a from_pandas frame, a broadcast frame).
    static func picklesFrame(_ layer: Graph.Layer) -> Bool {
        if case .merge(let m) = layer.kind { return m.isBroadcast }
        return layer.frame != nil
    }

    /// One task's bytes on dispatch, objects aside.
    static func taskBytes(of layer: Graph.Layer, table: PipelineObject? = nil) -> Int64? {
        if case .groupby(let g) = layer.kind { return FrameGroupbyCosts.taskBytes(g) }
        if FrameGroupbyCosts.isCSV(layer) { return FrameGroupbyCosts.readCSVTaskBytes }
        guard let schema = layer.frame else { return nil }
        if let p = fromPandasBytes(layer) { return Sat.add(fromPandasTaskBytes, p.largest) }
        if case .merge(let m) = layer.kind {
            // Broadcast: the one `from_pandas(npartitions=1)` task holds the whole frame.
            if let b = broadcastBytes(m) { return max(broadcastMergeTaskBytes, Sat.add(fromPandasTaskBytes, b.wire)) }
            return shuffleTaskBytes
        }
        if case .rows(let op) = layer.kind { return FrameRowCosts.taskBytes(op, table: table) }
        switch layer.kind {
        case .frame: return Sat.sum(frameTaskBytes, Int64(layer.name.utf8.count), columnRecipesBytes(schema))
        case .mapBlocks: return Sat.add(mapPartitionsTaskBytes, metaBytes(schema))
        default: return nil
        }
    }

    /// The ints of the partitions' bounds `(start, stop)` and divisions in the expression:
    /// `2 × int(start) + int(stop)` per partition (BININT1/2/BININT by magnitude), in closed form
    /// for `partitions: N`.
    static func boundsBytes(_ p: DimChunks) -> Int64 {
        let n = p.count
        switch p {
        case .uniform(let size, let length):
            guard n > 0, size > 0 else { return 0 }
            // Partitions whose start (i·size) is below t: ceil(t / size); whose stop ((i+1)·size, the last `length`) is below t.
            func startsBelow(_ t: Int) -> Int { min(n, t / size + (t % size == 0 ? 0 : 1)) }
            func stopsBelow(_ t: Int) -> Int { t > length ? n : min(n - 1, max(0, startsBelow(t) - 1)) }
            var total: Int64 = 0
            var previousStarts = 0, previousStops = 0
            for (limit, bytes) in [(256, Int64(2)), (65_536, 3), (Int(Int32.max) + 1, 5), (Int.max, 10)] {
                let s = startsBelow(limit), e = stopsBelow(limit)
                total = Sat.sum(total, Sat.mul(Sat.mul(2, bytes), Int64(s - previousStarts)), Sat.mul(bytes, Int64(e - previousStops)))
                previousStarts = s
                previousStops = e
            }
            return total
        case .explicit(let sizes):
            var total: Int64 = 0, start = 0
            for s in sizes {
                let stop = start > Int.max - max(0, s) ? Int.max : start + max(0, s)
                total = Sat.sum(total, Sat.mul(2, GraphCosts.pickledIntBytes(start)), GraphCosts.pickledIntBytes(stop))
                start = stop
            }
            return total
        }
    }

    /// The column recipes as the export passes them to every `dd.from_map` task: a list of
    /// `_col(...)` dicts of eight keys (name, dtype, source, seed, low, high, length, categories),
    /// pickled with the memo: the keys, and each dtype and source name, are written once and
    /// referenced after (BINGET, LONG_BINGET past memo index 255). Exact for the export's columns
    /// (the list alone, without the pickle's 12 B of header, frame and STOP: `pickle.dumps` of 1 to
    /// 3 columns gave 111, 119, 146, 164, 171 and 216 B).
    public static func columnRecipesBytes(_ schema: FrameSchema) -> Int64 {
        let keys = ["name", "dtype", "source", "seed", "low", "high", "length", "categories"]
        var memo = columnRecipesMemoBase
        var seen: [String: Int] = [:]
        func newString(_ s: String) -> Int64 {
            memo += 1
            let n = Int64(s.utf8.count)
            return Sat.add(n, n < 256 ? 3 : 6)
        }
        // A string written once, then referenced from the memo.
        func shared(_ tag: String, _ text: String) -> Int64 {
            if let at = seen[tag + text] { return at < 256 ? 2 : 5 }
            seen[tag + text] = memo
            return newString(text)
        }
        func number(_ d: Double) -> Int64 {
            guard d.isFinite, d == d.rounded(), abs(d) < 9.2e18 else { return 9 }
            let x = Int64(d)
            return x >= 0 ? GraphCosts.pickledIntBytes(Int(x)) : (x >= Int64(Int32.min) ? 5 : 10)
        }
        let count = schema.columns.count
        var total: Int64 = 2 + (count == 1 ? 1 : Sat.mul(2, Int64((count + 999) / 1000)))
        memo += 1
        for c in schema.columns {
            total = Sat.add(total, 4)
            memo += 1
            for k in keys { total = Sat.add(total, shared("key:", k)) }
            total = Sat.add(total, newString(c.name))
            total = Sat.add(total, shared("value:", c.type.name))
            switch c.source {
            case .range:
                total = Sat.sum(total, shared("value:", "range"), 2, 1, 1)
            case .random(let seed, let low, let high):
                total = Sat.sum(total, shared("value:", "random"), seed > UInt64(Int32.max) ? 10 : GraphCosts.pickledIntBytes(Int(seed)), number(low), number(high))
            }
            switch c.type {
            case .string(let length): total = Sat.sum(total, GraphCosts.pickledIntBytes(max(0, length)), 1)
            case .category(let k): total = Sat.sum(total, 1, GraphCosts.pickledIntBytes(max(0, k)))
            case .numeric: total = Sat.add(total, 2)
            }
        }
        // Protocol 5 frames of 64 KiB: 9 B each.
        return Sat.add(total, Sat.mul(9, total / 65_536))
    }

    /// Memo entries a task's pickle holds before its column recipes.
    static let columnRecipesMemoBase = 8

    /// An object's bytes inside a frame's expression: a dict of strings pickled after the
    /// expression's first 256 memo entries refers to its shared values with LONG_BINGET (5 B)
    /// where alone it used BINGET (2 B): 3 B more per such reference (+119,734 B measured for
    /// 40,000 entries of 50 values, 119,851 B modelled).
    static func inExpression(_ wire: SizeEstimate, _ value: PyValue?) -> SizeEstimate {
        guard case .stringDict(let d)? = value else { return wire }
        var w = wire
        w.bytes = Sat.add(w.bytes, Sat.mul(3, d.shortReferences))
        return w
    }

    /// The frame a merge puts on a worker besides its partitions: an embedded DataFrame object's,
    /// once per worker while a blockwise merge runs (measured 1 + 1 copies during, 0–1 after
    /// `wait`), once on one worker in a hash join (its from_pandas task's, until the transfer has
    /// split it: 0 + 1 during and after); in a broadcast join, every partition of the smaller
    /// side, fetched by each worker's merge tasks.
    static func broadcastResidentPerWorker(_ layer: Graph.Layer, in graph: Graph) -> Int64 {
        guard case .merge(let m) = layer.kind else { return 0 }
        if case .broadcast(let o) = m.route {
            guard o.placement == .embed, let b = broadcastBytes(m) else { return 0 }
            return b.resident
        }
        let n = layer.grid.chunkCount
        guard m.plan(partitions: n) == .broadcastJoin, layer.inputs.count > 1 else { return 0 }
        let (l, r) = m.sides(partitions: n)
        let side = graph[layer.inputs[l < r ? 0 : 1].source]
        return Sat.mul(Int64(min(l, r)), partitionBytes(side) ?? 0)
    }

    /// The result chunks a layer leaves: its tasks, but only a merge's output partitions.
    static func resultChunks(_ layer: Graph.Layer, tasks: Int) -> Int {
        if case .merge = layer.kind { return layer.grid.chunkCount }
        return tasks
    }

    /// The string conversion's copies of the `meta` blocks: numeric dtypes (and datetimes) share a
    /// block each; every string and category column is its own.
    static func conversionBytes(_ schema: FrameSchema) -> Int64 {
        var numeric = Set<String>(), text = 0
        for c in schema.columns {
            switch c.type {
            case .numeric(let t): numeric.insert(t.isTemporal ? "datetime" : t.rawValue)
            case .string, .category: text += 1
            }
        }
        return Sat.add(Sat.mul(conversionPerNumericBlock, Int64(numeric.count)), Sat.mul(conversionPerTextColumn, Int64(text)))
    }
}
