import Lint
import PipelineIR
import Rules
import Testing

/// PL009 counts the `dataframe:` objects a `from_pandas` frame and a broadcast merge read as
/// used, though neither read is a graph edge; an object nothing reads is still reported.
@Suite struct EdgelessObjectReadTests {
    @Test func fromPandasAndBroadcastMergeObjectsAreUsed() {
        let text = """
        pipeline: edgeless
        version: 1.2
        cluster: {scheduler: distributed, workers: 2}
        objects:
          reference:
            dataframe: {length: 100, columns: {zip: {dtype: string, length: 5}, pop: {dtype: int64}}}
          table:
            dataframe: {length: 10, columns: {zip: {dtype: string, length: 5}, region: {dtype: int64}}}
          unused:
            dataframe: {length: 10, columns: {zip: {dtype: string, length: 5}}}
        frames:
          refs: {from_pandas: reference, partitions: 4}
        steps:
          joined: {merge: refs, with: table, on: zip, how: left}
        outputs:
          joined: persist

        """
        let src = SourceFile(path: "p.yaml", text: text)
        let findings = Linter(rules: makeAllRules()).lint(src).findings.filter { $0.code.id == "PL009" }
        #expect(findings.map { "\(src.position(of: $0.range.start)) \($0.message)" } == ["9:3 object `unused` is not used by any step"])
    }
}
