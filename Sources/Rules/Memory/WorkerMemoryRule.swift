import Analysis
import Lint
import PipelineIR
import Sizing

/// PL003: predicted worker memory crosses Dask's spill, pause or terminate threshold.
public struct WorkerMemoryRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL003",
        name: "worker-memory",
        summary: "Predicted memory per worker crosses Dask's spill, pause or terminate threshold",
        defaultSeverity: .warning,
        whatItDoes: """
            Predicts the peak memory of one worker while the tasks run — the copies of embedded objects alive at once \
            plus the chunks it holds — and compares it with the cluster's `memory_per_worker` and Dask's thresholds: \
            `distributed.worker.memory.target` 0.6, `spill` 0.7, `pause` 0.8, `terminate` 0.95. It reports the \
            highest one crossed: a warning at spill or pause, an error at terminate. Silent when `memory_per_worker` \
            is not declared.
            """,
        whyBad: """
            Past `spill` a worker writes data to disk and slows down; past `pause` it stops running tasks, and a \
            cluster whose workers all pause hangs; past `terminate` the nanny kills the worker and its results are \
            lost and recomputed. With `persist` or `save` every chunk's result — and each task's own unpickled copy \
            of every embedded object — stays in memory, so a pipeline that fits with `compute` can pause or die \
            when persisted.
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            cluster: {scheduler: distributed, workers: 2, memory_per_worker: 1GiB}
            objects:
              mapper:
                class: Mapper
                fields: {series: {series: {range: 3000000, dtype: int64}}}
            functions:
              f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              y: {map_blocks: f, over: [x], args: [↓mapper]}
            outputs:
              y: persist
            """,
            """
            pipeline: example
            version: 1
            cluster: {scheduler: distributed, workers: 4, memory_per_worker: 2GiB}
            functions:
              f: {params: [block], kernel: sqrt}
            arrays:
              x: {shape: [100000, 10000], chunks: [1000, 10000], dtype: float64, source: ones}
            steps:
              ↓y: {map_blocks: f, over: [x]}
            outputs:
              y: persist
            """,
        ],
        nonTriggeringExamples: [
            // The same 8 GB result consumed by a reduction: a few chunks in flight per worker.
            """
            pipeline: example
            version: 1
            cluster: {scheduler: distributed, workers: 4, memory_per_worker: 2GiB}
            functions:
              f: {params: [block], kernel: sqrt}
            arrays:
              x: {shape: [100000, 10000], chunks: [1000, 10000], dtype: float64, source: ones}
            steps:
              y: {map_blocks: f, over: [x]}
              total: {reduce: sum, over: y}
            outputs:
              total: compute
            """,
            // No memory limit declared: nothing to compare with.
            """
            pipeline: example
            version: 1
            cluster: {scheduler: distributed, workers: 4}
            functions:
              f: {params: [block], kernel: sqrt}
            arrays:
              x: {shape: [100000, 10000], chunks: [1000, 10000], dtype: float64, source: ones}
            steps:
              y: {map_blocks: f, over: [x]}
            outputs:
              y: persist
            """,
        ]
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        let e = ctx.estimate
        guard let level = e.memoryLevel, level >= .spill, let limit = e.memoryLimit, let fraction = e.memoryFraction else { return [] }
        let severity: Severity = level == .terminate ? .error : .warning
        let threshold = e.thresholds.fraction(of: level)
        var message = "workers are predicted to hold ≈ \(formatBytes(e.residentPerWorker.bytes)) each at the peak while the tasks run, \(Self.percent(fraction))% of memory_per_worker \(formatBytes(limit)): "
        message += "past \(level.configKey) (\(threshold)), so \(level.consequence); ≈ \(formatBytes(e.residentPerWorkerAfter.bytes)) each stays after the run"
        // Point at the largest part: an object's copies, or an output's chunks.
        var at = ctx.graph.cluster.range ?? .at(0)
        var subjects: [String] = []
        let workers = ctx.graph.cluster.scheduler.serializesTasks ? max(1, ctx.graph.cluster.workers) : 1
        let outputs = e.layers.filter { $0.output != nil && $0.chunkBytes > 0 }
            .map { l in (l, Int64(l.tasks / workers + (l.tasks % workers == 0 ? 0 : 1)).multipliedReportingOverflow(by: l.chunkBytes)) }
            .map { ($0.0, $0.1.overflow ? Int64.max : $0.1.partialValue) }
        let biggestOutput = outputs.max { $0.1 < $1.1 }
        if let (layer, use) = e.largestUse, use.residentPerWorker.bytes >= (biggestOutput?.1 ?? 0) {
            message += "; most of it is \(use.copiesPerWorker) copies of `\(use.shownName)` per worker in step `\(layer.name)` (≈ \(formatBytes(use.residentPerWorker.bytes)))"
            at = use.range
            subjects = [use.object, layer.name]
        } else if let (layer, bytes) = biggestOutput {
            message += "; most of it is the chunks of `\(layer.name)` held per worker (≈ \(formatBytes(bytes)))"
            at = layer.nameRange
            subjects = [layer.name]
        }
        let help = level == .terminate || level == .pause
            ? "compute a reduction instead of persisting, use more workers, or raise memory_per_worker"
            : "expect spilling to disk; use more workers or raise memory_per_worker"
        var f = finding(message, at: at, help: help, subjects: subjects)
        f.severity = severity
        return [f]
    }

    /// `fraction` as a whole percentage, saturating (a fraction of 10¹⁸ cannot trap).
    static func percent(_ fraction: Double) -> Int {
        let p = (fraction * 100).rounded()
        return p.isNaN ? 0 : Int(max(min(p, 0x1p62), -0x1p62))
    }
}
