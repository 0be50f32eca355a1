import Foundation
import PipelineIR

/// Expands a graph into `PipelinePlan`'s tasks, one layer at a time in graph
/// order: objects (client copies, delayed builds, scattered copies), input
/// arrays, map tasks with their call templates, rechunks and reduction trees.
struct PlanBuilder {
    let graph: Graph
    let source: SourceFile
    let baseDirectory: URL
    let serializes: Bool
    let dependents: [[Graph.LayerID]]
    /// Uses (`RunOptions.wrappedUse` keys) Dask's normalize_arg wraps in delayed.
    let daskWrapped: Set<String>
    /// Embedded objects some step passes where Dask wraps them: the task that builds them there.
    var wrappedTask: [Int: Int] = [:]

    var ops: [PipelinePlan.Op] = []
    var opLayer: [Int32] = []
    var depStart: [Int32] = [0]
    var depList: [Int32] = []
    var keep: [Bool] = []
    var firstTask: [Int]
    var finalTask: [Int]
    var geometry: [GridGeometry]
    var calls: [Int: PipelinePlan.Call] = [:]
    var loadedArrays: [Int: Chunk] = [:]
    var clientObjects: [Int: ObjectValue] = [:]
    var objectTask: [Int: Int] = [:]
    var virtualSources: [Int: Int] = [:]
    var partialSource: [Int: Int] = [:]
    var reductionKind: [Int: Reduction] = [:]
    var layerTotal: Int
    /// Frame layers (format 1.2): the schema their partitions are generated from.
    var frameSchemas: [Int: FrameSchema] = [:]
    /// `load:` CSV frames: their blocks, as Dask's read_csv cuts the file.
    var csvLayouts: [Int: CSVBlockLayout] = [:]
    /// Column reductions of frames: the column each reduces.
    var reducedColumns: [Int: String] = [:]
    /// map_column steps through a Series: the Series' dtype.
    var seriesDtypes: [Int: NumericType] = [:]
    /// Merges with a `dataframe:` object: key, how, result column names.
    var merges: [Int: (on: String, how: MergeHow, names: [String])] = [:]
    /// Merges run as hash or broadcast joins: how their tasks read their inputs.
    var joins: [Int: FrameMerges.Join] = [:]
    /// Row-wise steps (`lookup`, `assign`, `filter`).
    var rowOps: [Int: RowOp] = [:]
    /// Groupby-sums: key and summed column.
    var groupbys: [Int: (key: String, value: String)] = [:]

    init(graph: Graph, source: SourceFile, baseDirectory: URL, daskWrapped: Set<String> = []) {
        self.graph = graph
        self.daskWrapped = daskWrapped
        self.source = source
        self.baseDirectory = baseDirectory
        serializes = graph.cluster.scheduler.serializesTasks
        dependents = GraphAlgorithms.dependents(graph)
        firstTask = Array(repeating: -1, count: graph.layers.count)
        finalTask = Array(repeating: -1, count: graph.layers.count)
        geometry = graph.layers.map { GridGeometry($0.grid) }
        layerTotal = graph.layers.count
    }

    /// Refuses what cannot run here, at the place it is written.
    func refuseWhatCannotRun() throws(ExecutorError) {
        for l in graph.layers {
            guard case .mapBlocks(let call) = l.kind else { continue }
            guard let call else { throw ExecutorError(.input, "step `\(l.name)` calls an unknown function", at: l.range, in: source) }
            if case .python(let ref) = call.function.body {
                throw ExecutorError(.refused, "step `\(l.name)` calls `\(call.function.name)`, a Python function (`\(ref)`); `pipelint run` executes built-in kernels only",
                                    at: call.range, in: source, help: "run it on Dask: `pipelint run --engine dask \(source.path)` (or `pipelint export --to dask`)")
            }
        }
        try refuseUncomputedDTypes()
        try refuseUncomputedFrameReductions()
        for l in graph.layers {
            guard let o = l.object, !dependents[l.id.index].isEmpty, let (field, factory) = Self.pythonFactory(in: o.recipe) else { continue }
            let what = field.map { "object `\(o.name)` holds field `\($0)`, built by a Python factory" } ?? "object `\(o.name)` is built by a Python factory"
            throw ExecutorError(.refused, "\(what) (`\(factory)`); `pipelint run` cannot build it",
                                at: o.range, in: source, help: "run it on Dask: `pipelint run --engine dask \(source.path)` (or `pipelint export --to dask`)")
        }
    }

    /// Reductions over complex and nanosecond values are exported but not computed here
    /// (docs/executor.md, "Limits"): refused at the step.
    func refuseUncomputedDTypes() throws(ExecutorError) {
        for l in graph.layers {
            guard case .reduce(let r, _) = l.kind, let input = l.inputs.first, let t = graph.storage(of: graph[input.source]), !t.isReal else { continue }
            throw ExecutorError(.refused, "step `\(l.name)` takes the \(r.rawValue) of \(t.rawValue) values; `pipelint run` reduces bool, integer and float values only",
                                at: l.range, in: source, help: "run it with Dask: `pipelint export --to dask \(source.path)`")
        }
    }

