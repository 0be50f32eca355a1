import Foundation
import PipelineIR

/// Cancels a run from another thread (the CLI's SIGINT handler).
public final class RunControl: @unchecked Sendable {
    let lock = NSLock()
    var scheduler: TaskScheduler?
    var cancelled = false

    public init() {}

    /// Stops the current run: tasks in flight finish, nothing new starts, nothing is written.
    public func cancel() {
        lock.lock()
        cancelled = true
        let s = scheduler
        lock.unlock()
        s?.cancel()
    }

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }

    func attach(_ s: TaskScheduler?) {
        lock.lock()
        scheduler = s
        let c = cancelled
        lock.unlock()
        if c { s?.cancel() }
    }
}

/// Options of one run.
public struct RunOptions: Sendable {
    /// Memory sampling interval in seconds.
    public var sampleInterval = 0.005
    /// Overrides `cluster.memory_per_worker` (bytes) when set.
    public var memoryLimit: Int?
    /// Objects whose placement the caller's optimization changed (reported, not acted on).
    public var optimizedObjects: [String] = []
    /// Run even when the estimate is over the machine's memory (`--force`).
    public var force = false
    /// Embedded objects Dask's `normalize_arg` wraps in `delayed` where a step passes them
    /// (`RunOptions.wrappedUse(step:object:)` keys, from the caller's graph estimate): built
    /// by one task and fetched once per worker, as Dask does, not copied into every task.
    public var daskWrapped: Set<String> = []
    public init(optimizedObjects: [String] = [], force: Bool = false, daskWrapped: Set<String> = []) {
        self.optimizedObjects = optimizedObjects
        self.force = force
        self.daskWrapped = daskWrapped
    }

    /// The key of one step's use of one object in `daskWrapped`.
    public static func wrappedUse(step: String, object: String) -> String { Graph.objectUseKey(step: step, object: object) }
}

/// A computed output.
public struct OutputResult: Sendable {
    public enum Data: Sendable {
        case scalar(Scalar)
        /// Chunks in row-major chunk order, with the grid they lie on.
        case array(shape: [Int], chunks: [Chunk], grid: ChunkGrid)
        /// A DataFrame's partitions, in order (format 1.2).
        case frame([FramePart])
    }
    public var name: String
    public var kind: OutputKind
    public var data: Data
    /// A groupby's sums (a Series indexed by its key, the frame's first column).
    public var isGroupbySeries = false

    /// Storage dtype (`float64` or `int64`).
    public var dtype: String {
        switch data {
        case .scalar(let s): if case .f64 = s { "float64" } else { "int64" }
        case .array(_, let chunks, _): chunks.first?.data.dtypeName ?? "float64"
        case .frame: "dataframe"
        }
    }

    /// The shape (`[]` for a scalar).
    public var shape: [Int] {
        switch data {
        case .scalar: []
        case .array(let s, _, _): s
        case .frame(let parts): [parts.reduce(0) { $0 + $1.rows }, parts.first?.columns.count ?? 0]
        }
    }

