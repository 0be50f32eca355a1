import Lint
import PipelineIR

/// PL006: chunks too large for a worker's memory and threads.
public struct ChunksTooLargeRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL006",
        name: "chunks-too-large",
        summary: "Chunks too large for the workers' memory and threads",
        defaultSeverity: .warning,
        whatItDoes: """
            Finds arrays whose largest chunk, times three (input, output and a temporary) times the threads of a \
            worker, exceeds the worker's memory target (`distributed.worker.memory.target`, default 0.6 of \
            `memory_per_worker`).
            """,
        whyBad: """
            Each thread of a worker holds at least its input chunk and its output chunk while a task runs. When \
            that exceeds the memory target, the worker spills to disk, pauses, or is killed by its nanny — a \
            chunk size that ignores threads per worker is the classic cause.
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            cluster: {workers: 2, threads_per_worker: 4, memory_per_worker: 4GiB}
            arrays:
              x: {shape: [400000000], chunks: ↓[100000000], dtype: float64}
            steps:
              total: {reduce: sum, over: x}
            """,
        ],
        nonTriggeringExamples: [
            """
            pipeline: example
            version: 1
            cluster: {workers: 2, threads_per_worker: 4, memory_per_worker: 4GiB}
            arrays:
              x: {shape: [400000000], chunks: [10000000], dtype: float64}
            steps:
              total: {reduce: sum, over: x}
            """,
        ],
        fixSafety: "No automatic fix."
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        let c = ctx.graph.cluster
        guard let memory = c.memoryPerWorker else { return [] }
        var out: [Finding] = []
        for a in ctx.pipeline.arrays {
            let (bytes, o) = Int64(a.grid.maxChunkElements).multipliedReportingOverflow(by: Int64(a.dtype.itemSize))
            let perThread = o ? Int64.max : bytes.multipliedReportingOverflow(by: 3).partialValue
            let (needed, o2) = perThread.multipliedReportingOverflow(by: Int64(c.threadsPerWorker))
            let target = Int64(Double(memory) * ctx.settings.workerMemoryTarget)
            guard o || o2 || needed > target else { continue }
            out.append(finding(
                "array `\(a.name)` has chunks of \(o ? "over 8 EiB" : formatBytes(bytes)): \(c.threadsPerWorker) thread\(c.threadsPerWorker == 1 ? "" : "s") per worker × 3 chunks in flight need \(o || o2 ? "more memory than exists" : "≈ " + formatBytes(needed)), over the memory target of \(formatBytes(target)) (\(ctx.settings.workerMemoryTarget) × \(formatBytes(memory)))",
                at: a.chunksRange ?? a.nameRange,
                help: "use smaller chunks, or fewer threads per worker",
                subjects: [a.name]))
        }
        return out
    }
}
