import Lint
import PipelineIR

/// PL005: many tiny chunks: scheduling overhead dwarfs the work.
public struct ChunksTooSmallRule: Rule {
    public init() {}

    /// Arrays with fewer tasks than this are never "too many".
    static let minTasks = 1000

    public static let description = RuleDescription(
        id: "PL005",
        name: "chunks-too-small",
        summary: "An array is split into many tiny chunks",
        defaultSeverity: .warning,
        whatItDoes: "Finds arrays with at least 1,000 chunks smaller than `chunks.min-bytes` (default 1 MiB).",
        whyBad: """
            Every chunk is a task, and Dask's scheduler spends about 200 µs to 1 ms on each task whatever it \
            computes (Dask's "Best practices" for arrays). Thousands of kilobyte-sized chunks spend more time \
            scheduling than computing; Dask recommends chunks of about 100 MB (`array.chunk-size` defaults to 128 MiB).
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            arrays:
              x: {shape: [10000000], chunks: ↓[1000], dtype: float64}
            steps:
              total: {reduce: sum, over: x}
            """,
        ],
        nonTriggeringExamples: [
            """
            pipeline: example
            version: 1
            arrays:
              x: {shape: [10000000], chunks: [1000000], dtype: float64}
            steps:
              total: {reduce: sum, over: x}
            """,
        ],
        fixSafety: "No automatic fix: the right chunk size depends on the computation."
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for a in ctx.pipeline.arrays {
            let tasks = a.grid.chunkCount
            guard tasks >= Self.minTasks else { continue }
            let (bytes, o) = Int64(a.grid.maxChunkElements).multipliedReportingOverflow(by: Int64(a.dtype.itemSize))
            guard !o, bytes < ctx.settings.minChunkBytes else { continue }
            let low = Double(tasks) * 0.0002, high = Double(tasks) * 0.001
            out.append(finding(
                "array `\(a.name)` is split into \(tasks) chunks of \(formatBytes(bytes)): at Dask's 200 µs – 1 ms per task that is \(seconds(low)) – \(seconds(high)) of scheduling overhead",
                at: a.chunksRange ?? a.nameRange,
                help: "use fewer, larger chunks: Dask works best near 100 MB per chunk (`array.chunk-size` is \(formatBytes(ctx.settings.arrayChunkSizeBytes)))",
                subjects: [a.name]))
        }
        return out
    }

    func seconds(_ s: Double) -> String {
        func one(_ x: Double) -> String { x < 10 ? "\((x * 10).rounded() / 10)" : "\(Int(x.rounded()))" }
        if s < 1 { return "\(Int((s * 1000).rounded())) ms" }
        if s < 120 { return one(s) + " s" }
        if s < 7200 { return one(s / 60) + " min" }
        if s < 172_800 { return one(s / 3600) + " h" }
        return one(s / 86400) + " days"
    }
}
