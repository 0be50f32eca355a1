import PipelineIR

/// Builds partitions of generated frames and `dataframe:` objects exactly as the exported
/// program's `_frame_part` does (docs/pipeline-format.md, "DataFrames (1.2)"): the raw value
/// of global row `r` is `r` or the SplitMix64 value at element index `r`, then cast to the
/// column's dtype.
public enum FrameGeneration {
    /// `str(v).zfill(width)` as UTF-8: a minus sign stays first, zeros pad after it.
    public static func zfill(_ v: Int64, _ width: Int) -> [UInt8] {
        var digits = Array(String(v.magnitude).utf8)
        let sign: [UInt8] = v < 0 ? [UInt8(ascii: "-")] : []
        let pad = width - digits.count - sign.count
        if pad > 0 { digits.insert(contentsOf: repeatElement(UInt8(ascii: "0"), count: pad), at: 0) }
        return sign + digits
    }

    /// Python's `v mod k` (the sign of the divisor).
    static func pyMod(_ v: Int64, _ k: Int64) -> Int64 {
        let m = v % k
        return m < 0 ? m + k : m
    }

    /// Raw integer values of rows `[start, start + n)` (the integer formula of `random`, or the row).
    static func rawInts(_ source: ColumnSource, start: Int, count n: Int) -> [Int64] {
        switch source {
        case .range: return (0..<n).map { Int64(start + $0) }
        case .random(let seed, let low, let high): return RandomValues.ints(seed: seed, start: start, count: n, low: low, high: high)
        }
    }

    /// One column's rows `[start, start + n)`.
    public static func column(_ c: FrameColumn, start: Int, count n: Int) -> FrameColumnData {
        switch c.type {
        case .numeric(let t) where t.isFloat:
            let raw: [Double]
            switch c.source {
            case .range: raw = (0..<n).map { Double(Int64(start + $0)) }
            case .random(let seed, let low, let high): raw = RandomValues.doubles(seed: seed, start: start, count: n, low: low, high: high)
            }
            return t == .float32 ? .float32(raw.map { Float($0) }) : .float64(raw)
        case .numeric(let t):
            let raw = rawInts(c.source, start: start, count: n)
            switch t {
            case .bool: return .bool(raw.map { pyMod($0, 2) == 1 })
            case .datetime64, .timedelta64: return .datetime(raw)
            default: return .integer(raw.map { wrap($0, to: t) }, t)
            }
        case .string(let length):
            let raw = rawInts(c.source, start: start, count: n)
            var s = FrameStrings()
            s.offsets.reserveCapacity(n + 1)
            s.bytes.reserveCapacity(n * length)
            for v in raw { s.append(zfill(v, length)) }
            return .string(s)
        case .category(let k):
            let raw = rawInts(c.source, start: start, count: n)
            return .category(codes: raw.map { Int32(pyMod($0, Int64(k))) }, count: k)
        }
    }

    /// numpy's `astype` of an int64 to a narrower integer dtype: wrap-around (a uint64 keeps the bits).
    static func wrap(_ v: Int64, to t: NumericType) -> Int64 {
        switch t {
        case .int8: Int64(Int8(truncatingIfNeeded: v))
        case .int16: Int64(Int16(truncatingIfNeeded: v))
        case .int32: Int64(Int32(truncatingIfNeeded: v))
        case .uint8: Int64(UInt8(truncatingIfNeeded: v))
        case .uint16: Int64(UInt16(truncatingIfNeeded: v))
        case .uint32: Int64(UInt32(truncatingIfNeeded: v))
        default: v
        }
    }

    /// Global rows `[start, stop)` of a frame with `schema`, a RangeIndex over them.
    public static func partition(_ schema: FrameSchema, start: Int, stop: Int) -> FramePart {
        let n = max(0, stop - start)
        return FramePart(start: start, rows: n, names: schema.columns.map(\.name),
                         columns: schema.columns.map { column($0, start: start, count: n) })
    }
}

extension PlanBuilder {
    /// One task per partition, each generating its rows (a `from_pandas` frame's partitions are
    /// the object's rows, generated the same way).
    mutating func planFrame(_ f: FrameDecl, layer l: Graph.Layer) {
        let li = l.id.index
        frameSchemas[li] = f.schema
        firstTask[li] = ops.count
        for c in 0..<l.grid.chunkCount { _ = add(.source(layer: li, chunk: c), layer: li, deps: [], keep: l.output != nil) }
    }

    /// A column reduction as Dask reduces a Series: a partial per partition, then batches of
    /// `split_every` consecutive partials while more remain, then one aggregate.
    mutating func planFrameReduce(_ r: Reduction, splitEvery split: Int, layer l: Graph.Layer) {
        guard let e = l.inputs.first, let column = l.reducedColumn else { return }
        let li = l.id.index
        let input = e.source.index
        reductionKind[li] = r
        partialSource[li] = input
        reducedColumns[li] = column
        var keys = (0..<graph[e.source].grid.chunkCount).map { add(.partial(layer: li, chunk: $0), layer: li, deps: [firstTask[input] + $0], keep: false) }
        let s = max(split, 2)
        while keys.count > s {
            keys = stride(from: 0, to: keys.count, by: s).map { add(.combine(layer: li, final: false), layer: li, deps: Array(keys[$0..<min($0 + s, keys.count)]), keep: false) }
        }
        finalTask[li] = add(.combine(layer: li, final: true), layer: li, deps: keys, keep: l.output != nil)
    }

