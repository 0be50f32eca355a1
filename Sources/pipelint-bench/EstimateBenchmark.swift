import Analysis
import Foundation
import PipelineIR
import PipelineYAML

/// Best of `runs` wall-clock times of `body`, in seconds.
func best(_ runs: Int, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<runs {
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    return best
}

func estimatePipeline(chunks: Int) -> String {
    """
    pipeline: bench
    version: 1
    cluster: {scheduler: distributed, workers: 8, threads_per_worker: 2, memory_per_worker: 16GiB}
    objects:
      model: {python: "pkg.mod:load", size: 1GB}
    functions:
      f: {params: [block, model], python: "pkg.mod:f"}
    arrays:
      x: {shape: [\(chunks * 1000)], chunks: [1000], dtype: float64, source: {random: {seed: 1}}}
    steps:
      y: {map_blocks: f, over: [x], args: [model]}
      total: {reduce: sum, over: y}
    outputs:
      y: persist
      total: compute

    """
}

/// `estimate`: the graph figures of a 10-million-chunk array with a 1 GB object,
/// against the same pipeline with 10 chunks: O(layers) means a ratio near 1.
func benchEstimate() {
    func graph(_ chunks: Int) -> Graph {
        guard let g = LoadedPipeline.load(SourceFile(path: "bench.yaml", text: estimatePipeline(chunks: chunks))).graph else {
            fatalError("bench pipeline does not load")
        }
        return g
    }
    let small = graph(10), large = graph(10_000_000)
    var sink = 0
    let base = best(50) { sink &+= Estimator.estimate(small).tasks }
    let big = best(50) { sink &+= Estimator.estimate(large).tasks }
    let e = Estimator.estimate(large)
    print("estimate: 10 chunks \(String(format: "%.1f", base * 1e6)) µs, 10,000,000 chunks \(String(format: "%.1f", big * 1e6)) µs (ratio \(String(format: "%.2f", big / base))×)")
    print("  tasks \(e.tasks), submit \(ByteFormat.text(e.submitBytes.bytes)), memory per worker \(ByteFormat.text(e.residentPerWorker.bytes)) (\(e.memoryLevel?.rawValue ?? "-")) [\(sink % 2)]")
}


func framePipeline(partitions: Int) -> String {
    """
    pipeline: bench-frame
    version: 1.2
    cluster: {scheduler: distributed, workers: 8, threads_per_worker: 2, memory_per_worker: 16GiB}
    objects:
      regions: {dict: {length: 40000, keys: {string: 5}, values: {string: 8, distinct: 50}}}
    functions:
      assign: {params: [part, table], kernel: map_column, column: zip, into: region}
    frames:
      people:
        rows: \(partitions * 1000)
        partitions: \(partitions)
        columns:
          zip: {dtype: string, length: 5, source: {random: {seed: 3, low: 0, high: 40000}}}
          income: {dtype: float64, source: {random: {seed: 5, low: 0, high: 100000}}}
    steps:
      with_region: {map_partitions: assign, over: people, args: [regions]}
    outputs:
      with_region: persist

    """
}

/// `estimate` of a DataFrame pipeline (format 1.2): the front end, the graph and the figures of a
/// frame of 1,000,000 uniform partitions against 10 — partitions are never expanded.
func benchFrameEstimate() {
    func run(_ partitions: Int) -> Int {
        let text = framePipeline(partitions: partitions)
        guard let g = LoadedPipeline.load(SourceFile(path: "bench.yaml", text: text)).graph else {
            fatalError("frame bench pipeline does not load")
        }
        return Estimator.estimate(g).tasks
    }
    var sink = 0
    let base = best(50) { sink &+= run(10) }
    let big = best(50) { sink &+= run(1_000_000) }
    print("estimate (frame, load + graph + figures): 10 partitions \(String(format: "%.1f", base * 1e6)) µs, 1,000,000 partitions \(String(format: "%.1f", big * 1e6)) µs (ratio \(String(format: "%.2f", big / base))×) [\(sink % 2)]")
}
