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

        /// Whether the edge carries an object into the task's definition (not a chunk).
        public var carriesObject: Bool {
            if case .block = self { return false }
            return true
        }
    }

    /// An input of a layer.
    public struct Edge: Sendable, Hashable {
        public var source: LayerID
        public var role: EdgeRole
        /// Fields projected before shipping (`args: [mapper.series]` ships only `series`).
        public var path: [String]
        /// The token that names the input.
        public var range: SourceRange
        public init(source: LayerID, role: EdgeRole, path: [String] = [], range: SourceRange) {
            self.source = source
            self.role = role
            self.path = path
            self.range = range
        }
    }

    /// What a layer is.
    public enum LayerKind: Sendable {
        case object(PipelineObject)
        case array(ArrayDecl)
        /// One task per chunk calling `function` (nil when it could not be resolved).
        case mapBlocks(function: PipelineFunction?)
        case reduce(Reduction, splitEvery: Int)
        case rechunk
    }

    /// A layer.
    public struct Layer: Sendable {
        public var id: LayerID
        public var name: String
        public var kind: LayerKind
        /// Chunk grid of the result (scalar for objects and reductions).
        public var grid: ChunkGrid
        public var dtype: NumericType?
        public var inputs: [Edge]
        /// The layer's definition in the source.
        public var range: SourceRange
        public var nameRange: SourceRange
        /// What happens to the result, if it is an output.
        public var output: OutputKind?
        /// Whether the block inputs have different chunk grids (Dask rechunks them silently).
        public var misalignedInputs: Bool = false

        public init(id: LayerID, name: String, kind: LayerKind, grid: ChunkGrid, dtype: NumericType?, inputs: [Edge],
                    range: SourceRange, nameRange: SourceRange, output: OutputKind? = nil) {
            self.id = id
            self.name = name
            self.kind = kind
            self.grid = grid
            self.dtype = dtype
            self.inputs = inputs
            self.range = range
            self.nameRange = nameRange
            self.output = output
        }

        /// The object, for object layers.
        public var object: PipelineObject? {
            if case .object(let o) = kind { return o }
            return nil
        }

        /// Number of tasks this layer contributes to the task graph (saturating).
        /// Embedded and scattered objects have none: they travel inside task
        /// definitions or as futures; a delayed object is one task.
        public var taskCount: Int {
            switch kind {
            case .object(let o): o.placement == .delayed ? 1 : 0
            case .array, .mapBlocks, .rechunk: grid.chunkCount
            case .reduce(_, let split):
                reductionTaskCount(chunks: inputChunkCount, splitEvery: split)
            }
        }

        /// For reductions: chunk count of the reduced input (set by the builder).
        public var inputChunkCount: Int = 0
    }

    public var layers: [Layer]
    public var cluster: Cluster

    public init(layers: [Layer], cluster: Cluster) {
        self.layers = layers
        self.cluster = cluster
    }

    public subscript(id: LayerID) -> Layer { layers[id.index] }

    /// The layer named `name`.
    public func layer(named name: String) -> Layer? { layers.first { $0.name == name } }

    /// Total tasks in the graph (saturating).
    public var taskCount: Int {
        layers.reduce(0) { acc, l in
            let (s, o) = acc.addingReportingOverflow(l.taskCount)
            return o ? Int.max : s
        }
    }
}

/// Tasks in a tree reduction of `chunks` inputs combining `splitEvery` at a time:
/// one per input chunk (the per-chunk partial), then one per group at each level.
public func reductionTaskCount(chunks: Int, splitEvery: Int) -> Int {
    guard chunks > 0 else { return 1 }
    let split = max(2, splitEvery)
    var total = chunks
    var level = chunks
    while level > 1 {
        level = level / split + (level % split == 0 ? 0 : 1)
        let (s, o) = total.addingReportingOverflow(level)
        total = o ? Int.max : s
    }
    return total
}
