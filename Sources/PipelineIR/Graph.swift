import Foundation
/// The graph IR: one layer per object, array and step (as Dask's
/// HighLevelGraph has one layer per collection). Tasks are not expanded: a layer
/// knows its chunk grid and task count, so a 10-million-chunk array costs the
/// same as a 10-chunk one until something asks for the tasks.
public struct Graph: Sendable {
    /// Index of a layer in `layers`.
    public struct LayerID: Sendable, Hashable, Comparable, CustomStringConvertible {
        public let index: Int
        public init(_ index: Int) { self.index = index }
        public static func < (a: LayerID, b: LayerID) -> Bool { a.index < b.index }
        public var description: String { "#\(index)" }
    }

    /// How an input reaches a task.
    public enum EdgeRole: Sendable, Hashable {
        /// The i-th block input (`over`).
        case block(Int)
        /// The i-th entry of `args`.
        case argument(Int)
        /// A `kwargs` entry.
        case keyword(String)
        /// The object of a bound method (`map_blocks: mapper.lookup`): shipped with every task like an argument.
        case receiver
        /// An object the function carries itself (a `functools.partial` argument, a closure cell, a
        /// global of a `__main__` function, a callable instance's `self`): pickled with the function,
        /// once per task, and never seen by Dask's `normalize_arg`. `name` is what the function
        /// reads it as (the partial's keyword, the variable; `self` for a callable instance).
        case carried(CarryRoute, name: String)

        /// Whether the edge carries an object into the task's definition (not a chunk).
        public var carriesObject: Bool {
            if case .block = self { return false }
            return true
        }
    }

    /// How a function carries an object.
    public enum CarryRoute: String, Sendable, Hashable, CaseIterable {
        /// `functools.partial(f, name=obj)`: the partial's keyword, pickled by value with it.
        case partial
        /// A nested function closing over a local: the closure cell.
        case closure
        /// A module global a `__main__` function reads: cloudpickle ships it with the function.
        case global
        /// A callable instance (`__call__`): the instance is the function.
        case instance

        /// How a message names the route: "carried by function `f` (functools.partial)".
        public var phrase: String {
            switch self {
            case .partial: "functools.partial"
            case .closure: "closure"
            case .global: "global of a `__main__` function"
            case .instance: "callable instance"
            }
        }
    }

    /// An input of a layer: 40 bytes. A graph holds one per input of every layer, so the usual
    /// edge (a block, a positional argument or a receiver, no projection) is stored inline; a
    /// keyword's or carried object's name and a projection live in a box only such edges allocate.
    public struct Edge: Sendable, Hashable {
        public var source: LayerID
        /// The role's case when it is stored inline, with its index (a block's or argument's).
        private var inlineRole: InlineRole
        private var index: Int32
        /// The role and projection of an edge that is not stored inline.
        private var boxed: Boxed?
        /// The token that names the input.
        public var range: SourceRange

        private enum InlineRole: UInt8 { case block, argument, receiver, boxed }

        private final class Boxed: Sendable {
            let role: EdgeRole
            let path: FieldPath
            init(role: EdgeRole, path: FieldPath) {
                self.role = role
                self.path = path
            }
        }

        public init(source: LayerID, role: EdgeRole, path: FieldPath = [], range: SourceRange) {
            self.source = source
            self.range = range
            (inlineRole, index, boxed) = Self.stored(role, path)
        }

        private static func stored(_ role: EdgeRole, _ path: FieldPath) -> (InlineRole, Int32, Boxed?) {
            if path.isEmpty {
                switch role {
                case .block(let i) where Int32(exactly: i) != nil: return (.block, Int32(i), nil)
                case .argument(let i) where Int32(exactly: i) != nil: return (.argument, Int32(i), nil)
                case .receiver: return (.receiver, 0, nil)
                default: break
                }
            }
            return (.boxed, 0, Boxed(role: role, path: path))
        }

        public var role: EdgeRole {
            get {
                switch inlineRole {
                case .block: .block(Int(index))
                case .argument: .argument(Int(index))
                case .receiver: .receiver
                case .boxed: boxed?.role ?? .receiver
                }
            }
            set { (inlineRole, index, boxed) = Self.stored(newValue, path) }
        }

        /// The projection applied on the client before shipping (`args: [mapper.series]` ships only `series`).
        public var path: FieldPath {
            get { boxed?.path ?? [] }
            set { (inlineRole, index, boxed) = Self.stored(role, newValue) }
        }