    /// The first Python factory a recipe needs: the object itself, or a field (by its dotted path) of an instance.
    static func pythonFactory(in r: Recipe) -> (field: String?, factory: String)? {
        switch r {
        case .python(let factory, _): return (nil, factory)
        case .instance(let i):
            for f in i.fields {
                if let (inner, factory) = pythonFactory(in: f.recipe) { return (inner.map { "\(f.name).\($0)" } ?? f.name, factory) }
            }
            return nil
        default: return nil
        }
    }

    mutating func add(_ op: PipelinePlan.Op, layer: Int, deps: [Int], keep k: Bool) -> Int {
        ops.append(op)
        opLayer.append(Int32(layer))
        for d in deps { depList.append(Int32(d)) }
        depStart.append(Int32(depList.count))
        keep.append(k)
        return ops.count - 1
    }

    mutating func planLayers() throws(ExecutorError) {
        for l in graph.layers {
            switch l.kind {
            case .object(let o): try planObject(o, layer: l)
            case .array(let a): try planArray(a, layer: l)
            case .mapBlocks(let call?): try planMap(call, layer: l)
            case .mapBlocks(nil): continue
            case .rechunk: planRechunk(l)
            case .frame(let f):
                try planLoadedFrame(f, layer: l)
                planFrame(f, layer: l)
            case .reduce(let r, let split) where l.reducedColumn != nil: planFrameReduce(r, splitEvery: split, layer: l)
            case .reduce(let r, let split): planReduce(r, splitEvery: split, layer: l)
            case .rows(let op): try planRows(op, layer: l)
            case .groupby(let g): planGroupby(g, layer: l)
            default:
                // Merges here, so that a step kind added to the IR compiles and is refused where written.
                if case .merge(let m) = l.kind {
                    try planMerge(m, layer: l)
                    continue
                }
                // The frame steps pipelint reads but does not execute yet.
                throw ExecutorError(.refused, "`pipelint run` does not execute step `\(l.name)` (\(Self.kindName(l.kind))) yet", at: l.nameRange, in: source,
                                    help: "run it on Dask: `pipelint run --engine dask \(source.path)` (or `pipelint export --to dask`)")
            }
        }
    }

    func buildObject(_ o: PipelineObject) throws(ExecutorError) -> ObjectValue {
        do { return try ObjectBuilder.build(o.recipe, baseDirectory: baseDirectory) } catch {
            throw ExecutorError(.input, "cannot build object `\(o.name)`: \(error.message)", at: o.range, in: source)
        }
    }

    /// An embedded object on a serializing scheduler is the client's copy, encoded into each
    /// task; a delayed one is built by one task; a scattered one (or any object on the threaded
    /// scheduler) is preloaded.
    mutating func planObject(_ o: PipelineObject, layer l: Graph.Layer) throws(ExecutorError) {
        let li = l.id.index
        guard !dependents[li].isEmpty else { return }
        if serializes && o.placement == .embed {
            clientObjects[li] = try buildObject(o)
            if dependents[li].contains(where: { daskWrapped.contains(RunOptions.wrappedUse(step: graph[$0].name, object: o.name)) }) {
                // Where Dask's normalize_arg wraps it, it is a delayed value: one task, fetched once per worker.
                wrappedTask[li] = add(.build(layer: li), layer: li, deps: [], keep: false)
            }
        } else if serializes && o.placement == .delayed {
            objectTask[li] = add(.build(layer: li), layer: li, deps: [], keep: l.output != nil)
        } else {
            clientObjects[li] = try buildObject(o)
            objectTask[li] = add(.preloaded(layer: li), layer: li, deps: [], keep: true)
        }
    }

    mutating func planArray(_ a: ArrayDecl, layer l: Graph.Layer) throws(ExecutorError) {
        let li = l.id.index
        if case .load(let path) = a.source {
            let c: Chunk
            do { c = try ObjectBuilder.loadNPY(path, in: baseDirectory) } catch {
                throw ExecutorError(.input, "array `\(a.name)`: \(error.message)", at: a.range, in: source)
            }
            guard c.shape == l.grid.shape else {
                throw ExecutorError(.input, "array `\(a.name)`: `\(path)` has shape \(Kernels.shapeText(c.shape)) but the array declares \(Kernels.shapeText(l.grid.shape))", at: a.range, in: source)
            }
            loadedArrays[li] = c
        }
        firstTask[li] = ops.count
        for c in 0..<l.grid.chunkCount { _ = add(.source(layer: li, chunk: c), layer: li, deps: [], keep: l.output != nil) }
    }

