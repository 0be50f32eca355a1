import Foundation
import PipelineIR

/// A pipeline's graph expanded into tasks, with everything a task needs to run:
/// the scheduler's copy of each embedded object, loaded input files, call
/// templates. Immutable once built, so worker threads share it freely.
public final class PipelinePlan: TaskRuntime {
    /// What one task does.
    enum Op: Sendable {
        case source(layer: Int, chunk: Int)
        /// A delayed object built inside one task.
        case build(layer: Int)
        /// A scattered object (one copy per worker) or, on the threaded scheduler, the client's object.
        case preloaded(layer: Int)
        case map(layer: Int, chunk: Int)
        case rechunk(layer: Int, chunk: Int)
        case partial(layer: Int, chunk: Int)
        /// A group of partials; `final` turns the last one into the result.
        case combine(layer: Int, final: Bool)
        /// A hash join's split of one input partition into the output partitions' shards.
        case split(layer: Int, chunk: Int)
    }

    /// Where a function parameter's value comes from inside a map task.
    enum ParamSource: Sendable {
        /// The task's `k`-th dependency (a block, or a delayed/scattered/client object), projected by `path`.
        case dep(Int, path: FieldPath)
        /// The `k`-th object embedded in the task's definition (already projected on the client).
        case embedded(Int)
        case literal(Scalar)
        /// A per-item step's item (format 1.1): the task's item, as a one-element chunk.
        case item
    }

    struct Call: Sendable {
        var kernel: Kernel
        var bindings: [Binding]
        /// One per parameter of the function, in its order.
        var params: [ParamSource]
        /// Encoded embedded objects (the scheduler's one copy each): object layer, bytes, decoded size.
        var embedded: [(layer: Int, encoded: [UInt8], decodedBytes: Int)]
        /// A per-item step's items: the task of chunk `i` gets item `i`.
        var items: ItemList? = nil
    }

    let source: SourceFile
    public let graph: Graph
    let serializes: Bool
    let ops: [Op]
    let opLayer: [Int32]
    /// Task graph for the scheduler.
    public let taskGraph: TaskGraph
    /// First task of each layer's chunk tasks (map, source, rechunk) or its final task (reduce).
    let firstTask: [Int]
    let finalTask: [Int]
    let geometry: [GridGeometry]
    let calls: [Int: Call]
    let loadedArrays: [Int: Chunk]
    let clientObjects: [Int: ObjectValue]
    let objectTask: [Int: Int]
    let baseDirectory: URL
    /// Implicit rechunks of misaligned `over` inputs: virtual layer → (source layer).
    let virtualSources: [Int: Int]
    let layerCount: Int
    let partialSource: [Int: Int]
    let reductionKind: [Int: Reduction]
    let frameSchemas: [Int: FrameSchema]
    let csvLayouts: [Int: CSVBlockLayout]
    let reducedColumns: [Int: String]
    let seriesDtypes: [Int: NumericType]
    let merges: [Int: (on: String, how: MergeHow, names: [String])]
    let joins: [Int: FrameMerges.Join]
    let rowOps: [Int: RowOp]
    let groupbys: [Int: (key: String, value: String)]

    /// Plans `graph` (as optimized by the caller) of the pipeline in `source`.
    public init(graph: Graph, source: SourceFile, baseDirectory: URL, daskWrapped: Set<String> = []) throws(ExecutorError) {
        var b = PlanBuilder(graph: graph, source: source, baseDirectory: baseDirectory, daskWrapped: daskWrapped)
        try b.refuseWhatCannotRun()
        try b.planLayers()
        self.source = source
        self.graph = graph
        self.baseDirectory = baseDirectory
        serializes = b.serializes
        ops = b.ops
        opLayer = b.opLayer
        taskGraph = TaskGraph(depStart: b.depStart, deps: b.depList, keep: b.keep)
        firstTask = b.firstTask
        finalTask = b.finalTask
        geometry = b.geometry
        calls = b.calls
        loadedArrays = b.loadedArrays
        clientObjects = b.clientObjects
        objectTask = b.objectTask
        virtualSources = b.virtualSources
        layerCount = b.layerTotal
        partialSource = b.partialSource
        reductionKind = b.reductionKind
        frameSchemas = b.frameSchemas
        csvLayouts = b.csvLayouts
        reducedColumns = b.reducedColumns
        seriesDtypes = b.seriesDtypes
        merges = b.merges
        joins = b.joins
        rowOps = b.rowOps
        groupbys = b.groupbys
    }

