import Analysis
import Lint
import PipelineIR
import Sizing

/// PL002: the submitted graph is over distributed's large-graph warning threshold.
public struct LargeGraphRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL002",
        name: "large-graph",
        summary: "The graph the client submits is over distributed's large-graph warning threshold",
        defaultSeverity: .warning,
        whatItDoes: """
            Predicts the bytes the client pickles when it submits the graph to a `distributed` scheduler — every \
            embedded object once, plus the keys and arguments of every task Dask materializes on the client — and \
            reports a graph over `distributed.admin.large-graph-warning-threshold` (10 MB) before anyone submits it. \
            That includes graphs with no object at all whose size comes only from the number of tasks.
            """,
        whyBad: """
            The client pickles the whole graph in one message and the scheduler unpickles and materializes it before \
            any task runs: a large graph stalls the scheduler, and Dask warns "Sending large graph of size …" only \
            once it is too late. Measured with distributed 2026.8: an `arange` source costs ≈ 81 B per chunk, a \
            `random` source ≈ 135 B per chunk, a rechunk ≈ 139 B per output chunk, and an object passed to \
            `map_blocks` its full pickled size once (pickle's memo stores it a single time). Fewer, larger chunks \
            (Dask suggests ~100 MB) or an object built inside one task keep the graph small.
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            functions:
              f: {params: [block], kernel: identity}
            arrays:
              ↓x: {shape: [130000000], chunks: [1000], dtype: int64, source: range}
            steps:
              y: {map_blocks: f, over: [x]}
            outputs:
              y: persist
            """,
            """
            pipeline: example
            version: 1
            objects:
              blob: {bytes: {size: 12MB}}
            functions:
              f: {params: [block, blob], kernel: identity, with: {x: block}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              y: {map_blocks: f, over: [x], args: [↓blob]}
            outputs:
              y: persist
            """,
        ],
        nonTriggeringExamples: [
            // The seed: one memoized 236 KiB object and 100 chunks stay far under 10 MB.
            """
            pipeline: example
            version: 1
            objects:
              mapper:
                class: Mapper
                fields: {series: {series: {range: 30000, dtype: int64}}}
            functions:
              f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              y: {map_blocks: f, over: [x], args: [mapper]}
            outputs:
              y: persist
            """,
            // The threaded scheduler submits nothing.
            """
            pipeline: example
            version: 1
            cluster: {scheduler: threads}
            functions:
              f: {params: [block], kernel: identity}
            arrays:
              x: {shape: [130000000], chunks: [1000], dtype: int64, source: range}
            steps:
              y: {map_blocks: f, over: [x]}
            """,
        ]
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        guard ctx.graph.cluster.scheduler == .distributed else { return [] }
        let e = ctx.estimate
        guard e.largeGraphWarning else { return [] }
        let size = "≈ \(formatBytes(e.submitBytes.bytes))"
        let threshold = "distributed.admin.large-graph-warning-threshold (\(formatDecimal(e.largeGraphWarningBytes)))"
        // Point at the largest contributor: an object shipped once, or a layer's tasks.
        let shipped = e.layers.flatMap { l in l.objects.filter { $0.placement == .embed }.map { (l, $0) } }
        let biggestObject = shipped.max { $0.1.wire.bytes < $1.1.wire.bytes }
        let biggestLayer = e.layers.max { $0.submit.total < $1.submit.total }
        if let (layer, use) = biggestObject, use.wire.bytes >= (biggestLayer?.submit.total ?? 0) {
            let message = "the graph pickles to \(size) when submitted, over \(threshold): object `\(use.shownName)` alone is ≈ \(formatBytes(use.wire.bytes)) (stored once); Dask will warn \"Sending large graph\" only at submit"
            return [finding(message, at: use.range, help: "build it inside one task: add `placement: delayed` to object `\(use.object)`", subjects: [use.object, layer.name])]
        }
        guard let layer = biggestLayer else { return [] }
        if case .frame(let f) = ctx.graph[layer.id].kind, case .fromPandas(let object, _) = f.source {
            return [fromPandasFinding(f, object: object, layer: layer, size: size, threshold: threshold)]
        }
        let message = "the graph pickles to \(size) when submitted, over \(threshold): the \(layer.tasks) tasks of `\(layer.name)` cost ≈ \(formatBytes(layer.submit.total)) in keys and arguments; Dask will warn \"Sending large graph\" only at submit"
        return [finding(message, at: layer.nameRange, help: "use fewer, larger chunks (Dask suggests ~100 MB each)", subjects: [layer.name])]
    }

    /// `10 MB` for 10,000,000: the threshold is a decimal size in Dask's config.
    func formatDecimal(_ b: Int64) -> String {
        b >= 1_000_000 && b % 1_000_000 == 0 ? "\(b / 1_000_000) MB" : formatBytes(b)
    }
}

extension LargeGraphRule {
    /// `dd.from_pandas` (format 1.2) splits the in-memory frame on the client: every partition's
    /// data is in the graph. The fix is display-only: the data must come from storage the workers
    /// read (`dd.read_parquet`) or be built on them (`dd.from_map`), which the file cannot say.
    func fromPandasFinding(_ f: FrameDecl, object: String, layer: LayerEstimate, size: String, threshold: String) -> Finding {
        let message = "the graph pickles to \(size) when submitted, over \(threshold): frame `\(f.name)` is `dd.from_pandas(\(object), npartitions=\(layer.tasks))`, "
            + "which puts the whole DataFrame (≈ \(formatBytes(layer.submit.total))) into the graph; Dask will warn \"Sending large graph\" only at submit"
        let fix = Fix(title: "load `\(f.name)` on the workers: write `\(object)` to Parquet and read it with `dd.read_parquet`, or build its partitions with `dd.from_map`",
                      applicability: .displayOnly, edits: [])
        return finding(message, at: f.nameRange, fix: fix, subjects: [f.name, object])
    }
}