        public static func == (a: Edge, b: Edge) -> Bool {
            a.source == b.source && a.range == b.range && a.role == b.role && a.path == b.path
        }

        public func hash(into h: inout Hasher) {
            h.combine(source)
            h.combine(role)
            h.combine(path)
            h.combine(range)
        }
    }

    /// What a layer is.
    public enum LayerKind: Sendable {
        case object(PipelineObject)
        case array(ArrayDecl)
        /// A DataFrame collection (format 1.2): one task per partition.
        case frame(FrameDecl)
        /// One task per chunk making `call` (nil when it could not be resolved).
        case mapBlocks(call: CallSite?)
        case reduce(Reduction, splitEvery: Int)
        case rechunk
        /// A merge of a frame (format 1.2): output partitions plus `FrameMerge.extraTasks` of its plan.
        case merge(FrameMerge)
        /// A row-wise step over a frame (format 1.2): one task per partition; a lookup's table
        /// is an object edge (`.argument(0)`), embedded in every task unless it is placed.
        case rows(RowOp)
        /// A groupby-sum of a frame (format 1.2): a tree reduction to one result partition.
        case groupby(FrameGroupby)
    }

    /// A layer. It holds no copy of the model: an object, array or frame layer points into the
    /// pipeline's tables (`ModelTables`, shared with the `Pipeline`), a `map_blocks` layer's call
    /// and the fields few layers set (`perItem`, `frame`, `rowsSizing`…) live in boxes, so a layer
    /// is about 120 bytes whatever the model's values weigh. `kind` and the accessors read
    /// through; setting them stores the new value in a box of the layer's own.
    public struct Layer: Sendable {
        public var id: LayerID
        public var name: String
        // The one-byte fields follow `stored`, in its padding.
        var stored: StoredKind
        public var dtype: NumericType?
        /// Whether the block inputs have different chunk grids (Dask rechunks them silently).
        public var misalignedInputs: Bool = false
        /// For a lookup (format 1.2): its table is delayed or scattered, so the export calls
        /// `map_partitions` (one task per partition) instead of `Series.map` (three).
        public var tableIsPlaced = false
        /// For reductions of a per-item step (format 1.1): one task over the list of results
        /// (`dask.delayed(sum)(results)`, `client.submit(sum, futures)`), not Dask's array tree.
        public var reducesItems = false
        /// Chunk grid of the result (scalar for objects and reductions).
        public var grid: ChunkGrid
        public var inputs: [Edge]
        /// The layer's definition in the source.
        public var range: SourceRange
        public var nameRange: SourceRange
        /// The fields few layers set (nil: all empty).
        var extras = OutOfLine<Extras>()
        /// What happens to the result, if it is an output.
        public var output: OutputKind?

        public init(id: LayerID, name: String, kind: LayerKind, grid: ChunkGrid, dtype: NumericType?, inputs: [Edge],
                    range: SourceRange, nameRange: SourceRange, output: OutputKind? = nil) {
            self.init(id: id, name: name, stored: StoredKind(kind), grid: grid, dtype: dtype, inputs: inputs,
                      range: range, nameRange: nameRange, output: output)
        }

        init(id: LayerID, name: String, stored: StoredKind, grid: ChunkGrid, dtype: NumericType?, inputs: [Edge],
             range: SourceRange, nameRange: SourceRange, output: OutputKind? = nil) {
            self.id = id
            self.name = name
            self.stored = stored
            self.grid = grid
            self.dtype = dtype
            self.inputs = inputs
            self.range = range
            self.nameRange = nameRange
            self.output = output
        }

        /// What the layer is (built from the shared tables on each read).
        public var kind: LayerKind {
            get {
                switch stored {
                case .object(let t, let i): .object(t.objects[i])
                case .array(let t, let i): .array(t.arrays[i])
                case .frame(let t, let i): .frame(t.frames[i])
                case .mapBlocks(let c): .mapBlocks(call: c?.value)
                case .reduce(let r, let split): .reduce(r, splitEvery: split)
                case .rechunk: .rechunk
                case .boxed(let b): b.value
                }
            }
            set { stored = StoredKind(newValue) }
        }

        /// The object, for object layers.
        public var object: PipelineObject? {
            switch stored {
            case .object(let t, let i): return t.objects[i]
            case .boxed(let b): if case .object(let o) = b.value { return o }
            default: break
            }
            return nil
        }