    /// Input chunks (linear indices on `inGeo`) overlapping output chunk `c` of `outGeo`.
    static func overlapping(_ outGeo: GridGeometry, _ c: Int, _ inGeo: GridGeometry) -> [Int] {
        let box = outGeo.box(c)
        let ranges = (0..<box.origin.count).map { inGeo.chunks(dim: $0, overlapping: box.origin[$0], box.origin[$0] + box.shape[$0]) }
        var out: [Int] = []
        var idx = ranges.map(\.lowerBound)
        if ranges.contains(where: \.isEmpty) { return [] }
        if ranges.isEmpty { return [0] }
        while true {
            out.append(inGeo.linear(idx))
            var d = ranges.count - 1
            while d >= 0 {
                idx[d] += 1
                if idx[d] < ranges[d].upperBound { break }
                idx[d] = ranges[d].lowerBound
                d -= 1
            }
            if d < 0 { return out }
        }
    }

    // MARK: preloading

    /// Preloads scattered and client objects into `scheduler`: one decoded copy
    /// per worker for `scatter` on a serializing scheduler, the client's object otherwise.
    public func preload(into scheduler: TaskScheduler, workers: Int) {
        var schedulerBytes = 0
        for (_, call) in calls { for e in call.embedded { schedulerBytes += e.encoded.count } }
        scheduler.setSchedulerBytes(schedulerBytes)
        for (layer, t) in objectTask {
            guard case .preloaded = ops[t], let v = clientObjects[layer] else { continue }
            if serializes {
                let encoded = ObjectCodec.encode(v)
                let copies = (0..<workers).map { _ in Value.object((try? ObjectCodec.decode(encoded)) ?? v) }
                scheduler.preload(t, value: .object(v), perWorker: copies)
            } else {
                scheduler.preload(t, value: .object(v), perWorker: nil)
            }
        }
    }

    // MARK: TaskRuntime

    public func layer(of task: Int) -> Int { Int(opLayer[task]) }

    public func layerName(_ layer: Int) -> String {
        if layer >= graph.layers.count {
            let src = virtualSources[layer].map { graph.layers[$0].name } ?? "?"
            return "the implicit rechunk of `\(src)`"
        }
        let l = graph.layers[layer]
        switch l.kind {
        case .object: return "object `\(l.name)`"
        case .array: return "array `\(l.name)`"
        default: return "step `\(l.name)`"
        }
    }

    public func isObjectLayer(_ layer: Int) -> Bool {
        layer < graph.layers.count && graph.layers[layer].object != nil
    }

    public func transfer(_ value: Value) -> Value {
        guard case .object(let o) = value else { return value }
        return .object((try? ObjectCodec.decode(ObjectCodec.encode(o))) ?? o)
    }

    /// The task's key as Dask would print it: `('looked_up', 3)`, `('x', 2, 0)`.
    public func key(of task: Int) -> String {
        switch ops[task] {
        case .source(let l, let c), .map(let l, let c), .rechunk(let l, let c):
            let coords = geometry[l].coords(c)
            let name = l < graph.layers.count ? graph.layers[l].name : "rechunk-\(virtualSources[l].map { graph.layers[$0].name } ?? "")"
            return "('\(name)', \(coords.map(String.init).joined(separator: ", ")))"
        case .partial(let l, let c):
            let coords = geometry[partialSource[l] ?? l].coords(c)
            return "('\(graph.layers[l].name)-partial', \(coords.map(String.init).joined(separator: ", ")))"
        case .combine(let l, _): return "('\(graph.layers[l].name)-combine', \(task - firstTaskOfCombine(l)))"
        case .build(let l), .preloaded(let l): return "'\(graph.layers[l].name)'"
        case .split(let l, let c): return "('\(graph.layers[l].name)-transfer', \(c))"
        }
    }

    func firstTaskOfCombine(_ l: Int) -> Int {
        var t = 0
        while t < ops.count {
            if case .combine(let x, _) = ops[t], x == l { return t }
            t += 1
        }
        return 0
    }

