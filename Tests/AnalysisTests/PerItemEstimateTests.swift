import Analysis
import PipelineIR
import PipelineYAML
import Testing

/// Per-item steps (format 1.1) in the estimate: what each form ships and sends.
@Suite struct PerItemEstimateTests {
    static func file(_ step: String) -> String {
        """
        pipeline: t
        version: 1.1
        cluster: {scheduler: distributed, workers: 2}
        objects:
          params: {series: {range: 50000, dtype: float64}}
        functions:
          f: {params: [i, t], kernel: take}
        steps:
          \(step)
        outputs:
          s: persist

        """
    }

    func estimate(_ step: String) throws -> GraphEstimate {
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: Self.file(step)))
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
        return Estimator.estimate(try #require(loaded.graph), options: EstimateOptions())
    }

    @Test func everyFormCarriesAPositionalObjectInEachTask() throws {
        for step in ["s: {delayed: f, items: {range: 50}, args: [item, params]}",
                     "s: {submit: f, items: {range: 50}, args: [item, params]}",
                     "s: {map: f, items: {range: 50}, args: [item, params]}"] {
            let e = try estimate(step)
            let use = try #require(e.layers.first { $0.name == "s" }?.objects.first)
            #expect(use.copiedPerTask && !use.daskDelays)
            #expect(use.copiesPerWorker == 25 && use.copiesPerWorkerAfter == 25)
        }
    }

    /// A submit loop sends one message per call: 50 × ≈ 400 KB is 20 MB in all, but Dask warns
    /// per message, so it stays silent; the same object in one delayed graph is sent once.
    @Test func aSubmitLoopSendsAMessagePerCall() throws {
        let submit = try estimate("s: {submit: f, items: {range: 50}, args: [item, params]}")
        let delayed = try estimate("s: {delayed: f, items: {range: 50}, args: [item, params]}")
        #expect(submit.submitBytes.bytes > 19_000_000)
        #expect(!submit.largeGraphWarning)
        #expect(delayed.submitBytes.bytes < 500_000)
        #expect(submit.verdicts.first == "Dask's large-graph warning stays silent: ≈ 19.1 MiB submitted in all, but in messages under 10 MB each (one per `client.submit` call).")
    }
}