        /// The object's recipe, for object layers (without copying the rest of the object).
        var objectRecipe: Recipe? {
            if case .object(let t, let i) = stored { return t.objects[i].recipe }
            return object?.recipe
        }

        /// Whether this is an object layer (without reading the object).
        public var isObject: Bool {
            switch stored {
            case .object: true
            case .boxed(let b): if case .object = b.value { true } else { false }
            default: false
            }
        }

        /// The object's placement, for object layers (without copying the object).
        public var placement: Placement? {
            switch stored {
            case .object(let t, let i): t.objects[i].placement
            default: object?.placement
            }
        }

        /// The object this layer reads with no input edge (format 1.2): a `from_pandas`
        /// frame's `dataframe:` object, or a broadcast merge's right-hand object. The
        /// optimizer, the estimate and the export must treat it as read.
        public var edgelessObjectRead: String? {
            switch stored {
            case .object, .array, .mapBlocks, .reduce, .rechunk: return nil
            case .frame, .boxed: break
            }
            switch kind {
            case .frame(let f):
                if case .fromPandas(let o, _) = f.source { return o }
            case .merge(let m):
                if case .broadcast(let o) = m.route { return o.name }
            default: break
            }
            return nil
        }

        /// The resolved call, for `map_blocks` layers.
        public var call: CallSite? {
            if case .mapBlocks(let c) = stored { return c?.value }
            return nil
        }

        /// The function a `map_blocks` layer calls.
        public var function: PipelineFunction? { call?.function }

        /// For a per-item step (format 1.1): its loop; the grid is one chunk of one element per item.
        public var perItem: PerItem? {
            get { extras.value?.perItem }
            set { extras.update { $0.perItem = newValue } }
        }
        /// For a frame-valued layer (format 1.2: a frame, a `map_partitions` step): its columns.
        /// The grid is one dimension of rows, a chunk per partition; a `mapBlocks` layer with a
        /// schema is a `map_partitions` call.
        public var frame: FrameSchema? {
            get { extras.value?.frame }
            set { extras.update { $0.frame = newValue } }
        }
        /// For a reduction of a frame (format 1.2): the column reduced (`people["income"].sum()`).
        public var reducedColumn: String? {
            get { extras.value?.reducedColumn }
            set { extras.update { $0.reducedColumn = newValue } }
        }
        /// For a filter and the frame-valued layers after it (format 1.2): how its rows per
        /// partition were sized (`FilterRows.grid`); nil when the rows are the frame's own.
        public var rowsSizing: FilterSizing? {
            get { extras.value?.rowsSizing }
            set { extras.update { $0.rowsSizing = newValue } }
        }
        /// For reductions: chunk count of the reduced input (set by the builder).
        public var inputChunkCount: Int {
            get { extras.value?.inputChunkCount ?? 0 }
            set { extras.update { $0.inputChunkCount = newValue } }
        }
        /// For reductions: blocks of the reduced input along each axis (set by the builder; Dask's tree is per axis).
        public var inputChunksPerAxis: [Int] {
            get { extras.value?.inputChunksPerAxis ?? [] }
            set { extras.update { $0.inputChunksPerAxis = newValue } }
        }

        /// Number of tasks this layer contributes to the task graph (saturating).
        /// Embedded and scattered objects have none: they travel inside task
        /// definitions or as futures; a delayed object is one task.
        public var taskCount: Int {
            switch stored {
            case .object(let t, let i): return t.objects[i].placement == .delayed ? 1 : 0
            case .array, .rechunk, .mapBlocks: return grid.chunkCount
            default: break
            }
            switch kind {
            case .object(let o): return o.placement == .delayed ? 1 : 0
            case .array, .mapBlocks, .rechunk: return grid.chunkCount
            case .frame(let f): return f.taskCount
            case .rows(let op): return tableIsPlaced ? grid.chunkCount : RowOp.taskCount(op, partitions: grid.chunkCount)
            case .merge(let m):
                return grid.chunkCount > Int.max / 2 ? Int.max : grid.chunkCount + m.extraTasks(partitions: grid.chunkCount)
            case .groupby(let g): return g.taskCount
            case .reduce where reducesItems:
                return 1
            case .reduce(_, let split):
                return reductionTaskCount(chunksPerAxis: inputChunksPerAxis.isEmpty ? [inputChunkCount] : inputChunksPerAxis, splitEvery: split)
            }
        }
    }

