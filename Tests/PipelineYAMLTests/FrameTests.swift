import PipelineIR
import Testing
@testable import PipelineYAML

/// DataFrame pipelines (format 1.2): frames, `dataframe`/`dict` objects, frame kernels and
/// `map_partitions` steps — the model and graph they lower to, and each error at its position.
@Suite struct FrameTests {
    static let base = """
        pipeline: t
        version: 1.2
        objects:
          regions: {dict: {length: 400, keys: {string: 5}, values: {string: 8, distinct: 5}}}
          codes: {series: {range: 1000}}
          model:
            class: M
            fields: {weights: {ndarray: {shape: [2], dtype: float64}}}
        functions:
          assign: {params: [part, table], kernel: map_column, column: zip, into: region}
          score: {params: [part, model], kernel: score_rows, columns: [age, income], into: s, with: {weights: model.weights}}
        frames:
          people:
            rows: 1000
            partitions: 10
            columns:
              zip: {dtype: string, length: 5}
              age: {dtype: int64, source: {random: {seed: 1, low: 0, high: 100}}}
              income: {dtype: float64, source: {random: {seed: 2, low: 0, high: 1}}}
              kind: {dtype: category, categories: 3}
        steps:
          a: {map_partitions: assign, over: people, args: [regions]}
          b: {map_partitions: score, over: a, args: [model]}
        outputs:
          b: persist

        """

    /// The base file with `edit` applied (`old => new`), its errors as `line:col: message`.
    static func errors(_ edits: [(String, String)]) -> [String] {
        var text = base
        for (old, new) in edits {
            precondition(text.contains(old), old)
            text = text.replacingOccurrences(of: old, with: new)
        }
        return frontEnd(text).filter { !$0.contains("is not used") && !$0.contains("is not called") }
    }

