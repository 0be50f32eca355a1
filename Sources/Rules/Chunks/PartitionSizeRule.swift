import Analysis
import Lint
import PipelineIR

/// PL018: DataFrame partitions far from Dask's ~100 MB guidance (format 1.2 frames).
public struct PartitionSizeRule: Rule {
    public init() {}

    /// Frames with fewer partitions than this are never "too many small ones".
    static let minPartitions = 1000
    /// Dask's DataFrame best practices: partitions well under a gigabyte.
    static let maxPartitionBytes: Int64 = 1 << 30

    public static let description = RuleDescription(
        id: "PL018",
        name: "partition-size",
        summary: "A DataFrame's partitions are far from Dask's ~100 MB guidance",
        defaultSeverity: .warning,
        whatItDoes: """
            Sizes the largest partition of each frame in worker memory (its columns over its rows, as pandas \
            and pyarrow hold them) and reports a frame of at least 1,000 partitions under `chunks.min-bytes` \
            (default 1 MiB) each, or a frame whose partitions exceed 1 GiB.
            """,
        whyBad: """
            Every partition is a task of every step over the frame, and the scheduler spends about 200 µs to \
            1 ms on each task whatever it computes: thousands of tiny partitions spend more time scheduling \
            than computing. A partition is loaded whole into one worker's memory, and pandas operations make \
            copies of it: partitions over a gigabyte make workers spill, pause or die. Dask's DataFrame best \
            practices recommend partitions of about 100 MB.
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1.2
            frames:
              events: {rows: 10000000, partitions: ↓5000, columns: {user: {dtype: int64}, amount: {dtype: float64}}}
            outputs:
              events: persist
            steps: {}
            """,
            """
            pipeline: example
            version: 1.2
            frames:
              events:
                rows: 200000000
                partitions: ↓2
                columns:
                  user: {dtype: int64}
                  amount: {dtype: float64}
            outputs:
              events: persist
            steps: {}
            """,
        ],
        nonTriggeringExamples: [
            """
            pipeline: example
            version: 1.2
            frames:
              events:
                rows: 10000000
                partitions: 20
                columns:
                  user: {dtype: int64}
                  amount: {dtype: float64}
            outputs:
              events: persist
            steps: {}
            """,
        ],
        fixSafety: "No automatic fix: the right number of partitions depends on the computation."
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for layer in ctx.graph.layers {
            guard case .frame(let f) = layer.kind, let bytes = FrameCosts.partitionBytes(layer) else { continue }
            let partitions = f.partitions.count
            if partitions >= Self.minPartitions, bytes < ctx.settings.minChunkBytes {
                let low = Double(partitions) * 0.0002, high = Double(partitions) * 0.001
                out.append(finding(
                    "frame `\(f.name)` is split into \(partitions) partitions of ≈ \(formatBytes(bytes)): every step over it makes \(partitions) tasks, at Dask's 200 µs – 1 ms per task \(ChunksTooSmallRule().seconds(low)) – \(ChunksTooSmallRule().seconds(high)) of scheduling overhead each",
                    at: f.partitionsRange,
                    help: "use fewer partitions: Dask recommends partitions of about 100 MB (≈ \(Self.suggested(rows: f.rows, bytes: bytes, rowsPerPartition: f.partitions.maxSize)) partitions here)",
                    subjects: [f.name]))
            } else if bytes > Self.maxPartitionBytes {
                out.append(finding(
                    "frame `\(f.name)` has partitions of ≈ \(formatBytes(bytes)) in memory: over 1 GiB, each one loaded whole into a worker (and copied by pandas operations)",
                    at: f.partitionsRange,
                    help: "use more partitions: Dask recommends partitions of about 100 MB (≈ \(Self.suggested(rows: f.rows, bytes: bytes, rowsPerPartition: f.partitions.maxSize)) partitions here)",
                    subjects: [f.name]))
            }
        }
        return out
    }

    /// Partitions of about 100 MB for the frame's bytes.
    static func suggested(rows: Int, bytes: Int64, rowsPerPartition: Int) -> Int {
        let bytesPerRow = Double(bytes) / Double(max(1, rowsPerPartition))
        return max(1, Int(min((Double(rows) * bytesPerRow / 100_000_000).rounded(), 1e15)))
    }
}
