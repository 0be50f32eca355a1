import PipelineIR
import Sizing

/// Dask's worker memory thresholds, as fractions of `memory_limit`
/// (`distributed.worker.memory.target|spill|pause|terminate`).
public struct MemoryThresholds: Sendable, Hashable {
    /// `distributed.worker.memory.target` (0.6): start spilling managed data to disk.
    public var target: Double
    /// `distributed.worker.memory.spill` (0.7): spill based on process memory.
    public var spill: Double
    /// `distributed.worker.memory.pause` (0.8): stop running new tasks.
    public var pause: Double
    /// `distributed.worker.memory.terminate` (0.95): the nanny kills the worker.
    public var terminate: Double

    /// Thresholds; the defaults are Dask's.
    public init(target: Double = 0.6, spill: Double = 0.7, pause: Double = 0.8, terminate: Double = 0.95) {
        self.target = target
        self.spill = spill
        self.pause = pause
        self.terminate = terminate
    }

    /// Dask 2026.8's defaults.
    public static let dask = MemoryThresholds()

    /// The highest threshold `fraction` reaches.
    public func level(_ fraction: Double) -> MemoryLevel {
        if fraction >= terminate { return .terminate }
        if fraction >= pause { return .pause }
        if fraction >= spill { return .spill }
        if fraction >= target { return .target }
        return .belowTarget
    }

    /// The fraction of a level.
    public func fraction(of level: MemoryLevel) -> Double {
        switch level {
        case .belowTarget: 0
        case .target: target
        case .spill: spill
        case .pause: pause
        case .terminate: terminate
        }
    }
}

/// Which of Dask's memory thresholds a worker's predicted memory reaches.
public enum MemoryLevel: String, Sendable, Hashable, Comparable, CaseIterable {
    case belowTarget = "below-target", target, spill, pause, terminate

    /// What Dask does there.
    public var consequence: String {
        switch self {
        case .belowTarget: "nothing"
        case .target: "the worker starts spilling results to disk"
        case .spill: "the worker spills to disk based on process memory"
        case .pause: "the worker stops running new tasks"
        case .terminate: "the nanny kills and restarts the worker"
        }
    }

    /// Dask's config key for the threshold.
    public var configKey: String { "distributed.worker.memory.\(self == .belowTarget ? "target" : rawValue)" }

    var rank: Int {
        switch self {
        case .belowTarget: 0
        case .target: 1
        case .spill: 2
        case .pause: 3
        case .terminate: 4
        }
    }

    public static func < (a: MemoryLevel, b: MemoryLevel) -> Bool { a.rank < b.rank }
}

/// What the estimator is told besides the graph.
public struct EstimateOptions: Sendable {
    /// `distributed.admin.large-graph-warning-threshold` (10 MB).
    public var largeGraphWarningBytes: Int64
    /// Worker memory thresholds.
    public var memory: MemoryThresholds
    /// Whether a relative `load:` path exists (relative to the pipeline's folder);
    /// nil when not checked. The analysis stays pure: the caller does the I/O.
    public var fileExists: (@Sendable (String) -> Bool)?
    /// Object sizes remembered from an earlier estimate of a similar text; nil sizes every object.
    public var sizes: ObjectSizeMemo?

    /// Options; the defaults are Dask's.
    public init(largeGraphWarningBytes: Int64 = 10_000_000, memory: MemoryThresholds = .dask, fileExists: (@Sendable (String) -> Bool)? = nil,
                sizes: ObjectSizeMemo? = nil) {
        self.largeGraphWarningBytes = largeGraphWarningBytes
        self.memory = memory
        self.fileExists = fileExists
        self.sizes = sizes
    }
}

/// One object reaching one layer's tasks through one edge.
public struct ObjectUse: Sendable {
    /// The object's name.
    public var object: String
    /// The object's layer.
    public var source: Graph.LayerID
    /// The field path projected on the client (`[]` ships the whole object; `["series"]` ships `mapper.series`).
    public var path: FieldPath
    /// What is shipped, for display only: `mapper`, or `mapper.series` for a projected field.
    public var shownName: String
    /// The token naming it in the step.
    public var range: SourceRange
    /// Whether it is a bound method's receiver (Dask never inspects the function).
    public var isReceiver: Bool
    /// How the function carries it, when it does (a partial, a closure, a global, a callable
    /// instance): like a receiver, Dask never inspects it.
    public var carried: (route: Graph.CarryRoute, name: String)?
    /// The shipped value (nil when the path does not resolve).
    public var value: PyValue?
    /// Pickled bytes of the shipped value.
    public var wire: SizeEstimate
    /// Bytes one unpickled copy occupies in a worker.
    public var resident: SizeEstimate
    /// `dask.sizeof` of the shipped value (what `normalize_arg` looks at).
    public var daskSizeof: SizeEstimate
    /// The object's placement.
    public var placement: Placement
    /// Whether `normalize_arg` already wraps it in `delayed` (args and kwargs only).
    public var daskDelays: Bool
    /// Whether every task's message carries its own copy: an embedded object Dask does not
    /// wrap on `distributed`; any object on `processes`, which pickles every task with the
    /// values of its dependencies.
    public var copiedPerTask: Bool
    /// Copies a worker holds at once while the tasks run because of this use (copies per task
    /// only; a delayed or scattered object's one copy per worker is counted on the object).
    /// On `processes`, one: a pool process runs one task at a time and returns its result.
    public var copiesPerWorker: Int
    /// Copies a worker still holds after the run because of this use: an embedded object
    /// lives with each held result's `run_spec` (`persist`); none on `processes`.
    public var copiesPerWorkerAfter: Int
    /// Copies all workers hold at once because of this use.
    public var copiesTotal: Int
    /// `copiesPerWorker × resident`, saturating.
    public var residentPerWorker: SizeEstimate
    /// `copiesTotal × resident`, saturating: what all workers hold at once.
    public var residentTotal: SizeEstimate
}