    @Test func aValidFrameLowersToPartitionsAndColumns() throws {
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: Self.base))
        #expect(loaded.diagnostics.isEmpty)
        let p = try #require(loaded.pipeline)
        let g = try #require(loaded.graph)
        let people = try #require(p.frame(named: "people"))
        #expect(people.partitions == .uniform(size: 100, length: 1000))
        #expect(people.schema.columns.map(\.type) == [.string(length: 5), .numeric(.int64), .numeric(.float64), .category(count: 3)])
        #expect(people.schema.columns[1].source == .random(seed: 1, low: 0, high: 100))
        let frameLayer = try #require(g.layer(named: "people"))
        // One task per partition, and one more converting the string column (dask 2026.8, measured).
        #expect(frameLayer.taskCount == 20)
        let a = try #require(g.layer(named: "a"))
        #expect(a.taskCount == 10)
        // The lookup's result column is the dict's values; the score's is float64.
        #expect(a.frame?.columns.map(\.name) == ["zip", "age", "income", "kind", "region"])
        #expect(a.frame?.column(named: "region")?.type == .string(length: 8))
        #expect(g.layer(named: "b")?.frame?.column(named: "s")?.type == .numeric(.float64))
        // The call site: the partition is block 0, the dict argument 0.
        #expect(a.call?.arguments.map(\.role) == [.block(0), .argument(0)])
        #expect(a.inputs.map { g[$0.source].name } == ["people", "regions"])
        #expect(p.steps.filter { !$0.mapsPartitions }.isEmpty)
    }

    @Test func explicitPartitionsAndTheirSum() {
        #expect(Self.errors([("partitions: 10", "partitions: [300, 300, 400]")]) == [])
        #expect(Self.errors([("partitions: 10", "partitions: [300, 300, 300]")])
            == ["15:17: the partitions hold 900 rows but the frame has 1000"])
        // A sum past Int64 is not a saturated 2^63 − 1 that happens to equal `rows`.
        #expect(Self.errors([("rows: 1000", "rows: 9223372036854775807"), ("partitions: 10", "partitions: [9223372036854775807, 1]")])
            == ["15:17: the partitions hold more than 2^63 − 1 rows but the frame has 9223372036854775807"])
        #expect(Self.errors([("partitions: 10", "partitions: [300, 0, 700]")])
            == ["15:23: a partition's row count must be at least 1, not 0"])
        // ceil(1000 / 400) = 3 rows short of 400 partitions: dd.from_pandas's rule makes 334.
        #expect(Self.errors([("partitions: 10", "partitions: 400")])
            == ["15:17: 1000 rows in partitions of 3 rows (ceil(1000 / 400)) make 334 partitions, not 400"])
    }

    @Test(arguments: [
        // Unknown column, with a suggestion (the help says `did you mean`).
        ([("column: zip", "column: zpi")], ["10:63: step `a` reads `people`, which has no column `zpi`"]),
        ([("columns: [age, income]", "columns: [age, incme]")], ["11:69: step `b` reads `a`, which has no column `incme`"]),
        // Dtype mismatches of a lookup: the table's keys cannot match the column's values.
        ([("args: [regions]", "args: [codes]")],
         ["22:52: step `a` maps column `zip` (string) of `people` through `codes`, a Series labelled by integers: no value would be found (every result NaN)"]),
        ([("column: zip", "column: age")],
         ["22:52: step `a` maps column `age` (int64) of `people` through `regions`, a dict keyed by strings: no value would be found (every result NaN)"]),
        ([("columns: [age, income]", "columns: [age, kind]")], ["11:69: `score_rows` multiplies numbers, but column `kind` of `a` is category"]),
        ([("shape: [2]", "shape: [3]")], ["23:46: `model.weights` has 3 weights but `score_rows` reads 2 columns"]),
        // Column declarations.
        ([("dtype: int64, source", "dtype: int46, source")], ["18:20: unknown column dtype `int46`"]),
        ([("string, length: 5}", "string}")], ["17:20: a `string` column needs `length` (its values are `str(v).zfill(length)`)"]),
        ([("categories: 3", "categories: 0")], ["20:43: `categories` must be at least 1, not 0"]),
        ([("low: 0, high: 100", "low: 0")], ["18:44: `random` of a `int64` column needs `high` (an integer)"]),
        // Frames only through map_partitions, arrays only through map_blocks.
        ([("a: {map_partitions: assign, over: people", "a: {map_blocks: assign, over: [people]")],
         ["22:19: kernel `map_column` of `assign` works on DataFrame partitions; call it with `map_partitions`",
          "22:34: `people` is a frame; map over its partitions with `map_partitions`"]),
        ([("over: people", "over: peple")], ["22:37: `peple` is not an array or step"]),
        ([("over: people", "over: [people, people]")], ["22:37: `map_partitions` maps over one frame; `over` lists 2"]),
        ([("kernel: map_column, column: zip, into: region", "kernel: take")],
         ["22:23: kernel `take` of `assign` works on array blocks; `map_partitions` needs a frame kernel (`map_column`, `score_rows`) or a `python` function",
          "22:52: kernel `take` needs a table (a Series or 1-D ndarray) for `table`, but `regions` is a dict"]),
        ([("kernel: map_column, column: zip,", "kernel: map_column,")], ["10:43: kernel `map_column` needs `column` (the column it looks up)"]),
        ([("outputs:\n  b: persist", "outputs:\n  b: {save: b.npy}")], ["25:6: `b` is a frame: `save:` writes it as Parquet (`.parquet`) or CSV (`.csv`), not `b.npy`"]),
        // A dict's values cannot be more distinct than its entries.
        ([("distinct: 5", "distinct: 500")], ["4:82: `distinct` must be at most the dict's `length` (400), not 500"]),
        // A `load` frame's columns come from its file.
        ([("    rows: 1000\n", "    load: people.csv\n    rows: 1000\n")],
         ["19:27: column `age` of a `load` frame comes from the file; `source` does not apply"]),
        // `from_pandas` takes a `dataframe` object and `partitions: N` only.
        ([("    rows: 1000\n", "    from_pandas: codes\n    rows: 1000\n")],
         ["14:18: `from_pandas` needs a `dataframe` object, but `codes` is a Series", "15:5: unknown key `rows` in `from_pandas` frame `people`", "17:5: unknown key `columns` in `from_pandas` frame `people`"]),
        ([("    rows: 1000\n", "    from_pandas: cdoes\n    rows: 1000\n")], ["14:18: `cdoes` is not an object", "15:5: unknown key `rows` in `from_pandas` frame `people`", "17:5: unknown key `columns` in `from_pandas` frame `people`"]),
    ])
    func badInputIsLocated(_ edits: [(String, String)], _ expected: [String]) {
        #expect(Self.errors(edits).map { String($0.prefix(while: { $0 != "\n" })) } == expected)
    }

    @Test func fromPandasSplitsADataFrameObject() throws {
        let text = Self.base
            .replacingOccurrences(of: "  codes: {series: {range: 1000}}\n", with: """
              codes: {series: {range: 1000}}
              table: {dataframe: {length: 1000, columns: {zip: {dtype: string, length: 5}, age: {dtype: int64}, income: {dtype: float64}}}}

            """)
            .replacingOccurrences(of: "  people:\n    rows: 1000\n    partitions: 10\n", with: "  people:\n    from_pandas: table\n    partitions: 3\n")
            .replacingOccurrences(of: "      kind: {dtype: category, categories: 3}\n", with: "")
        let cut = try #require(text.range(of: "    columns:\n      zip"))
        let end = try #require(text.range(of: "steps:"))
        let file = text.replacingCharacters(in: cut.lowerBound..<end.lowerBound, with: "")
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: file))
        #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        let people = try #require(loaded.pipeline?.frame(named: "people"))
        // ceil(1000 / 3) = 334 rows a partition, the last 332; the object's columns.
        #expect(people.partitions == .uniform(size: 334, length: 1000))
        #expect(people.schema.columns.map(\.name) == ["zip", "age", "income"])
        guard case .fromPandas(let object, _) = people.source else { Issue.record("not from_pandas"); return }
        #expect(object == "table")
        #expect(loaded.graph?.layer(named: "people")?.taskCount == 3)
    }

    @Test func frameSyntaxNeedsVersion12() {
        #expect(Self.errors([("version: 1.2", "version: 1.1")]) == [
            "4:13: a `dict` object needs format version 1.2; this file declares `version: 1.1`",
            "10:43: kernel `map_column` needs format version 1.2; this file declares `version: 1.1`",
            "11:42: kernel `score_rows` needs format version 1.2; this file declares `version: 1.1`",
            "12:1: `frames` needs format version 1.2; this file declares `version: 1.1`",
            "22:7: a `map_partitions` step needs format version 1.2; this file declares `version: 1.1`",
            "23:7: a `map_partitions` step needs format version 1.2; this file declares `version: 1.1`",
        ])
        #expect(Self.errors([("version: 1.2", "version: 1.20")]).first == "2:10: format version `1.20` reads as the number 1.2 in YAML; write it exactly as `1.2`")
    }

    @Test func unknownColumnSuggestsTheNearestName() {
        let src = SourceFile(path: "t.yaml", text: Self.base.replacingOccurrences(of: "columns: [age, income]", with: "columns: [age, incme]"))
        let d = LoadedPipeline.load(src).diagnostics.filter { $0.severity == .error }
        #expect(d.map(\.help) == ["did you mean `income`?"])
    }

    /// The 😀 check: a marker earlier on the error's line (a `lint.reason`, a column name) moves the column by one.
    @Test(arguments: [
        [("assign: {params", "assign: {lint: {reason: \"↓\"}, params"), ("column: zip,", "column: zpi,")],
        [("a: {map_partitions", "a: {lint: {reason: \"↓\"}, map_partitions"), ("args: [regions]}\n  b:", "args: [codes]}\n  b:")],
        [("age: {dtype: int64", "↓age: {dtype: int46")],
        [("zip: {dtype: string, length: 5}", "↓zip: {dtype: string}")],
    ])
    func astralCharactersCountAsOneColumn(_ edits: [(String, String)]) throws {
        var marked = Self.base
        for (old, new) in edits { marked = marked.replacingOccurrences(of: old, with: new) }
        try expectAstralPrefixMovesColumnByOne(marked)
    }

    /// A merge (format 1.2): with a `dataframe` object (a broadcast: one more task, no object edge)
    /// or with a collection (a p2p shuffle), and its errors at their positions.
    static let mergeFile = """
        pipeline: t
        version: 1.2
        objects:
          ref: {dataframe: {length: 500, columns: {zip: {dtype: string, length: 5}, pop: {dtype: int64}}}}
          codes: {series: {range: 10}}
        frames:
          people: {rows: 1000, partitions: 10, columns: {zip: {dtype: string, length: 5}, age: {dtype: int64}}}
          other: {rows: 300, partitions: 3, columns: {age: {dtype: int64}, pop: {dtype: float64}}}
        steps:
          a: {merge: people, with: ref, on: zip, how: left}
          b: {merge: people, with: other, on: age}
        outputs:
          a: persist
          b: persist

        """

    @Test func mergesLowerToBroadcastAndShuffle() throws {
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: Self.mergeFile))
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
        let g = try #require(loaded.graph)
        let a = try #require(g.layer(named: "a")), b = try #require(g.layer(named: "b"))
        // The broadcast: the left's 10 partitions and the object's one task; no object edge (no PL001).
        #expect(a.taskCount == 11)
        #expect(a.inputs.map { g[$0.source].name } == ["people"])
        #expect(a.frame?.columns.map(\.name) == ["zip", "age", "pop"])
        // The shuffle: max(10, 3) output partitions, 10 + 3 transfers, 2 barriers.
        #expect(b.taskCount == 25)
        #expect(b.inputs.map(\.role) == [.block(0), .block(1)])
        #expect(b.frame?.columns.map(\.name) == ["zip", "age", "pop"])
    }

    @Test(arguments: [
        ("on: zip, how: left", "on: zpi, how: left", ["10:37: step `a` reads `people`, which has no column `zpi`"]),
        ("on: age}", "on: zip}", ["11:28: `other` has no column `zip` to merge on"]),
        ("age: {dtype: int64}, pop", "age: {dtype: string, length: 3}, pop", ["11:39: step `b` merges on `age`, which is int64 in `people` but string in `other`: no key would match"]),
        ("with: ref", "with: codes", ["10:28: `merge` joins a `dataframe` object or a frame, but `codes` is a Series"]),
        ("how: left", "how: cross", ["10:47: unknown `how` `cross`"]),
    ])
    func mergeErrorsAreLocated(_ old: String, _ new: String, _ expected: [String]) {
        let text = Self.mergeFile.replacingOccurrences(of: old, with: new)
        #expect(frontEnd(text).map { String($0.prefix(while: { $0 != "\n" })) } == expected)
    }

    /// A reduction of a frame's column (format 1.2): `reduce: sum, over: people.age` is
    /// `people["age"].sum()`, a tree over the partitions; numbers only, but `count`.
    @Test func columnReductions() throws {
        let file = """
            pipeline: t
            version: 1.2
            frames:
              people: {rows: 1000, partitions: 10, columns: {zip: {dtype: string, length: 5}, age: {dtype: int32}}}
            steps:
              total: {reduce: sum, over: people.age}
              n: {reduce: count, over: people.zip}
            outputs:
              total: compute
              n: compute

            """
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: file))
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
        let g = try #require(loaded.graph)
        let total = try #require(g.layer(named: "total"))
        #expect(total.reducedColumn == "age" && total.dtype == .int32)
        // Ten partials and the tree's aggregate (split_every 8: two levels).
        #expect(total.taskCount == reductionTaskCount(chunks: 10, splitEvery: 8))
        #expect(g.layer(named: "n")?.dtype == .int64)
        func errors(_ old: String, _ new: String) -> [String] {
            frontEnd(file.replacingOccurrences(of: old, with: new)).map { String($0.prefix(while: { $0 != "\n" })) }
        }
        #expect(errors("sum, over: people.age", "sum, over: people.zip") == ["6:37: `sum` of column `zip` of `people`, which is string: Dask reduces numbers"])
        #expect(errors("sum, over: people.age", "sum, over: people") == ["6:30: `people` is a frame; reduce one of its columns: `over: people.zip`"])
        #expect(errors("sum, over: people.age", "sum, over: people.aeg") == ["6:37: step `total` reads `people`, which has no column `aeg`"])
        // Under 1.1 the frames section is refused, so its names are unknown where they are used.
        #expect(errors("version: 1.2", "version: 1.1") == ["3:1: `frames` needs format version 1.2; this file declares `version: 1.1`",
                                                            "6:30: `people.age` is not an array or step", "7:28: `people.zip` is not an array or step"])
    }
}