    /// Chunk coordinates of a chunk task (nil for other tasks).
    public func chunkIndex(of task: Int) -> [Int]? {
        switch ops[task] {
        case .source(let l, let c), .map(let l, let c), .rechunk(let l, let c): geometry[l].coords(c)
        case .partial(let l, let c): geometry[partialSource[l] ?? l].coords(c)
        default: nil
        }
    }

    /// Where the task's layer is written in the file.
    public func location(of task: Int) -> String {
        let l = layer(of: task)
        let layerIndex = l < graph.layers.count ? l : (virtualSources[l] ?? 0)
        return "\(source.path):\(source.position(of: graph.layers[layerIndex].range.start))"
    }

    public func dispatch(_ task: Int) -> Dispatch {
        guard serializes else { return Dispatch(definition: nil) }
        var w = ByteWriter()
        let s = Int(taskGraph.depStart[task])
        let e = Int(taskGraph.depStart[task + 1])
        var embedded: [(layer: Int, encoded: [UInt8], decodedBytes: Int)] = []
        var kernelName: String
        switch ops[task] {
        case .map(let l, _):
            let call = calls[l]
            embedded = call?.embedded ?? []
            kernelName = call?.kernel.rawValue ?? (merges[l] != nil ? "merge" : rowOps[l]?.keyword ?? "?")
        case .source: kernelName = "source"
        case .build: kernelName = "build"
        case .preloaded: kernelName = "preloaded"
        case .rechunk: kernelName = "rechunk"
        case .partial(let l, _): kernelName = groupbys[l] != nil ? "groupby-chunk" : "\(reductionKind[l]?.rawValue ?? "")-chunk"
        case .combine(let l, let f): kernelName = "\(reductionKind[l]?.rawValue ?? "")-\(f ? "aggregate" : "combine")"
        case .split: kernelName = "hash-join-transfer"
        }
        let size = 16 + kernelName.utf8.count + (e - s) * 5 + embedded.reduce(0) { $0 + $1.encoded.count }
        w.reserve(size)
        w.byte(UInt8(ascii: "T"))
        w.varint(UInt64(task))
        w.string(kernelName)
        w.varint(UInt64(e - s))
        for k in s..<e { w.varint(UInt64(taskGraph.deps[k])) }
        w.varint(UInt64(embedded.count))
        for o in embedded { w.bytes.append(contentsOf: o.encoded) }
        return Dispatch(definition: w.bytes, decodedObjects: embedded.map { ($0.layer, $0.decodedBytes) })
    }

