import Analysis
import PipelineIR
import PipelineYAML
import Testing

/// Copies at two moments (while the tasks run, after the run) and the processes scheduler,
/// with the figures measured on real Dask 2026.8 (crosscheck/probes.py, fresh 2-worker clusters).
@Suite struct MomentsAndSchedulerTests {
    func estimate(scheduler: String = "distributed", placement: String = "embed", output: String = "persist") throws -> GraphEstimate {
        let text = """
            pipeline: t
            version: 1
            cluster: {scheduler: \(scheduler), workers: 2, threads_per_worker: 1}
            objects:
              mapper:
                class: Mapper
                fields: {series: {series: {range: 30000, dtype: int64}}}
                placement: \(placement)
            functions:
              f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
            arrays:
              x: {shape: [20000], chunks: [1000], dtype: int64, source: {random: {seed: 7, low: 0, high: 30000}}}
            steps:
              y: {map_blocks: f, over: [x], args: [mapper]}
            outputs:
              y: \(output)

            """
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: text))
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
        return Estimator.estimate(try #require(loaded.graph))
    }

    func mapper(_ e: GraphEstimate) throws -> ObjectEstimate { try #require(e.objects.first { $0.name == "mapper" }) }

    @Test func embeddedCopiesLiveWithHeldResults() throws {
        // Measured: 50 + 50 live copies of the seed's mapper while the tasks run and after `wait`.
        let m = try mapper(try estimate())
        #expect(m.copiesPerWorker == 10 && m.copiesPerWorkerAfter == 10)
        // Consumed results release their copies: none after the run.
        let c = try mapper(try estimate(output: "compute"))
        #expect(c.copiesPerWorkerAfter == 10)  // an array `compute` gathers every chunk, so they are held
    }

    @Test func delayedIsReleasedScatteredStays() throws {
        // Measured: delayed 1 per worker while tasks run, 0 after `wait`; scattered 1 and 1.
        let d = try mapper(try estimate(placement: "delayed"))
        #expect((d.copiesPerWorker, d.copiesPerWorkerAfter, d.residentPerWorkerAfter.bytes) == (1, 0, 0))
        let s = try mapper(try estimate(placement: "scatter"))
        #expect((s.copiesPerWorker, s.copiesPerWorkerAfter) == (1, 1))
        #expect(s.residentPerWorkerAfter.bytes == s.resident.bytes)
    }

    @Test func theFusedTaskIsWhatIsDispatched() throws {
        let e = try estimate(placement: "delayed")
        #expect(e.layers.first { $0.name == "x" }?.fusedInto == "y")
        // 535 (block_info source) + 793 (fused map_blocks) + 60 (the key): measured 1,386 B.
        #expect(e.layers.first { $0.name == "y" }?.taskBytes.bytes == 1388)
        // A scattered object's future: measured 1,410 B.
        #expect(try estimate(placement: "scatter").layers.first { $0.name == "y" }?.taskBytes.bytes == 1408)
    }

    @Test func processesShipsDependencyValuesAndHoldsOneCopy() throws {
        let embedded = try estimate(scheduler: "processes")
        let delayed = try estimate(scheduler: "processes", placement: "delayed")
        let wire = try mapper(embedded).wire.bytes
        // Measured through the pipes: 242,592 B per task embedded, 242,651 B delayed (its value and key in the same pickle).
        #expect(embedded.layers.first { $0.name == "y" }?.taskBytes.bytes == 535 + 793 - 320 + wire)
        #expect(delayed.layers.first { $0.name == "y" }?.taskBytes.bytes == 535 + 793 - 320 + wire + 60)
        for e in [embedded, delayed] {
            let m = try mapper(e)
            // A gc probe in each pool process: at most one live copy at a time; nothing after.
            #expect((m.copiesPerWorker, m.copiesTotal, m.copiesPerWorkerAfter) == (1, 2, 0))
            #expect(e.layers.first { $0.name == "y" }?.objects.first?.copiedPerTask == true)
            #expect(e.residentPerWorkerAfter.bytes == 0)
            // The parent: all 20 results (8,000 B each) plus 12 task messages prepared ahead.
            let task = try #require(e.layers.first { $0.name == "y" }?.taskBytes.bytes)
            #expect(e.parentBytes?.bytes == 20 * 8000 + 12 * task)
        }
    }

    @Test func submitBytesStepAtPicklesIntegerOpcodes() throws {
        func submit(_ chunks: Int) throws -> Int64 {
            let text = "pipeline: t\nversion: 1\ncluster: {scheduler: distributed, workers: 2}\n"
                + "arrays:\n  x: {shape: [\(chunks * 100)], chunks: [100], dtype: int64, source: ones}\nsteps: {}\noutputs:\n  x: persist\n"
            let g = try #require(LoadedPipeline.load(SourceFile(path: "t.yaml", text: text)).graph)
            return Estimator.estimate(g).submitBytes.bytes
        }
        // Measured (`da.ones` persisted on a LocalCluster): 8 B per chunk, 9 B from the 256th, 11 B from the 65,536th.
        #expect(try submit(200) - submit(100) == 800)
        #expect(try submit(256) - submit(255) == 9)
        #expect(try submit(300) - submit(257) == 43 * 9)
        #expect(try submit(65536) - submit(65535) == 11)
        for (n, measured) in [(100, 4028.0), (256, 5277), (1000, 11975), (65535, 593_001)] {
            #expect(abs(Double(try submit(n)) - measured) / measured < 0.001)
        }
    }
}
