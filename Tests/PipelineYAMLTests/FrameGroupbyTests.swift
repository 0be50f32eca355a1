import PipelineIR
import Testing
@testable import PipelineYAML

/// Groupby-sum steps, `load:` CSV frames and `save:` of frames (format 1.2): the model and graph
/// they lower to, and each error at its position.
@Suite struct FrameGroupbyTests {
    static let base = """
        pipeline: t
        version: 1.2
        frames:
          people:
            rows: 1000
            partitions: 20
            columns:
              region: {dtype: category, categories: 50, source: {random: {seed: 1, low: 0, high: 30}}}
              store: {dtype: int16, source: range}
              zip: {dtype: string, length: 5}
              income: {dtype: float64}
              age: {dtype: int32}
              seen: {dtype: "datetime64[ns]"}
              flag: {dtype: bool}
          sales: {load: sales.csv, rows: 600, partitions: 3, columns: {store: {dtype: int64}, amount: {dtype: float32}}}
        steps:
          g: {groupby: people, by: region, sum: income}
        outputs:
          g: compute

        """

    static func errors(_ edits: [(String, String)]) -> [String] {
        var text = base
        for (old, new) in edits {
            precondition(text.contains(old), old)
            text = text.replacingOccurrences(of: old, with: new)
        }
        return frontEnd(text).filter { !$0.contains("is not used") }
    }

    static func graph(_ edits: [(String, String)] = []) throws -> (Pipeline, Graph) {
        var text = base
        for (old, new) in edits { text = text.replacingOccurrences(of: old, with: new) }
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: text))
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
        return (try #require(loaded.pipeline), try #require(loaded.graph))
    }

    @Test func aGroupbyIsATreeOfPartialSums() throws {
        let (_, g) = try Self.graph()
        let layer = try #require(g.layer(named: "g"))
        guard case .groupby(let gb) = layer.kind else { Issue.record("not a groupby layer"); return }
        // 30 random raw values in [0, 30) of 50 categories: at most 30 observed groups.
        #expect(gb.groups == 30)
        #expect(gb.sumType == .float64)
        #expect(gb.key.name == "region" && gb.value.name == "income")
        // 20 getitem + 20 chunk tasks, ceil(20 / 8) = 3 combines, one aggregate.
        #expect(layer.taskCount == 44)
        #expect(layer.inputs.map(\.role) == [.block(0)])
        #expect(layer.grid.shape == [30])
    }

    @Test func groupBoundsFollowTheKeyAndItsSource() throws {
        let (_, byStore) = try Self.graph([("by: region, sum: income", "by: store, sum: age")])
        guard case .groupby(let s)? = byStore.layer(named: "g")?.kind else { Issue.record("no groupby"); return }
        #expect(s.groups == 1000)  // `range` over 1000 rows of an int16
        #expect(s.sumType == .int64)
        let (_, byFlag) = try Self.graph([("by: region, sum: income", "by: flag, sum: flag2"), ("flag: {dtype: bool}", "flag: {dtype: bool}\n      flag2: {dtype: bool}")])
        guard case .groupby(let f)? = byFlag.layer(named: "g")?.kind else { Issue.record("no groupby"); return }
        #expect(f.groups == 2 && f.sumType == .int64)
        #expect(FrameGroupby.combineTasks(partitions: 64, splitEvery: 8) == 8)
        #expect(FrameGroupby.combineTasks(partitions: 65, splitEvery: 8) == 11)
        #expect(FrameGroupby.combineTasks(partitions: 8, splitEvery: 8) == 0)
    }

    @Test func badGroupbysAreLocated() {
        #expect(Self.errors([("by: region", "by: regoin")])
            == ["17:28: step `g` reads `people`, which has no column `regoin`"])
        #expect(Self.errors([("sum: income", "sum: incme")])
            == ["17:41: step `g` reads `people`, which has no column `incme`"])
        #expect(Self.errors([("sum: income", "sum: zip")])
            == ["17:41: `sum` of column `zip` of `people`, which is string: Dask sums numbers"])
        #expect(Self.errors([("sum: income", "sum: seen")])
            == ["17:41: `sum` of column `seen` of `people`, which is datetime64[ns]: Dask sums numbers"])
        #expect(Self.errors([("by: region, sum: income", "by: income, sum: age")])
            == ["17:28: step `g` groups by `income`, which is float64: pipelint models groupby keys of integers, bools, strings and categories"])
        #expect(Self.errors([("groupby: people,", "groupby: peeple,")])
            == ["17:16: `peeple` is not an array or step"])
        #expect(Self.errors([("by: region, sum: income", "by: region")])
            == ["17:6: `groupby` step `g` needs `by` (the key column) and `sum` (the column summed per group)"])
        #expect(Self.errors([("version: 1.2", "version: 1.1")]).contains("17:7: a `groupby` step needs format version 1.2; this file declares `version: 1.1`"))
    }

    @Test func aGroupbyResultIsReadOnlyByOutputs() {
        #expect(Self.errors([("  g: {groupby: people, by: region, sum: income}", "  g: {groupby: people, by: region, sum: income}\n  h: {groupby: g, by: region, sum: income}")])
            == ["18:16: `g` is the result of a `groupby` (a Series of per-group sums); steps cannot read it yet, only `outputs`"])
    }

    @Test func loadFramesReadTheirDeclaration() throws {
        let (p, g) = try Self.graph([("g: compute", "g: compute\n  sales: persist")])
        let sales = try #require(p.frame(named: "sales"))
        #expect(sales.source == .csv(path: "sales.csv", range: sales.source.range))
        #expect(sales.partitions == .uniform(size: 200, length: 600))
        #expect(sales.schema.columns.map(\.type) == [.numeric(.int64), .numeric(.float32)])
        // One read-csv task per block and one `_to_string_dtype` task after it (measured).
        #expect(g.layer(named: "sales")?.taskCount == 6)
        #expect(Self.errors([("load: sales.csv", "load: sales.parquet")])
            == ["15:17: a `load` frame reads a CSV file (`.csv`), not `sales.parquet`"])
        #expect(Self.errors([("partitions: 3, columns: {store", "partitions: [300, 300], columns: {store")])
            == ["15:51: a `load` frame takes `partitions: N` (`dd.read_csv` splits the file into N blocks of bytes), not a list"])
        #expect(Self.errors([("store: {dtype: int64}", "store: {dtype: int64, source: range}")])
            == ["15:86: column `store` of a `load` frame comes from the file; `source` does not apply"])
        #expect(Self.errors([("rows: 600, ", "")])
            == ["15:10: `load` frame `sales` needs `rows` (its data rows), `partitions` and `columns` (each column's dtype)"])
    }

    @Test func framesSaveAsParquetOrCSV() {
        #expect(Self.errors([("g: compute", "g: {save: sums.csv}\n  people: {save: people.parquet}")]) == [])
        #expect(Self.errors([("g: compute", "g: {save: sums.npy}")])
            == ["19:6: `g` is a groupby's result: `save:` writes it as Parquet (`.parquet`) or CSV (`.csv`), not `sums.npy`"])
        #expect(Self.errors([("g: compute", "g: compute\n  people: {save: people}")])
            == ["20:11: `people` is a frame: `save:` writes it as Parquet (`.parquet`) or CSV (`.csv`), not `people`"])
    }
}

extension FrameDecl.Source {
    var range: SourceRange {
        switch self {
        case .generated: SourceRange(start: 0, end: 0)
        case .fromPandas(_, let r), .csv(_, let r): r
        }
    }
}