    /// A task failure, described for the error message.
    struct TaskFailure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    public func execute(_ task: Int, definition: [UInt8]?, inputs: [Value], worker: Int) throws -> (value: Value, attached: [ObjectValue]) {
        switch ops[task] {
        case .source(let l, let c):
            if let layout = csvLayouts[l] {
                do { return (.frame(try layout.read(block: c)), []) } catch { throw TaskFailure(message: error.message) }
            }
            if let schema = frameSchemas[l] {
                let box = geometry[l].box(c)
                return (.frame(FrameGeneration.partition(schema, start: box.origin[0], stop: box.origin[0] + box.shape[0])), [])
            }
            return (.chunk(sourceChunk(layer: l, chunk: c)), [])
        case .build(let l):
            guard let o = graph.layers[l].object else { throw TaskFailure(message: "not an object") }
            do { return (.object(try ObjectBuilder.build(o.recipe, baseDirectory: baseDirectory)), []) } catch {
                throw TaskFailure(message: "cannot build object `\(o.name)`: \(error.message)")
            }
        case .preloaded(let l):
            return (.object(clientObjects[l] ?? .literal(.none)), [])
        case .map(let l, let c) where merges[l] != nil:
            return (.frame(try mergeTask(l, chunk: c, inputs)), [])
        case .split(let l, _):
            return (try splitTask(l, inputs), [])
        case .map(let l, _) where rowOps[l] != nil:
            let (part, decoded) = try rowTask(l, inputs, definition: definition)
            return (.frame(part), decoded)
        case .map(let l, let chunk):
            guard let call = calls[l] else { throw TaskFailure(message: "no kernel") }
            var decoded: [ObjectValue] = []
            if let def = definition, !call.embedded.isEmpty {
                decoded = try decodeEmbedded(def, count: call.embedded.count)
            }
            if call.kernel.isFrameKernel { return (try frameKernel(call, layer: l, inputs: inputs, decoded: decoded), decoded) }
            var args: [KernelArg] = []
            for b in call.bindings {
                switch b {
                case .literal(let d): args.append(.scalar(.literal(d)))
                case .param(let index, let path):
                    guard index < call.params.count else { throw TaskFailure(message: "parameter \(index) is not passed") }
                    if case .item = call.params[index], let items = call.items, chunk < items.count {
                        let data: Column = items.integer(chunk).map { .i64([$0]) } ?? .f64([items.value(chunk)])
                        args.append(.chunk(Chunk(shape: [1], data: data)))
                        continue
                    }
                    args.append(try kernelArg(call.params[index], path: path, inputs: inputs, decoded: decoded))
                }
            }
            do {
                return (.chunk(try Kernels.apply(call.kernel, args)), decoded)
            } catch {
                throw TaskFailure(message: error.message)
            }
        case .rechunk(let l, let c):
            return (.chunk(rechunk(layer: l, chunk: c, inputs: inputs, task: task)), [])
        case .partial(let l, _) where groupbys[l] != nil:
            return (.frame(try groupbyTask(l, partial: true, inputs)), [])
        case .combine(let l, _) where groupbys[l] != nil:
            return (.frame(try groupbyTask(l, partial: false, inputs)), [])
        case .partial(let l, _) where reducedColumns[l] != nil:
            guard case .frame(let p)? = inputs.first, let r = reductionKind[l], let name = reducedColumns[l], let c = p.column(name) else {
                throw TaskFailure(message: "missing input partition or column")
            }
            return (.partial(FrameReductions.partial(r, c)), [])
        case .combine(let l, let final) where reducedColumns[l] != nil:
            guard let r = reductionKind[l] else { throw TaskFailure(message: "not a reduction") }
            let column = graph.layers[l].inputs.first.flatMap { graph[$0.source].frame?.column(named: reducedColumns[l] ?? "") }
            let p = FrameReductions.combine(r, inputs.compactMap { if case .partial(let p) = $0 { p } else { nil } }, bools: column?.type == .numeric(.bool))
            return (final ? .scalar(Reductions.finish(p)) : .partial(p), [])
        case .partial(let l, _):
            guard case .chunk(let c)? = inputs.first, let r = reductionKind[l] else { throw TaskFailure(message: "missing input chunk") }
            return (.partial(Reductions.partial(r, c.data)), [])
        case .combine(let l, let final):
            guard let r = reductionKind[l] else { throw TaskFailure(message: "not a reduction") }
            // A per-item step's reduction takes the items' results (chunks) directly, in one task.
            let parts = inputs.compactMap { v -> Partial? in
                if case .partial(let p) = v { return p }
                if case .chunk(let c) = v { return Reductions.partial(r, c.data) }
                return nil
            }
            let p = Reductions.combine(r, parts)
            return (final ? .scalar(Reductions.finish(p)) : .partial(p), [])
        }
    }

    /// Decodes the embedded objects after the definition's header: the worker's own copies.
    func decodeEmbedded(_ def: [UInt8], count: Int) throws -> [ObjectValue] {
        var r = ByteReader(bytes: def, offset: 0)
        do {
            _ = try r.byte()
            _ = try r.varint()
            _ = try r.string()
            let n = try r.count()
            for _ in 0..<n { _ = try r.varint() }
            let m = try r.count()
            var out: [ObjectValue] = []
            out.reserveCapacity(m)
            var offset = r.offset
            for _ in 0..<m { out.append(try ObjectCodec.decode(def, offset: &offset)) }
            return out
        } catch {
            throw TaskFailure(message: "task definition: \(error)")
        }
    }

    func kernelArg(_ p: ParamSource, path: FieldPath, inputs: [Value], decoded: [ObjectValue]) throws -> KernelArg {
        try kernelArg(of: try resolved(p, path: path, inputs: inputs, decoded: decoded))
    }

