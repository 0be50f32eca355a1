import Foundation
import PipelineIR

/// Runs a pipeline before and after a fix on small data and compares the
/// results: `pipelint fix --verify` refuses to write a fix that changes them.
public enum FixVerification {
    /// The pipeline with every input array cut to its first `chunksPerDimension`
    /// chunks along each dimension (same chunk sizes, same values: random values
    /// depend on the global element index only), steps re-derived from them.
    public static func shrink(_ pipeline: Pipeline, chunksPerDimension: Int = 2) -> Graph? {
        GraphBuilder.build(shrunk(pipeline, chunksPerDimension: chunksPerDimension)).graph
    }

    /// The pipeline `shrink` runs: every input array cut to its first `chunksPerDimension` chunks per
    /// dimension, every frame to its first `chunksPerDimension` partitions.
    public static func shrunk(_ pipeline: Pipeline, chunksPerDimension: Int = 2) -> Pipeline {
        var p = pipeline
        for i in p.arrays.indices {
            let dims = p.arrays[i].grid.dims.map { d -> DimChunks in
                let k = min(d.count, chunksPerDimension)
                switch d {
                case .uniform(let size, let length): return .uniform(size: size, length: min(length, size * k))
                case .explicit(let xs): return .explicit(Array(xs.prefix(k)))
                }
            }
            p.arrays[i].grid = ChunkGrid(dims: dims)
        }
        // Frames keep their first partitions: a row's values depend on its global row number only.
        for i in p.frames.indices {
            let k = min(p.frames[i].partitions.count, chunksPerDimension)
            switch p.frames[i].partitions {
            case .uniform(let size, let length): p.frames[i].partitions = .uniform(size: size, length: min(length, size * k))
            case .explicit(let xs): p.frames[i].partitions = .explicit(Array(xs.prefix(k)))
            }
            p.frames[i].rows = p.frames[i].partitions.length
        }
        return p
    }

    /// Nil when both run to the same results; otherwise why they differ (or why they could not be compared).
    public static func difference(original: Pipeline, in originalSource: SourceFile, fixed: Pipeline, in fixedSource: SourceFile,
                                  baseDirectory: URL) -> String? {
        // `load:` frames in the blocks Dask's read_csv cuts their files into.
        let blocks = { (p: Pipeline) in CSVBlockLayout.matchingDask(p, baseDirectory: baseDirectory) ?? p }
        guard let a = GraphBuilder.build(blocks(shrunk(original))).graph, let b = GraphBuilder.build(blocks(shrunk(fixed))).graph else { return "the pipeline could not be reduced to small data" }
        do {
            let ra = try Executor.run(a, source: originalSource, baseDirectory: baseDirectory)
            let rb = try Executor.run(b, source: fixedSource, baseDirectory: baseDirectory)
            if ra.outputs.count != rb.outputs.count { return "the runs produced \(ra.outputs.count) and \(rb.outputs.count) outputs" }
            for (x, y) in zip(ra.outputs, rb.outputs) where !x.identical(to: y) {
                return "output `\(x.name)` differs after the fix"
            }
            return nil
        } catch {
            return "could not run it locally: \(error.message)"
        }
    }
}