    /// The layers a map task reads its blocks from: each `over` input, or an implicit rechunk of it
    /// to the step's block grid. That grid is the blocks', not the step's: a kernel like `dot`
    /// changes the shape. A dimension of length 1 where the grid's is longer is broadcast, as
    /// Dask's blockwise does: it keeps its one block, which every task along that axis reads.
    mutating func blockLayers(of l: Graph.Layer) throws(ExecutorError) -> [(layer: Int, broadcast: [Bool])] {
        let blockEdges = l.inputs.filter { if case .block = $0.role { true } else { false } }
        let blockGrid = Self.blockGrid(blockEdges.map { graph[$0.source].grid }) ?? l.grid
        var out: [(layer: Int, broadcast: [Bool])] = []
        for e in blockEdges {
            let input = graph[e.source]
            guard input.grid.dims.count == blockGrid.dims.count,
                  zip(input.grid.shape, blockGrid.shape).allSatisfy({ $0 == $1 || $0 == 1 }) else {
                let first = blockEdges.first.map { graph[$0.source].name } ?? ""
                throw ExecutorError(.input, "step `\(l.name)`: `\(input.name)` has shape \(Kernels.shapeText(input.grid.shape)), which does not broadcast with `\(first)`'s \(Kernels.shapeText(blockGrid.shape))",
                                    at: e.range, in: source)
            }
            let broadcast = zip(input.grid.shape, blockGrid.shape).map { $0 == 1 && $1 != 1 }
            let target = ChunkGrid(dims: zip(input.grid.dims, blockGrid.dims).enumerated().map { d, pair in broadcast[d] ? pair.0 : pair.1 })
            guard input.grid != target else {
                out.append((e.source.index, broadcast))
                continue
            }
            let v = layerTotal
            layerTotal += 1
            virtualSources[v] = e.source.index
            geometry.append(GridGeometry(target))
            firstTask.append(ops.count)
            finalTask.append(-1)
            let inGeo = geometry[e.source.index]
            let outGeo = GridGeometry(target)
            for c in 0..<target.chunkCount {
                _ = add(.rechunk(layer: v, chunk: c), layer: v,
                        deps: PipelinePlan.overlapping(outGeo, c, inGeo).map { firstTask[e.source.index] + $0 }, keep: false)
            }
            out.append((v, broadcast))
        }
        return out
    }

    /// The grid the blocks are paired on: the first input's, with each dimension of length 1
    /// taken from the first input that is longer there (as the graph builder sets the step's grid).
    static func blockGrid(_ grids: [ChunkGrid]) -> ChunkGrid? {
        guard var dims = grids.first?.dims else { return nil }
        for g in grids.dropFirst() where g.dims.count == dims.count {
            for (d, dim) in g.dims.enumerated() where dims[d].length == 1 && dim.length != 1 { dims[d] = dim }
        }
        return ChunkGrid(dims: dims)
    }

    /// The chunk of a block input that task `c` of the step reads: its own index along each axis,
    /// or 0 along a broadcast one.
    func blockChunk(_ c: Int, of input: (layer: Int, broadcast: [Bool]), stepGeometry: GridGeometry) -> Int {
        guard input.broadcast.contains(true) else { return c }
        var coords = stepGeometry.coords(c)
        for (d, b) in input.broadcast.enumerated() where b && d < coords.count { coords[d] = 0 }
        return geometry[input.layer].linear(coords)
    }

    /// Map tasks: the call site says what each parameter receives; blocks are the task's first
    /// dependencies, then the tasks of delayed, scattered or client objects; embedded objects
    /// are encoded once here (the scheduler's copy) and decoded per task.
    mutating func planMap(_ call: CallSite, layer l: Graph.Layer) throws(ExecutorError) {
        guard let (kernel, bindings) = call.kernel else { return }
        let li = l.id.index
        let blocks = try blockLayers(of: l)
        var params: [PipelinePlan.ParamSource] = []
        var objectDeps: [Int] = []
        var embedded: [(layer: Int, encoded: [UInt8], decodedBytes: Int)] = []
        for a in call.arguments {
            switch a.source {
            case .literal(let d, _):
                params.append(.literal(.literal(d)))
            case .item:
                params.append(.item)
            case .input(let k):
                let e = l.inputs[k]
                if case .block(let i) = e.role {
                    params.append(.dep(i, path: []))
                } else if let t = objectTask[e.source.index] ?? wrappedTask[e.source.index].flatMap({ t in
                    e.role != .receiver && daskWrapped.contains(RunOptions.wrappedUse(step: l.name, object: graph[e.source].name)) ? t : nil
                }) {
                    objectDeps.append(t)
                    params.append(.dep(blocks.count + objectDeps.count - 1, path: e.path))
                } else {
                    let value = clientObjects[e.source.index]?.project(e.path) ?? .literal(.none)
                    embedded.append((e.source.index, ObjectCodec.encode(value), value.residentBytes))
                    params.append(.embedded(embedded.count - 1))
                }
            }
        }
        if kernel == .mapColumn, case .object(let e, let inside)? = call.operand(ofKernelParameter: 1, inputs: l.inputs),
           case .series(let s)? = graph[l.inputs[e].source].object?.recipe.projected(through: l.inputs[e].path + inside) {
            seriesDtypes[li] = s.dtype
        }
        calls[li] = PipelinePlan.Call(kernel: kernel, bindings: bindings, params: params, embedded: embedded, items: l.perItem?.items)
        firstTask[li] = ops.count
        let blockGeometry = GridGeometry(Self.blockGrid(l.inputs.compactMap { e in if case .block = e.role { graph[e.source].grid } else { nil } }) ?? l.grid)
        for c in 0..<GridGeometry(l.grid).chunkCount {
            _ = add(.map(layer: li, chunk: c), layer: li,
                    deps: blocks.map { firstTask[$0.layer] + blockChunk(c, of: $0, stepGeometry: blockGeometry) } + objectDeps, keep: l.output != nil)
        }
    }

