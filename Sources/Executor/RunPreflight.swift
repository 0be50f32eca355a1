import Foundation
import FileAccess
import PipelineIR

/// What `run` checks before it plans or allocates anything: the work must fit the
/// machine it runs on. Sizes are lower bounds of what the executor holds (8 bytes
/// per element whatever the dtype, every persisted or saved output until the end,
/// a few hundred bytes per task of plan and scheduler state), so a refusal is
/// never a false alarm by more than that.
public enum RunPreflight {
    /// Plan, dependency and scheduler state per task (measured: ≈ 200–300 bytes).
    static let bytesPerTask: Int64 = 256
    /// The executor's worker cap (replica sets are 64-bit masks).
    public static let maxWorkers = 64
    /// Threads beyond this are refused: each is a real thread with its own stack.
    static let maxThreads = 4096

    /// Memory this process may use: physical memory, or a lower cgroup limit.
    public static func machineMemory() -> Int64 {
        var m = Int64(clamping: ProcessInfo.processInfo.physicalMemory)
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            guard case .success(let b) = SafeFiles.read(path, limit: 64),
                  let v = Int64(String(decoding: b, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)), v > 0 else { continue }
            m = min(m, v)
        }
        return m
    }

    /// Throws a located `.refused` error when the run cannot fit: a chunk or object
    /// larger than the machine's memory (always), one larger than `memory_per_worker`
    /// (always: the run would fail after allocating it), or a total over 3/4 of the
    /// machine's memory (unless `force`). Too many threads are refused too.
    public static func check(_ graph: Graph, in source: SourceFile, force: Bool, memory: Int64 = machineMemory()) throws(ExecutorError) {
        let cluster = graph.cluster
        let clusterAt = cluster.range ?? .at(0)
        let threads = min(max(1, cluster.workers), maxWorkers).multipliedReportingOverflow(by: max(1, cluster.threadsPerWorker))
        if threads.overflow || threads.partialValue > maxThreads {
            throw ExecutorError(.refused, "the cluster asks for \(min(max(1, cluster.workers), maxWorkers)) × \(cluster.threadsPerWorker) threads; the executor runs at most \(maxThreads)",
                                at: clusterAt, in: source, help: "lower `threads_per_worker` for local runs")
        }
        let perWorker = cluster.memoryPerWorker
        var total = Sat.mul(Int64(clamping: graph.taskCount), bytesPerTask)
        var largest: (bytes: Int64, what: String, at: SourceRange, isObject: Bool) = (0, "", .at(0), false)
        var busiest: (tasks: Int, at: SourceRange) = (0, clusterAt)
        for l in graph.layers {
            if l.taskCount > busiest.tasks { busiest = (l.taskCount, l.nameRange) }
            let one: Int64
            let what: String
            if let o = l.object {
                one = bytesToBuild(o.recipe)
                what = "object `\(o.name)`"
            } else {
                one = Sat.mul(Int64(clamping: l.grid.maxChunkElements), 8)
                what = "a chunk of `\(l.name)`"
                // Outputs are held to the end: every chunk of them at once.
                if l.output != nil { total = Sat.add(total, Sat.mul(Int64(clamping: saturatingProduct(l.grid.shape)), 8)) }
            }
            if one > largest.bytes { largest = (one, what, l.nameRange, l.object != nil) }
        }
        total = Sat.add(total, largest.bytes)
        if largest.bytes > memory {
            throw ExecutorError(.refused, "\(largest.what) needs \(ByteFormat.text(largest.bytes)), more than this machine's \(ByteFormat.text(memory)) of memory",
                                at: largest.at, in: source, help: largest.isObject ? "declare a smaller object, or run it on a cluster (`pipelint export --to dask`)"
                                    : "use smaller chunks (`pipelint check` reports chunks that are too large), or run it on a cluster (`pipelint export --to dask`)")
        }
        if let limit = perWorker, largest.bytes > limit {
            throw ExecutorError(.refused, "\(largest.what) needs \(ByteFormat.text(largest.bytes)), more than memory_per_worker (\(ByteFormat.text(limit)))",
                                at: largest.at, in: source, help: "use smaller chunks, or raise `memory_per_worker`")
        }
        // A quarter is left to the process itself, its copies of chunks in flight and the system.
        let budget = memory / 4 * 3
        if total > budget, !force {
            throw ExecutorError(.refused, "the run needs at least \(ByteFormat.text(total)) (\(graph.taskCount) tasks, the largest chunk or object, outputs held to the end), over 3/4 of this machine's \(ByteFormat.text(memory)) of memory",
                                at: largest.bytes * 2 > total ? largest.at : busiest.at, in: source, help: "use fewer, larger chunks or compute a reduction instead of keeping every chunk; `--force` runs it anyway")
        }
    }

    /// Bytes the executor allocates to build an object (8 per element; saturating).
    static func bytesToBuild(_ r: Recipe) -> Int64 {
        switch r {
        case .value: 0
        case .intList(_, let n): Sat.mul(Int64(clamping: n), 8)
        case .series(let s): Sat.mul(Int64(clamping: s.source.count ?? 0), s.index == .int64 ? 16 : 8)
        case .ndarray(let a): Sat.mul(Int64(clamping: a.count), 8)
        case .bytes(let n): max(0, n)
        case .instance(let i): i.fields.reduce(0) { Sat.add($0, bytesToBuild($1.recipe)) }
        case .python, .element: 0
        case .dataframe(let d): Sat.mul(Int64(clamping: d.length), Int64(8 * d.schema.columns.count))
        case .stringDict(let d): Sat.mul(Int64(clamping: d.length), 64)
        }
    }
}

/// Saturating Int64 arithmetic for sizes from the file.
enum Sat {
    static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? (b > 0 ? .max : .min) : r
    }
    static func mul(_ a: Int64, _ b: Int64) -> Int64 {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return o ? ((a < 0) != (b < 0) ? .min : .max) : r
    }
}