    /// How a layer keeps its kind: a position into the shared tables, a boxed call, or a boxed value.
    enum StoredKind: Sendable {
        case object(ModelTables, Int)
        case array(ModelTables, Int)
        case frame(ModelTables, Int)
        case mapBlocks(Box<CallSite>?)
        case reduce(Reduction, splitEvery: Int)
        case rechunk
        case boxed(Box<LayerKind>)

        init(_ kind: LayerKind) {
            switch kind {
            case .mapBlocks(let c): self = .mapBlocks(c.map(Box.init))
            case .reduce(let r, let split): self = .reduce(r, splitEvery: split)
            case .rechunk: self = .rechunk
            default: self = .boxed(Box(kind))
            }
        }
    }

    /// The fields few layers set.
    struct Extras: RarelySet {
        var perItem: PerItem?
        var frame: FrameSchema?
        var reducedColumn: String?
        var rowsSizing: FilterSizing?
        var inputChunksPerAxis: [Int] = []
        var inputChunkCount = 0
        var isEmpty: Bool {
            perItem == nil && frame == nil && reducedColumn == nil && rowsSizing == nil && inputChunksPerAxis.isEmpty && inputChunkCount == 0
        }
    }

    public var layers: [Layer]
    public var cluster: Cluster
    /// The pipeline's name.
    public var name: String
    /// `outputs:` in the order written (each layer also knows its first output's kind).
    public var outputs: [Output]

    public init(layers: [Layer], cluster: Cluster, name: String = "", outputs: [Output] = []) {
        self.layers = layers
        self.cluster = cluster
        self.name = name
        self.outputs = outputs
    }

    /// The layer `id`, lent rather than copied: `graph[id].name` reads one field of the layer
    /// in place, where a copy would retain every field it holds.
    public subscript(id: LayerID) -> Layer {
        _read { yield layers[id.index] }
    }

    /// The layer named `name`.
    public func layer(named name: String) -> Layer? { layers.first { $0.name == name } }

    /// The storage type of a chunk-valued layer's results (docs/kernels.md, "Dtypes"); nil for objects.
    public func storage(of l: Layer) -> StorageType? {
        switch l.stored {
        case .object, .frame: return nil
        case .array(let t, let i): return StorageType(t.arrays[i].dtype)
        case .mapBlocks(let c): return l.frame != nil ? nil : c?.value.resultStorage ?? l.dtype.map(StorageType.init) ?? .float64
        case .reduce, .rechunk, .boxed: break
        }
        return Self.storage(ofLayerAt: l.id.index, layer: l, in: layers)
    }

    /// `storage(of:)` of layer `i` of `layers` (`l`, when given, stands for it), reading the
    /// layers in place: the builder asks this of every kernel operand.
    static func storage(ofLayerAt i: Int, layer l: Layer? = nil, in layers: [Layer]) -> StorageType? {
        let stored = l?.stored ?? layers[i].stored
        switch stored {
        case .object, .frame: return nil
        case .array(let t, let a): return StorageType(t.arrays[a].dtype)
        case .mapBlocks(let c):
            let frame = l.map { $0.frame != nil } ?? (layers[i].frame != nil)
            return frame ? nil : c?.value.resultStorage ?? (l?.dtype ?? layers[i].dtype).map(StorageType.init) ?? .float64
        case .reduce(.count, _): return .int64
        case .reduce(.mean, _): return .float64
        case .reduce, .rechunk:
            let input = l?.inputs.first ?? layers[i].inputs.first
            return input.flatMap { storage(ofLayerAt: $0.source.index, in: layers) } ?? .float64
        case .boxed: break
        }
        let l = l ?? layers[i]
        switch l.kind {
        case .object: return nil
        case .array(let a): return StorageType(a.dtype)
        case .frame, .merge, .rows, .groupby: return nil
        case .mapBlocks where l.frame != nil: return nil
        case .mapBlocks(let c): return c?.resultStorage ?? l.dtype.map(StorageType.init) ?? .float64
        case .reduce(.count, _): return .int64
        case .reduce(.mean, _): return .float64
        case .reduce, .rechunk: return l.inputs.first.flatMap { storage(ofLayerAt: $0.source.index, in: layers) } ?? .float64
        }
    }