    mutating func planRechunk(_ l: Graph.Layer) {
        guard let e = l.inputs.first else { return }
        let li = l.id.index
        let inGeo = geometry[e.source.index]
        let outGeo = geometry[li]
        firstTask[li] = ops.count
        for c in 0..<outGeo.chunkCount {
            _ = add(.rechunk(layer: li, chunk: c), layer: li,
                    deps: PipelinePlan.overlapping(outGeo, c, inGeo).map { firstTask[e.source.index] + $0 }, keep: l.output != nil)
        }
        virtualSources[li] = e.source.index
    }

    /// Partials, one per input chunk on the input's grid, then groups of `g` per axis in
    /// row-major order, level by level as Dask's `_tree_reduce` counts its levels (so the task
    /// count is Dask's: 125 chunks by 5 take four levels, the last of one group).
    mutating func planReduce(_ r: Reduction, splitEvery split: Int, layer l: Graph.Layer) {
        guard let e = l.inputs.first else { return }
        let li = l.id.index
        let input = e.source.index
        let inGeo = geometry[input]
        reductionKind[li] = r
        partialSource[li] = input
        if l.reducesItems {
            // `dask.delayed(sum)(results)`: one task over every item's result.
            finalTask[li] = add(.combine(layer: li, final: true), layer: li, deps: (0..<inGeo.chunkCount).map { firstTask[input] + $0 }, keep: l.output != nil)
            return
        }
        var level: [Int] = []
        for c in 0..<inGeo.chunkCount {
            level.append(add(.partial(layer: li, chunk: c), layer: li, deps: [firstTask[input] + c], keep: false))
        }
        var counts = inGeo.counts
        if counts.isEmpty { counts = [1] }
        let g = Reductions.groupSize(splitEvery: split, ndim: counts.count)
        let depth = reductionTreeDepth(chunksPerAxis: counts, perAxis: g)
        for levelIndex in 0..<depth {
            let next = counts.map { max(1, ($0 + g - 1) / g) }  // an empty axis: one final task over no partials
            let last = levelIndex == depth - 1
            var nextLevel: [Int] = []
            nextLevel.reserveCapacity(next.reduce(1, *))
            for gi in 0..<next.reduce(1, *) {
                let members = Self.groupMembers(gi, next: next, counts: counts, groupSize: g).map { level[$0] }
                nextLevel.append(add(.combine(layer: li, final: last), layer: li, deps: members, keep: last && l.output != nil))
            }
            level = nextLevel
            counts = next
        }
        finalTask[li] = level.first ?? -1
    }

    /// The members (linear indices on a grid of `counts`) of group `gi` on the grid of groups `next`, row-major.
    static func groupMembers(_ gi: Int, next: [Int], counts: [Int], groupSize g: Int) -> [Int] {
        var gc = [Int](repeating: 0, count: next.count)
        var rem = gi
        for d in stride(from: next.count - 1, through: 0, by: -1) { gc[d] = rem % next[d]; rem /= next[d] }
        var members: [Int] = []
        var lo = gc.map { $0 * g }
        let hi = gc.enumerated().map { min(($0.element + 1) * g, counts[$0.offset]) }
        let start = lo
        while !zip(lo, hi).contains(where: { $0 >= $1 }) {
            var lin = 0
            for d in 0..<counts.count { lin = lin * counts[d] + lo[d] }
            members.append(lin)
            var d = counts.count - 1
            while d >= 0 {
                lo[d] += 1
                if lo[d] < hi[d] { break }
                lo[d] = start[d]
                d -= 1
            }
            if d < 0 { break }
        }
        return members
    }
}
