import Analysis
import PipelineIR
import PipelineYAML
import Testing

/// A frame saved as Parquet: the estimate counts Dask's `to_parquet` tasks (measured: 3 per
/// partition and one barrier) in its total and says so in a note; a CSV save adds none (not measured).
@Suite struct FrameSaveEstimateTests {
    static func file(save: String) -> String {
        """
        pipeline: saved
        version: 1.2
        cluster: {scheduler: distributed, workers: 2}
        frames:
          people: {rows: 1000, partitions: 10, columns: {age: {dtype: int64}}}
        steps: {}
        outputs:
          people: {save: \(save)}
        """
    }

    func estimate(_ text: String) throws -> (GraphEstimate, SourceFile) {
        let source = SourceFile(path: "t.yaml", text: text)
        let loaded = LoadedPipeline.load(source)
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
        return (Estimator.estimate(try #require(loaded.graph), options: EstimateOptions()), source)
    }

    @Test func aParquetSaveAddsThreeTasksPerPartitionAndABarrier() throws {
        let (e, source) = try estimate(Self.file(save: "people.parquet"))
        // The generated frame: from_map and _to_string_dtype per partition (20), then 3 × 10 + 1.
        #expect(e.layers.map(\.tasks) == [20])
        #expect(e.tasks == 51)
        #expect(e.notes.map { "\(source.position(of: $0.range.start)) \($0.message)" } == [
            "5:3 `people` is saved to `people.parquet` with `to_parquet`: Dask adds 31 tasks (3 per partition and a barrier), counted in the total",
        ])
    }

    @Test func aCSVSaveAddsNoTasks() throws {
        let (e, _) = try estimate(Self.file(save: "people.csv"))
        #expect(e.tasks == 20)
        #expect(e.notes.isEmpty)
    }
}