    /// What a kernel operand's storage type is: a block's layer's, an object's (projected), a number's.
    public func storage(of operand: CallSite.Operand, in l: Layer) -> StorageType? {
        switch operand {
        case .block(let e): return storage(of: self[l.inputs[e].source])
        case .literal(let d): return StorageType(literal: d)
        case .item: return l.perItem.map { $0.items.isIntegral ? .int64 : .float64 }
        case .object(let e, let inside):
            let edge = l.inputs[e]
            return self[edge.source].object?.recipe.projected(through: edge.path + inside)?.storage
        }
    }

    /// Total tasks in the graph (saturating).
    public var taskCount: Int {
        layers.reduce(0) { acc, l in
            let (s, o) = acc.addingReportingOverflow(l.taskCount)
            return o ? Int.max : s
        }
    }
}

/// The pipeline's objects, arrays, frames and functions as layers and call sites read them:
/// the same array storage as the `Pipeline`'s (no copy), held once and pointed into by position.
public final class ModelTables: Sendable {
    public let objects: [PipelineObject]
    public let arrays: [ArrayDecl]
    public let frames: [FrameDecl]
    public let functions: [PipelineFunction]

    public init(_ p: Pipeline) {
        objects = p.objects
        arrays = p.arrays
        frames = p.frames
        functions = p.functions
    }
}

/// Tasks in a tree reduction of `chunks` inputs combining `splitEvery` at a time:
/// one per input chunk (the per-chunk partial), then one per group at each level.
public func reductionTaskCount(chunks: Int, splitEvery: Int) -> Int {
    reductionTaskCount(chunksPerAxis: [chunks], splitEvery: splitEvery)
}

/// Tasks of Dask's tree reduction of every axis of a grid of `chunksPerAxis` blocks, as
/// `len(x.sum(split_every=s).__dask_graph__())` counts them beyond the input: one partial per
/// input chunk, plus `reductionTreeNodes` (saturating).
public func reductionTaskCount(chunksPerAxis: [Int], splitEvery: Int) -> Int {
    let partials = saturatingProduct(chunksPerAxis.map { max(1, $0) })
    let (s, o) = partials.addingReportingOverflow(reductionTreeNodes(chunksPerAxis: chunksPerAxis, splitEvery: splitEvery))
    return o ? Int.max : s
}

/// Levels of Dask's reduction tree (`depth − 1` combines and the aggregate) over `chunksPerAxis`
/// blocks grouped `perAxis` at a time: `max(1, ceil(log(n, perAxis)))` over the axes, in floating
/// point as Python computes it.
public func reductionTreeDepth(chunksPerAxis: [Int], perAxis: Int) -> Int {
    var depth = 1
    for n in chunksPerAxis where n > 1 {
        depth = max(depth, Int((log(Double(n)) / log(Double(max(2, perAxis)))).rounded(.up)))
    }
    return depth
}

/// Combine and aggregate nodes of Dask's `_tree_reduce` (dask/array/reductions.py) over a grid
/// of `chunksPerAxis` blocks: an int `split_every` becomes `max(int(s ** (1 / axes)), 2)` per
/// axis; `depth = max(1, ceil(log(n, per_axis)))` over the axes, in floating point as Python
/// computes it (`log(125, 5)` is 3.0000000000000004, so 125 chunks by 5 take four levels); then
/// `depth − 1` combine levels and one aggregate, each grouping `per_axis` blocks along every axis.
/// Even one chunk gets its aggregate node.
public func reductionTreeNodes(chunksPerAxis: [Int], splitEvery: Int) -> Int {
    let axes = max(1, chunksPerAxis.count)
    // `split_every` near 2⁶³ rounds to 2⁶³ as a Double: clamp before converting.
    let perAxis = max(2, Int(min(pow(Double(max(1, splitEvery)), 1 / Double(axes)), 0x1p62)))
    let depth = reductionTreeDepth(chunksPerAxis: chunksPerAxis, perAxis: perAxis)
    var level = chunksPerAxis.isEmpty ? [1] : chunksPerAxis.map { max(1, $0) }
    var nodes = 0
    for _ in 0..<depth {
        level = level.map { $0 / perAxis + ($0 % perAxis == 0 ? 0 : 1) }
        let (s, o) = nodes.addingReportingOverflow(saturatingProduct(level))
        nodes = o ? Int.max : s
    }
    return nodes
}