    /// Column reductions `pipelint run` does not compute (all but `count` of uint64 and datetime
    /// columns): refused at the step.
    func refuseUncomputedFrameReductions() throws(ExecutorError) {
        for l in graph.layers {
            guard case .reduce(let r, _) = l.kind, let column = l.reducedColumn, let input = l.inputs.first,
                  let c = graph[input.source].frame?.column(named: column) else { continue }
            var ok = true
            switch c.type {
            case .numeric(let t): ok = r == .count || !(t == .uint64 || t.isTemporal)
            case .string, .category: ok = r == .count
            }
            guard !ok else { continue }
            throw ExecutorError(.refused, "step `\(l.name)` takes the \(r.rawValue) of column `\(column)` (\(c.type.name)); `pipelint run` does not reduce \(c.type.name) columns yet",
                                at: l.range, in: source, help: "run it on Dask: `pipelint run --engine dask \(source.path)` (or `pipelint export --to dask`)")
        }
    }

    /// A `load:` CSV frame: its blocks found on the client (docs/executor.md, "CSV frames"), one
    /// task per block. Refused at the path when the file cannot be read as Dask reads it.
    mutating func planLoadedFrame(_ f: FrameDecl, layer l: Graph.Layer) throws(ExecutorError) {
        guard case .csv(let path, let range) = f.source else { return }
        let help = "run it on Dask: `pipelint run --engine dask \(source.path)` (or `pipelint export --to dask`)"
        for c in f.schema.columns {
            guard case .numeric(let t) = c.type, t.isTemporal || t.isComplex else { continue }
            throw ExecutorError(.refused, "`pipelint run` does not read column `\(c.name)` (\(t.rawValue)) of frame `\(l.name)` from `\(path)` yet",
                                at: c.nameRange, in: source, help: help)
        }
        let layout: CSVBlockLayout
        do { layout = try CSVBlockLayout.make(display: path, in: baseDirectory, schema: f.schema, partitions: f.csvPartitions ?? f.partitions.count) } catch {
            throw ExecutorError(.input, "frame `\(l.name)`: \(error.message)", at: range, in: source)
        }
        guard layout.blocks.count == l.grid.chunkCount else {
            throw ExecutorError(.input, "frame `\(l.name)`: Dask's read_csv reads `\(path)` (\(layout.size) bytes) as \(layout.blocks.count) blocks, not \(l.grid.chunkCount) partitions",
                                at: f.partitionsRange, in: source)
        }
        csvLayouts[l.id.index] = layout
    }

    static func kindName(_ k: Graph.LayerKind) -> String {
        if case .merge = k { return "a merge" }
        return "a DataFrame step"
    }
}

extension PipelinePlan {
    /// A `map_partitions` task of a frame kernel: the partition and the table or weights.
    func frameKernel(_ call: Call, layer l: Int, inputs: [Value], decoded: [ObjectValue]) throws -> Value {
        guard let options = graph.layers[l].inputs.isEmpty ? nil : callFunctionOptions(l) else { throw TaskFailure(message: "no frame kernel options") }
        var values: [Value] = []
        for b in call.bindings {
            guard case .param(let index, let path) = b, index < call.params.count else { throw TaskFailure(message: "a frame kernel takes no literal") }
            values.append(try resolved(call.params[index], path: path, inputs: inputs, decoded: decoded))
        }
        guard values.count == 2, case .frame(let part) = values[0] else { throw TaskFailure(message: "missing input partition") }
        do {
            switch call.kernel {
            case .mapColumn:
                guard case .object(let table) = values[1], let column = options.column else { throw TaskFailure(message: "map_column needs a table") }
                return .frame(try FrameKernels.mapColumn(part, table: table, column: column, into: options.into, seriesDtype: seriesDtypes[l]))
            default:
                guard case .object(let w) = values[1] else { throw TaskFailure(message: "score_rows needs weights") }
                let weights: [Double]
                switch w {
                case .ndarray(_, let d), .series(let d, _, _): weights = d.asDoubles
                default: throw TaskFailure(message: "score_rows' weights must be a 1-D float ndarray")
                }
                return .frame(try FrameKernels.scoreRows(part, weights: weights, columns: options.columns, into: options.into))
            }
        } catch let e as KernelError {
            throw TaskFailure(message: e.message)
        }
    }

    func callFunctionOptions(_ l: Int) -> FrameKernelOptions? {
        guard case .mapBlocks(let call?) = graph.layers[l].kind else { return nil }
        return call.function.frameOptions
    }
}