/// The figures of one layer.
public struct LayerEstimate: Sendable {
    /// The layer.
    public var id: Graph.LayerID
    /// Its name.
    public var name: String
    /// A short description, for display only: `array (range)`, `map_blocks f`, `reduce sum`, `rechunk`, `object (delayed)`.
    public var kind: String
    /// Whether the layer is an object (its results are the object, not chunks).
    public var isObject: Bool
    /// Where it is defined.
    public var nameRange: SourceRange
    /// Tasks in the graph.
    public var tasks: Int
    /// `run_spec` bytes of one task when the scheduler dispatches it (objects included).
    public var taskBytes: SizeEstimate
    /// Its share of the submitted graph, without objects.
    public var submit: GraphCosts.LayerCost
    /// The map_blocks layer whose tasks Dask fuses this layer's tasks into (they are never
    /// dispatched on their own; that layer's `taskBytes` is the fused task).
    public var fusedInto: String?
    /// Objects its tasks carry or reference.
    public var objects: [ObjectUse]
    /// Bytes of its largest output chunk.
    public var chunkBytes: Int64
    /// What happens to the result, when it is an output.
    public var output: OutputKind?
    /// Whether every chunk's result is alive at once (an output, or fused into one).
    public var resultsHeld: Bool
    /// Result chunks it leaves (its tasks, but a merge's output partitions only).
    public var chunks: Int
}

/// The figures of one object.
public struct ObjectEstimate: Sendable {
    /// The object's name.
    public var name: String
    /// Where it is defined.
    public var nameRange: SourceRange
    /// Its placement.
    public var placement: Placement
    /// Pickled bytes of the whole object.
    public var wire: SizeEstimate
    /// Bytes one copy occupies in a worker.
    public var resident: SizeEstimate
    /// Copies one worker holds at most at once while the tasks run, over all the layers that use it.
    public var copiesPerWorker: Int
    /// Copies all workers hold at once while the tasks run.
    public var copiesTotal: Int
    /// Bytes a worker holds for it at the peak, while the tasks run (saturating).
    public var residentPerWorker: SizeEstimate
    /// Copies one worker still holds after the run: embedded copies of held results, a
    /// scattered object's replica; a delayed (or Dask-wrapped) one is released once its last
    /// dependent is in memory, and a processes pool holds nothing.
    public var copiesPerWorkerAfter: Int
    /// Bytes a worker holds for it after the run (saturating).
    public var residentPerWorkerAfter: SizeEstimate
    /// Names of the layers that use it.
    public var usedBy: [String]
}

/// A located remark about the estimate: a missing file, an unknown size, a saturated figure.
public struct EstimateNote: Sendable, Hashable {
    /// Where.
    public var range: SourceRange
    /// What.
    public var message: String
    /// An estimate note.
    public init(range: SourceRange, message: String) {
        self.range = range
        self.message = message
    }
}

/// The graph figures of a pipeline: what the client submits, what each task
/// carries on dispatch, and what a worker holds.
public struct GraphEstimate: Sendable {
    /// The cluster the figures are for.
    public var cluster: Cluster
    /// Per layer, in graph order.
    public var layers: [LayerEstimate]
    /// Per object.
    public var objects: [ObjectEstimate]
    /// Tasks in the graph (saturating).
    public var tasks: Int
    /// Whether the client pickles the whole graph at once (distributed only).
    public var hasSubmit: Bool
    /// Submitted bytes independent of the chunk counts: layer constants plus every embedded object once.
    public var submitFixedBytes: Int64
    /// Submitted bytes that grow with the chunk counts (keys and arguments of materialized tasks).
    public var submitPerChunkBytes: Int64
    /// What `Client._graph_to_futures` measures and compares with the threshold.
    public var submitBytes: SizeEstimate
    /// The threshold used.
    public var largeGraphWarningBytes: Int64
    /// Whether the client would warn "Sending large graph of size …".
    public var largeGraphWarning: Bool
    /// Predicted peak memory of one worker while the tasks run: object copies plus chunk data.
    public var residentPerWorker: SizeEstimate
    /// The part of `residentPerWorker` that is chunk data.
    public var chunkDataPerWorker: Int64
    /// What one worker still holds after the run: copies that stay and `persist`ed chunks.
    public var residentPerWorkerAfter: SizeEstimate
    /// `processes` only: what the parent process holds — every output's chunks (the pool
    /// returns results) plus the pickled task messages the pool prepares ahead
    /// (`chunksize` 6 per process, each carrying its objects).
    public var parentBytes: SizeEstimate?
    /// `memory_per_worker`, when declared.
    public var memoryLimit: Int64?
    /// `residentPerWorker / memoryLimit`.
    public var memoryFraction: Double?
    /// The highest of Dask's thresholds reached, when the limit is declared.
    public var memoryLevel: MemoryLevel?
    /// The thresholds used.
    public var thresholds: MemoryThresholds
    /// Located remarks: missing files, unknown sizes, saturated figures.
    public var notes: [EstimateNote]

    /// The embedded use holding the most memory per worker, if any.
    public var largestUse: (layer: LayerEstimate, use: ObjectUse)? {
        var best: (layer: LayerEstimate, use: ObjectUse)?
        for l in layers {
            for u in l.objects where u.copiedPerTask {
                if u.residentPerWorker.bytes > (best?.use.residentPerWorker.bytes ?? -1) { best = (l, u) }
            }
        }
        return best
    }
}
