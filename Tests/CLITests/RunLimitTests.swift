import Foundation
import Testing

/// `run` refuses work beyond the machine before allocating it, and finishes on empty input.
@Suite struct RunLimitTests {
    static func run(_ text: String, _ extra: [String] = []) throws -> CLI.Result {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-limit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(text.utf8).write(to: dir.appendingPathComponent("p.yaml"))
        return try CLI.run(["--", "run", "p.yaml", "--quiet", "-o", "out"] + extra, cwd: dir, launcher: ["/usr/bin/timeout", "20"])
    }

    static func reduce(_ array: String, cluster: String = "") -> String {
        "pipeline: p\nversion: 1\n\(cluster)arrays:\n  x: \(array)\nsteps:\n  s: {reduce: sum, over: x}\noutputs:\n  s: compute\n"
    }

    @Test func emptyArrayReducedFinishes() throws {
        let r = try Self.run(Self.reduce("{shape: [0], chunks: [5], dtype: int64}"))
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("s = 0\n1 tasks in "))
    }

    @Test func aTrillionChunksAreRefusedBeforeAnyAllocation() throws {
        let r = try Self.run(Self.reduce("{shape: [1000000000000], chunks: [1], dtype: int64}"))
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("p.yaml:6:3: error: the run needs at least 499 TiB (2142857142863 tasks, the largest chunk or object, outputs held to the end), over 3/4 of this machine's "))
        #expect(r.stderr.contains("`--force` runs it anyway"))
    }

    @Test func anExabyteSeriesIsRefusedNotAborted() throws {
        let text = """
            pipeline: p
            version: 1
            objects:
              m: {series: {range: 1000000000000000000, dtype: int64}}
            functions:
              f: {params: [block, m], kernel: take}
            arrays:
              x: {shape: [10], chunks: [5], dtype: int64}
            steps:
              s: {map_blocks: f, over: [x], args: [m]}
            outputs:
              s: compute

            """
        for extra in [[], ["--force"]] {
            let r = try Self.run(text, extra)
            #expect(r.status == 2)
            #expect(r.stderr.hasPrefix("p.yaml:4:3: error: object `m` needs 6.9 EiB, more than this machine's "))
        }
    }

    @Test func aChunkOverMemoryPerWorkerIsRefusedUpFront() throws {
        let r = try Self.run(Self.reduce("{shape: [200000000], chunks: [200000000], dtype: float64}",
                                         cluster: "cluster: {workers: 100, memory_per_worker: 100MB}\n"))
        #expect(r.status == 2)
        #expect(r.stderr == """
            pipelint: warning: the cluster declares 100 workers; the local executor runs 64, so memory per worker is simulated for 64
            p.yaml:5:3: error: a chunk of `x` needs 1.5 GiB, more than memory_per_worker (95.4 MiB)
              = help: use smaller chunks, or raise `memory_per_worker`

            """)
    }
}
