import Analysis
import PipelineIR
import PipelineYAML
import Testing

/// Row-wise frame steps (format 1.2) in the estimate, as measured with dask 2026.8
/// (calibration/frame_rows.out): a lookup's `map` task carries its table; a placed table goes
/// through map_partitions (one task per partition); a filter's rows are the kept rows.
@Suite struct FrameRowEstimateTests {
    static func file(placement: String = "embed") -> String {
        """
        pipeline: t
        version: 1.2
        cluster: {scheduler: distributed, workers: 2}
        objects:
          regions: {dict: {length: 40000, keys: {string: 5}, values: {string: 8, distinct: 50}}, placement: \(placement)}
        frames:
          people:
            rows: 400000
            partitions: 40
            columns:
              zip: {dtype: string, length: 5}
              age: {dtype: int64, source: {random: {seed: 4, low: 0, high: 100}}}
        steps:
          r: {lookup: people.zip, through: regions, into: region}
          a: {filter: r, column: age, op: ">=", value: 18}
        outputs:
          a: persist

        """
    }

    func estimate(_ text: String) throws -> GraphEstimate {
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: text))
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
        return Estimator.estimate(try #require(loaded.graph), options: EstimateOptions())
    }

    @Test func anEmbeddedTableIsInEveryMapTask() throws {
        let e = try estimate(Self.file())
        let r = try #require(e.layers.first { $0.name == "r" })
        let use = try #require(r.objects.first)
        // getitem, map, assign per partition; only the 40 `map` tasks carry the dict (measured 400,796 B each).
        #expect(r.tasks == 120)
        // `r` feeds the filter and is released: copies in flight only (2 per worker: twice its one thread).
        #expect(use.copiedPerTask && use.copiesTotal == 4 && use.copiesPerWorker == 2 && use.copiesPerWorkerAfter == 0)
        #expect(use.wire.bytes == 400_600)
        #expect(r.taskBytes.bytes == 400_796)
        // The step's own expression; the dict's memo references (3 B more for each of the 39,950
        // repeated values) are priced with the object's share of the submit.
        #expect(r.submit.fixed == 1_174)
        #expect(use.copiedPerTask && e.submitFixedBytes >= 400_600 + 3 * 39_950 + 1_174)
        // The filter keeps 82% of each partition's 10,000 rows (age uniform in 0..99).
        let a = try #require(e.layers.first { $0.name == "a" })
        #expect(a.tasks == 120 && a.taskBytes.bytes == 250)
        #expect(e.notes.contains { $0.message.contains("filter `a` (`age >= 18`) keeps the partitions; its rows per partition are expected values") && $0.message.hasSuffix("328000 rows in all, at most 8200 in a partition") })
    }

    @Test(arguments: ["delayed", "scatter"])
    func aPlacedTableGoesThroughMapPartitions(_ placement: String) throws {
        let e = try estimate(Self.file(placement: placement))
        let r = try #require(e.layers.first { $0.name == "r" })
        let use = try #require(r.objects.first)
        // One `_lookup_on_partition` task per partition (measured 2,199 B with the table's key).
        #expect(r.tasks == 40)
        #expect(!use.copiedPerTask)
        #expect(r.taskBytes.bytes > 2_190 && r.taskBytes.bytes < 2_230)
    }
}