    /// Whether two results hold exactly the same values (bit for bit).
    public func identical(to o: OutputResult) -> Bool {
        switch (data, o.data) {
        case (.scalar(let a), .scalar(let b)): return a.bitwiseEqual(b)
        case (.array(let s1, let c1, _), .array(let s2, let c2, _)):
            guard s1 == s2, c1.count == c2.count else { return false }
            return zip(c1, c2).allSatisfy { $0.shape == $1.shape && $0.data.bitwiseEqual($1.data) }
        case (.frame(let a), .frame(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { ObjectCodec.encode(.frame($0)) == ObjectCodec.encode(.frame($1)) }
        default: return false
        }
    }
}

/// What a run did and measured.
public struct RunReport: Sendable {
    public var pipeline: String
    public var scheduler: SchedulerKind
    public var outputs: [OutputResult]
    public var seconds: Double
    public var tasks: Int
    /// Objects the placement optimization made `delayed`.
    public var delayedObjects: [String]
    public var timeline: MemoryTimeline
    /// Peak accounted bytes (sum over workers) and per worker.
    public var peakAccounted: Int
    public var peakPerWorker: [Int]
    /// Peak number of live decoded copies per object name.
    public var peakCopies: [String: Int]
    /// The scheduler's own copies (one encoded copy per embedded object use).
    public var schedulerBytes: Int
    /// The process's RSS when the run started (before its plan was built).
    public var startRSS: Int = 0

    /// What the run added to the process's RSS at its peak (its own growth, not what an
    /// earlier run in the same process left behind).
    public var rssGrowth: Int { max(0, timeline.peakRSS - startRSS) }
}

/// Runs pipelines on the bundled executor.
public enum Executor {
    /// Runs `graph` (as the caller optimized it) of the pipeline in `source`; `progress` shows
    /// progress, `control` can cancel.
    public static func run(_ graph: Graph, source: SourceFile, baseDirectory: URL, options: RunOptions = RunOptions(),
                           progress: ProgressDisplay? = nil, control: RunControl? = nil) throws(ExecutorError) -> RunReport {
        try RunPreflight.check(graph, in: source, force: options.force)
        let startRSS = ResidentMemory.current()
        let plan = try PipelinePlan(graph: graph, source: source, baseDirectory: baseDirectory, daskWrapped: options.daskWrapped)
        let cluster = graph.cluster
        let limit = options.memoryLimit ?? cluster.memoryPerWorker.map { Int(clamping: $0) }
        let scheduler = TaskScheduler(graph: plan.taskGraph, runtime: plan, workers: cluster.workers,
                                  threadsPerWorker: cluster.threadsPerWorker, memoryLimit: limit)
        plan.preload(into: scheduler, workers: cluster.workers)
        control?.attach(scheduler)
        defer { control?.attach(nil) }

        // The monitor samples memory at a fixed interval and drives the progress display.
        let monitor = Monitor(scheduler: scheduler, interval: options.sampleInterval, progress: progress)
        let start = Date()
        monitor.start(at: start)
        let outcome = scheduler.run()
        let elapsed = Date().timeIntervalSince(start)
        let timeline = monitor.stop()
        let snap = scheduler.snapshot()
        progress?.finish(done: snap.done, total: snap.total, elapsed: elapsed)

        let kept: [Value?]
        switch outcome {
        case .success(let k): kept = k
        case .failure(.cancelled):
            throw ExecutorError(.cancelled, "cancelled after \(snap.done) of \(snap.total) tasks; nothing was written")
        case .failure(.memoryLimit(_, let message)):
            throw ExecutorError(.memory, message, location: cluster.range.map { "\(source.path):\(source.position(of: $0.start))" },
                                help: "the local executor fails rather than spill to disk: raise `memory_per_worker`, or stop copying objects into every task (`pipelint check`)")
        case .failure(.taskFailed(let task, let error)):
            var where_ = "task \(plan.key(of: task))"
            if let c = plan.chunkIndex(of: task) { where_ += " (chunk (\(c.map(String.init).joined(separator: ", "))\(c.count == 1 ? "," : "")))" }
            throw ExecutorError(.task, "\(plan.layerName(plan.layer(of: task))) failed in \(where_): \(error); the remaining tasks were cancelled",
                                location: plan.location(of: task))
        }

        var outputs: [OutputResult] = []
        // Each output's layer by name, the first of a name as `layer(named:)` finds it (one scan, not one per output).
        var byName: [String: Int] = [:]
        for (i, l) in graph.layers.enumerated() where byName[l.name] == nil { byName[l.name] = i }
        for o in graph.outputs {
            guard let i = byName[o.target.name] else { continue }
            let l = graph.layers[i]
            let li = l.id.index
            if case .reduce = l.kind {
                if plan.finalTask[li] >= 0, case .scalar(let s)? = kept[plan.finalTask[li]] {
                    outputs.append(OutputResult(name: l.name, kind: o.kind, data: .scalar(s)))
                }
                continue
            }
            guard plan.firstTask[li] >= 0 else { continue }
            if case .groupby = l.kind {
                // A groupby's sums: one partition `[key, sum]` (the exported program's `reset_index()`).
                if case .frame(let p)? = kept[plan.finalTask[li]] {
                    var r = OutputResult(name: l.name, kind: o.kind, data: .frame([p]))
                    r.isGroupbySeries = true
                    outputs.append(r)
                }
                continue
            }
            if l.frame != nil {
                let parts = (0..<l.grid.chunkCount).compactMap { c -> FramePart? in
                    if case .frame(let p)? = kept[plan.firstTask[li] + c] { p } else { nil }
                }
                outputs.append(OutputResult(name: l.name, kind: o.kind, data: .frame(FrameMerges.concatenated(parts))))
                continue
            }
            var chunks: [Chunk] = []
            for c in 0..<l.grid.chunkCount {
                if case .chunk(let ch)? = kept[plan.firstTask[li] + c] { chunks.append(ch) }
            }
            outputs.append(OutputResult(name: l.name, kind: o.kind, data: .array(shape: l.grid.shape, chunks: chunks, grid: l.grid)))
        }
        let peaks = scheduler.peaks()
        var copies: [String: Int] = [:]
        for (layer, n) in peaks.copies where layer < graph.layers.count { copies[graph.layers[layer].name] = n }
        return RunReport(pipeline: graph.name, scheduler: cluster.scheduler, outputs: outputs, seconds: elapsed,
                         tasks: plan.taskGraph.taskCount, delayedObjects: options.optimizedObjects, timeline: timeline,
                         peakAccounted: peaks.total, peakPerWorker: peaks.workers.map(\.total), peakCopies: copies,
                         schedulerBytes: snap.scheduler, startRSS: startRSS)
    }
}

/// Samples memory and reports progress from its own thread.
final class Monitor: @unchecked Sendable {
    let scheduler: TaskScheduler
    let interval: Double
    let progress: ProgressDisplay?
    let cond = NSCondition()
    // Guarded by `cond`.
    var stopping = false
    var finished = false
    var samples: [MemorySample] = []

    init(scheduler: TaskScheduler, interval: Double, progress: ProgressDisplay?) {
        self.scheduler = scheduler
        self.interval = max(0.001, interval)
        self.progress = progress
    }

    func start(at start: Date) {
        let t = Thread { [self] in self.loop(start) }
        t.start()
    }

    func loop(_ start: Date) {
        var lastProgress = -1.0
        cond.lock()
        while !stopping {
            cond.unlock()
            let snap = scheduler.snapshot()
            let now = Date().timeIntervalSince(start)
            let sample = MemorySample(time: now, rss: ResidentMemory.current(), workers: snap.workers.map(\.total))
            if let p = progress, now - lastProgress >= 0.1 {
                lastProgress = now
                p.update(done: snap.done, total: snap.total, elapsed: now)
            }
            cond.lock()
            samples.append(sample)
            if stopping { break }
            _ = cond.wait(until: Date().addingTimeInterval(interval))
        }
        finished = true
        cond.broadcast()
        cond.unlock()
    }

    /// Stops sampling (one last sample is taken) and returns the timeline.
    func stop() -> MemoryTimeline {
        cond.lock()
        stopping = true
        cond.broadcast()
        while !finished { cond.wait() }
        let s = samples
        cond.unlock()
        return MemoryTimeline(interval: interval, samples: s)
    }
}