    /// The value a parameter receives inside the task, projected through `path`.
    func resolved(_ p: ParamSource, path: FieldPath, inputs: [Value], decoded: [ObjectValue]) throws -> Value {
        var value: Value
        switch p {
        case .literal(let s): value = .scalar(s)
        case .item: throw TaskFailure(message: "the item of a per-item step outside its task")
        case .embedded(let k): value = .object(decoded[k])
        case .dep(let k, let edgePath):
            guard k < inputs.count else { throw TaskFailure(message: "missing input \(k)") }
            value = inputs[k]
            if !edgePath.isEmpty, case .object(let o) = value {
                guard let projected = o.project(edgePath) else { throw TaskFailure(message: "object has no field `\(edgePath)`") }
                value = .object(projected)
            }
        }
        if !path.isEmpty {
            guard case .object(let o) = value, let projected = o.project(path) else {
                throw TaskFailure(message: "cannot read field `\(path)`")
            }
            value = .object(projected)
        }
        return value
    }

    func kernelArg(of value: Value) throws -> KernelArg {
        switch value {
        case .chunk(let c): return .chunk(c)
        case .scalar(let s): return .scalar(s)
        case .object(let o):
            switch o {
            case .series(let v, _, _): return .table(v)
            case .ndarray(let s, let d): return .array(shape: s, data: d)
            case .literal(.int(let i)): return .scalar(.i64(i))
            case .literal(.float(let d)): return .scalar(.f64(d))
            case .literal(.bool(let b)): return .scalar(.i64(b ? 1 : 0))
            case .literal: throw TaskFailure(message: "a literal object is not a number, Series or ndarray")
            case .bytes: throw TaskFailure(message: "a bytes object cannot be passed to a kernel")
            case .instance(let c, _, _): throw TaskFailure(message: "an instance of `\(c)` cannot be passed to a kernel; bind a field path such as `obj.field`")
            case .frame, .stringDict: throw TaskFailure(message: "a DataFrame or dict object cannot be passed to an array kernel")
            }
        case .partial, .frame, .shards, .none: throw TaskFailure(message: "not a value")
        }
    }

    /// Chunk `c` of an input array: its values in the array's storage type (complex values
    /// are the float values plus 0j, nanosecond values the integer ones).
    func sourceChunk(layer l: Int, chunk c: Int) -> Chunk {
        var chunk = baseSourceChunk(layer: l, chunk: c)
        if case .array(let a) = graph.layers[l].kind, a.dtype.needsFormat11, case .load = a.source {
            return chunk
        } else if case .array(let a) = graph.layers[l].kind, a.dtype.needsFormat11 {
            chunk.data = chunk.data.converted(to: StorageType(a.dtype))
        }
        return chunk
    }

