import Driver
import Executor
import Foundation
import PipelineIR
import PipelineYAML

// Benchmarks, each printing ratios against a baseline measured in the same run:
//   swift run -c release pipelint-bench overhead [TASKS]   scheduler overhead vs a bare DAG loop and Dask's threaded scheduler
//   swift run -c release pipelint-bench memory             the seed's memory as written vs optimized, by chunk count
// Python baselines use $PIPELINT_PYTHON (default python3) and are skipped when it lacks numpy/dask.

let python = ProcessInfo.processInfo.environment["PIPELINT_PYTHON"] ?? "/usr/bin/env"
let pythonArgs = ProcessInfo.processInfo.environment["PIPELINT_PYTHON"] == nil ? ["python3"] : []
let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func now() -> Double { Date().timeIntervalSinceReferenceDate }

/// Runs a Python benchmark script; nil when Python or its modules are missing.
func runPython(_ script: String, _ extra: [String]) -> String? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: python)
    p.arguments = pythonArgs + [repo.appendingPathComponent(script).path] + extra
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return nil }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
}

/// Trivial tasks: the cost is the scheduler's.
struct NoopRuntime: TaskRuntime {
    func dispatch(_ task: Int) -> Dispatch { Dispatch(definition: nil) }
    func execute(_ task: Int, definition: [UInt8]?, inputs: [Value], worker: Int) throws -> (value: Value, attached: [ObjectValue]) { (.none, []) }
    func transfer(_ value: Value) -> Value { value }
    func layer(of task: Int) -> Int { 0 }
    func layerName(_ layer: Int) -> String { "noop" }
    func isObjectLayer(_ layer: Int) -> Bool { false }
}

/// N/2 leaves and N/2 tasks reading one leaf each (the Python script builds the same).
func pairGraph(_ n: Int) -> TaskGraph {
    let half = n / 2
    var depStart: [Int32] = [0]
    var deps: [Int32] = []
    for _ in 0..<half { depStart.append(Int32(deps.count)) }
    for i in 0..<half {
        deps.append(Int32(i))
        depStart.append(Int32(deps.count))
    }
    return TaskGraph(depStart: depStart, deps: deps, keep: Array(repeating: false, count: 2 * half))
}

func overhead(_ n: Int) {
    let g = pairGraph(n)
    // Baseline: a bare single-threaded DAG loop over the same arrays (counters, a ready stack).
    var best = Double.infinity
    for _ in 0..<3 {
        let t = now()
        var remaining = (0..<g.taskCount).map { g.depStart[$0 + 1] - g.depStart[$0] }
        var dependents = [[Int32]](repeating: [], count: g.taskCount)
        for t in 0..<g.taskCount { for k in Int(g.depStart[t])..<Int(g.depStart[t + 1]) { dependents[Int(g.deps[k])].append(Int32(t)) } }
        var ready = (0..<g.taskCount).filter { remaining[$0] == 0 }.map { Int32($0) }
        var done = 0
        while let x = ready.popLast() {
            done += 1
            for d in dependents[Int(x)] {
                remaining[Int(d)] -= 1
                if remaining[Int(d)] == 0 { ready.append(d) }
            }
        }
        precondition(done == g.taskCount)
        best = min(best, now() - t)
    }
    let bare = best / Double(g.taskCount) * 1e9
    best = .infinity
    for _ in 0..<3 {
        let t = now()
        let s = TaskScheduler(graph: g, runtime: NoopRuntime(), workers: 2, threadsPerWorker: 1, memoryLimit: nil)
        guard case .success = s.run() else { fatalError("run failed") }
        best = min(best, now() - t)
    }
    let ours = best / Double(g.taskCount) * 1e6
    print("tasks: \(g.taskCount) trivial (\(g.taskCount / 2) leaves + \(g.taskCount / 2) dependents), 2 threads")
    print(String(format: "pipelint scheduler: %.3f µs/task (target ≤ 2 µs), incl. building the dependents index", ours))
    print(String(format: "bare Swift DAG loop (1 thread): %.0f ns/task → scheduler is %.1f× the bare loop", bare, ours * 1000 / bare))
    let daskTasks = min(n, 200_000)
    if let out = runPython("benchmarks/dask_threaded_overhead.py", [String(daskTasks)]),
       let us = out.split(separator: " ").last.flatMap({ Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) {
        print(String(format: "dask threaded scheduler: %.2f µs/task on %d tasks → pipelint is %.0f× lower per task (target ≥ 50×)", us, daskTasks, us / ours))
    } else {
        print("dask threaded scheduler: skipped (no python with dask; set PIPELINT_PYTHON)")
    }
}

func memory() {
    func seed(_ chunks: Int) -> String {
        """
        pipeline: seed-\(chunks)
        version: 1
        cluster: {scheduler: distributed, workers: 2, threads_per_worker: 1}
        objects:
          mapper:
            class: Mapper
            fields: {series: {series: {range: 30000, dtype: int64}}}
        functions:
          f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
        arrays:
          x: {shape: [\(chunks * 1000)], chunks: [1000], dtype: int64, source: {random: {seed: 7, low: 0, high: 30000}}}
        steps:
          looked_up: {map_blocks: f, over: [x], args: [mapper]}
        outputs:
          looked_up: persist

        """
    }
    print("the seed (30,000-int64 Series, persist), 2 workers; Δ per chunk = (peak − result bytes) / chunks")
    print("chunks   as written: accounted   Δ/chunk    RSS peak   |  optimized: accounted   Δ/chunk   RSS peak")
    for chunks in [100, 400, 1600] {
        let loaded = LoadedPipeline.load(SourceFile(path: "seed.yaml", text: seed(chunks)))
        guard let written = loaded.graph, let optimized = try? OptimizationPolicy().optimize(written, source: loaded.source).graph else {
            fatalError("the seed does not load")
        }
        var cells: [String] = []
        for graph in [written, optimized] {
            guard let r = try? Executor.run(graph, source: loaded.source, baseDirectory: repo) else { fatalError("run failed") }
            let results = chunks * 1000 * 8
            let delta = Double(r.peakAccounted - results) / Double(chunks)
            cells.append([ByteFormat.text(Int64(r.peakAccounted)), ByteFormat.text(Int64(Int(delta))), ByteFormat.text(Int64(r.timeline.peakRSS))]
                .map { String(repeating: " ", count: max(0, 10 - $0.count)) + $0 }.joined(separator: " "))
        }
        print(String(format: "%6d  ", chunks) + cells.joined(separator: "   |  "))
    }
}