    func baseSourceChunk(layer l: Int, chunk c: Int) -> Chunk {
        let layer = graph.layers[l]
        guard case .array(let a) = layer.kind else { return Chunk(shape: [], data: .f64([0])) }
        let geo = geometry[l]
        let box = geo.box(c)
        let n = box.shape.reduce(1, *)
        let float = a.dtype.isFloat || a.dtype.isComplex
        let shape = geo.shape
        switch a.source {
        case .zeros: return Chunk(shape: box.shape, data: float ? .f64(Array(repeating: 0, count: n)) : .i64(Array(repeating: 0, count: n)))
        case .ones: return Chunk(shape: box.shape, data: float ? .f64(Array(repeating: 1, count: n)) : .i64(Array(repeating: 1, count: n)))
        case .range:
            if float {
                return Chunk(shape: box.shape, data: .f64([Double](unsafeUninitializedCapacity: n) { buf, k in
                    forEachRow(arrayShape: shape, origin: box.origin, shape: box.shape) { g, local, len in
                        for j in 0..<len { buf[local + j] = Double(g + j) }
                    }
                    k = n
                }))
            }
            return Chunk(shape: box.shape, data: .i64([Int64](unsafeUninitializedCapacity: n) { buf, k in
                forEachRow(arrayShape: shape, origin: box.origin, shape: box.shape) { g, local, len in
                    for j in 0..<len { buf[local + j] = Int64(g + j) }
                }
                k = n
            }))
        case .random(let seed, let low, let high):
            if float {
                return Chunk(shape: box.shape, data: .f64([Double](unsafeUninitializedCapacity: n) { buf, k in
                    forEachRow(arrayShape: shape, origin: box.origin, shape: box.shape) { g, local, len in
                        let base = UInt64(g)
                        for j in 0..<len {
                            buf[local + j] = RandomValues.double(RandomValues.bits(seed: seed, index: base &+ UInt64(j)), low: low, high: high)
                        }
                    }
                    k = n
                }))
            }
            let (lo, span) = RandomValues.intBounds(low: low, high: high)
            return Chunk(shape: box.shape, data: .i64([Int64](unsafeUninitializedCapacity: n) { buf, k in
                forEachRow(arrayShape: shape, origin: box.origin, shape: box.shape) { g, local, len in
                    let base = UInt64(g)
                    for j in 0..<len { buf[local + j] = RandomValues.int(RandomValues.bits(seed: seed, index: base &+ UInt64(j)), low: lo, span: span) }
                }
                k = n
            }))
        case .load:
            guard let full = loadedArrays[l] else { return Chunk(shape: box.shape, data: .f64(Array(repeating: 0, count: n))) }
            switch full.data {
            case .f64(let all):
                return Chunk(shape: box.shape, data: .f64([Double](unsafeUninitializedCapacity: n) { buf, k in
                    forEachRow(arrayShape: shape, origin: box.origin, shape: box.shape) { g, local, len in
                        for j in 0..<len { buf[local + j] = all[g + j] }
                    }
                    k = n
                }))
            case .i64(let all):
                return Chunk(shape: box.shape, data: .i64([Int64](unsafeUninitializedCapacity: n) { buf, k in
                    forEachRow(arrayShape: shape, origin: box.origin, shape: box.shape) { g, local, len in
                        for j in 0..<len { buf[local + j] = all[g + j] }
                    }
                    k = n
                }))
            default:
                var picks = [Int](repeating: 0, count: n)
                forEachRow(arrayShape: shape, origin: box.origin, shape: box.shape) { g, local, len in
                    for j in 0..<len { picks[local + j] = g + j }
                }
                return Chunk(shape: box.shape, data: full.data.gather(picks))
            }
        }
    }

    /// Assembles output chunk `c` from the overlapping input chunks (in dependency order).
    func rechunk(layer l: Int, chunk c: Int, inputs: [Value], task: Int) -> Chunk {
        let outGeo = geometry[l]
        let box = outGeo.box(c)
        guard let srcLayer = virtualSources[l] else { return Chunk(shape: box.shape, data: .f64([])) }
        let inGeo = geometry[srcLayer]
        let members = Self.overlapping(outGeo, c, inGeo)
        let n = box.shape.reduce(1, *)
        let chunks = inputs.compactMap { v -> Chunk? in if case .chunk(let ch) = v { ch } else { nil } }
        func fill<T>(_ extract: (Chunk) -> [T]?) -> [T] {
            [T](unsafeUninitializedCapacity: n) { buf, k in
                for (m, ch) in zip(members, chunks) {
                    guard let data = extract(ch) else { continue }
                    let ib = inGeo.box(m)
                    let lo = (0..<box.origin.count).map { max(box.origin[$0], ib.origin[$0]) }
                    let hi = (0..<box.origin.count).map { min(box.origin[$0] + box.shape[$0], ib.origin[$0] + ib.shape[$0]) }
                    data.withUnsafeBufferPointer { src in
                        copyRegion(from: src, srcOrigin: ib.origin, srcShape: ib.shape, to: buf, dstOrigin: box.origin, dstShape: box.shape, lo: lo, hi: hi)
                    }
                }
                k = n
            }
        }
        switch chunks.first?.data.storage ?? .float64 {
        case .float64:
            return Chunk(shape: box.shape, data: .f64(fill { if case .f64(let a) = $0.data { a } else { $0.data.asDoubles } }))
        case .complex128:
            // Elements are (re, im) pairs: copy them as one 16-byte element each.
            let pairs: [SIMD2<Double>] = fill { ch in
                let a = ch.data.asComplex
                return (0..<a.count / 2).map { SIMD2(a[2 * $0], a[2 * $0 + 1]) }
            }
            return Chunk(shape: box.shape, data: .c128(pairs.flatMap { [$0.x, $0.y] }))
        case let t:
            let words: [Int64] = fill { $0.data.int64Words }
            return Chunk(shape: box.shape, data: Column.i64(words).converted(to: t))
        }
    }
}
