import PipelineIR
import Testing
@testable import PipelineYAML

/// Projections (format 1.1): subscripts and `.iloc` in `with:` bindings, `args` and `kwargs` —
/// what they mean on each kind of value, and each error at its exact position.
@Suite struct ProjectionTests {
    static func file(version: String = "1.1", functions: String = "g: {params: [block, high], kernel: clip, with: {low: 0}}", step: String) -> String {
        """
        pipeline: t
        version: \(version)
        objects:
          edges: {ndarray: {shape: [40], fill: range}}
          weights: {ndarray: {shape: [100, 8]}}
          codes: {list: {range: 5}}
          n: {value: 3}
          mapper: {class: Mapper, fields: {series: {series: {range: 30000, dtype: int64}}}}
        functions:
          \(functions)
        arrays:
          x: {shape: [100], chunks: [10], dtype: int64, source: range}
        steps:
          \(step)

        """
    }

    @Test(arguments: [
        // Valid: an element of each kind, negative positions, slices with steps, two axes.
        ("s: {map_blocks: g, over: [x], args: [\"edges[-1]\"]}", [String]()),
        ("s: {map_blocks: g, over: [x], args: [\"mapper.series[5]\"]}", []),
        ("s: {map_blocks: g, over: [x], args: [\"mapper.series.iloc[-1]\"]}", []),
        ("s: {map_blocks: g, over: [x], kwargs: {high: \"weights[-1, 7]\"}}", []),
        ("s: {map_blocks: g, over: [x], args: [\"codes[4]\"]}", []),
        // Errors, at the path (inside its quotes).
        ("s: {map_blocks: g, over: [x], args: [\"edges[40]\"]}",
         ["14:41: `edges[40]`: index 40 is out of range for `edges`, of length 40"]),
        ("s: {map_blocks: g, over: [x], args: [\"edges[-41]\"]}",
         ["14:41: `edges[-41]`: index -41 is out of range for `edges`, of length 40"]),
        ("s: {map_blocks: g, over: [x], args: [\"weights[0, 8]\"]}",
         ["14:41: `weights[0, 8]`: index 8 is out of range for axis 1 of `weights`, of length 8"]),
        ("s: {map_blocks: g, over: [x], args: [\"edges[-1][0]\"]}",
         ["14:41: `edges[-1][0]`: `edges[-1]` is a numpy float64 scalar, a single number: it has no elements to take"]),
        ("s: {map_blocks: g, over: [x], args: [\"n[0]\"]}",
         ["14:41: `n[0]`: `n` is a literal, a single number: it has no elements to take"]),
        ("s: {map_blocks: g, over: [x], args: [\"mapper.series[:, 0]\"]}",
         ["14:41: `mapper.series[:, 0]`: `mapper.series` is a 1-D Series, but the subscript has 2 axes"]),
        ("s: {map_blocks: g, over: [x], args: [\"mapper.series.iloc[1:, 0]\"]}",
         ["14:41: `mapper.series.iloc[1:, 0]`: `mapper.series` is a 1-D Series, but the subscript has 2 axes"]),
        ("s: {map_blocks: g, over: [x], args: [\"weights[0, 0, 0]\"]}",
         ["14:41: `weights[0, 0, 0]`: `weights` is a 2-D ndarray, but the subscript has 3 axes"]),
        ("s: {map_blocks: g, over: [x], args: [\"mapper.series[-1]\"]}",
         ["14:41: `mapper.series[-1]`: label -1 is not in the index of `mapper.series` (labels 0…29999): `[…]` on a Series reads labels"]),
        ("s: {map_blocks: g, over: [x], args: [\"edges.iloc[0]\"]}",
         ["14:41: `edges.iloc[0]`: `.iloc` is a pandas Series indexer, but `edges` is an ndarray"]),
        ("s: {map_blocks: g, over: [x], args: [\"mapper[0]\"]}",
         ["14:41: `mapper[0]`: `mapper` is an instance of `Mapper`, which cannot be subscripted"]),
        ("s: {map_blocks: g, over: [x], args: [\"edges[1:2:0]\"]}", ["14:47: `edges[1:2:0]`: a slice step cannot be zero"]),
        ("s: {map_blocks: g, over: [x], args: [\"edges[i]\"]}", ["14:47: `edges[i]`: `i` is not an integer"]),
        ("s: {map_blocks: g, over: [x], args: [\"edges[]\"]}", ["14:47: `edges[]`: a subscript axis is empty"]),
        ("s: {map_blocks: g, over: [x], args: [\"edges[0\"]}", ["14:46: `[` in `edges[0` is never closed"]),
        ("s: {map_blocks: g, over: [x], args: [\"edges[99999999999999999999]\"]}",
         ["14:47: `edges[99999999999999999999]`: index `99999999999999999999` is out of range for a 64-bit integer"]),
        // Unquoted in a flow collection: the YAML parser splits the path.
        ("s: {map_blocks: g, over: [x], args: [edges[-1]]}",
         ["14:45: invalid YAML: `[` inside a flow collection (`[…]` or `{…}`) starts a new sequence, so the path `edges[-1]` is split; a path with a subscript must be quoted there"]),
        ("s: {map_blocks: g, over: [x], kwargs: {high: weights[:, 0]}}",
         ["14:55: invalid YAML: `[` inside a flow collection (`[…]` or `{…}`) starts a new sequence, so the path `weights[:, 0]` is split; a path with a subscript must be quoted there"]),
        // A subscript is format 1.1.
        ("s: {map_blocks: g, over: [x], args: [\"edges[-1]\"]}", ["14:41: a subscript in a path (`edges[-1]`) needs format version 1.1; this file declares `version: 1`"]),
    ])
    func argumentProjections(_ step: String, _ expected: [String]) {
        let version = expected.first?.contains("needs format version") == true ? "1" : "1.1"
        #expect(frontEnd(Self.file(version: version, step: step)).filter { !$0.contains("is not used") } == expected)
    }

    @Test(arguments: [
        ("t: {params: [block, w], kernel: take, with: {table: \"w[:, 0]\"}}", "s: {map_blocks: t, over: [x], args: [weights]}", [String]()),
        ("t: {params: [block, m], kernel: scale, with: {factor: \"m.series.iloc[0]\"}}", "s: {map_blocks: t, over: [x], args: [mapper]}", []),
        ("t: {params: [block, w], kernel: take, with: {table: \"w[:, 8]\"}}", "s: {map_blocks: t, over: [x], args: [weights]}",
         ["14:40: `weights[:, 8]`: index 8 is out of range for axis 1 of `weights`, of length 8"]),
        ("t: {params: [block, w], kernel: take, with: {table: \"w[0, 0]\"}}", "s: {map_blocks: t, over: [x], args: [weights]}",
         ["14:40: kernel `take` needs a table (a Series or 1-D ndarray) for `table`, but `weights[0, 0]` is a numpy float64 scalar"]),
        ("t: {params: [block, w], kernel: take, with: {table: \"w[[0]]\"}}", "s: {map_blocks: t, over: [x], args: [weights]}",
         // The binding is dropped, so `table` takes the next parameter, `w`, as the kernel's default binding would.
         ["10:58: `w[[0]]`: `[0` is not an integer",
          "14:40: kernel `take` needs a table (a Series or 1-D ndarray) for `table`, but `weights` is an ndarray"]),
    ])
    func bindingProjections(_ function: String, _ step: String, _ expected: [String]) {
        #expect(frontEnd(Self.file(functions: function, step: step)).filter { !$0.contains("is not used") } == expected)
    }

    /// An astral character before the path on the same line moves the error's column by exactly one.
    @Test(arguments: [
        "s: {lint: {ignore: [PL001], reason: \"↓\"}, map_blocks: g, over: [x], args: [\"edges[40]\"]}",
        "s: {lint: {ignore: [PL001], reason: \"↓\"}, map_blocks: g, over: [x], args: [\"mapper.series[:, 0]\"]}",
        "s: {lint: {ignore: [PL001], reason: \"↓\"}, map_blocks: g, over: [x], args: [\"edges[1:2:0]\"]}",
        "s: {lint: {ignore: [PL001], reason: \"↓\"}, map_blocks: g, over: [x], args: [edges[-1]]}",
    ])
    func astralPrefixMovesColumnByOne(_ step: String) throws {
        try expectAstralPrefixMovesColumnByOne(Self.file(step: step))
    }

    @Test func pathsParseToTypedSegments() throws {
        func parsed(_ s: String) -> FieldPath? { try? PathSyntax.parse(s, isIdentifier: { !$0.isEmpty && !$0.contains("[") }).get().path }
        #expect(parsed("m.series.iloc[-1]") == [.field("series"), .iloc([.index(-1)])])
        #expect(parsed("w[:, 0]") == [.subscript([.slice(start: nil, stop: nil, step: nil), .index(0)])])
        #expect(parsed("e[1:10:2]") == [.subscript([.slice(start: 1, stop: 10, step: 2)])])
        #expect(parsed("e[::-1]") == [.subscript([.slice(start: nil, stop: nil, step: -1)])])
        #expect(parsed("m.iloc") == [.field("iloc")])
        // After a subscript only `.` or `[` may follow: a stray `]` or a name is malformed, never a crash.
        #expect(parsed("e[0][1]]2[") == nil)
        #expect(parsed("e[0]x") == nil)
        #expect(parsed("e[0]]") == nil)
        #expect(parsed("e[0][1]") == [.subscript([.index(0)]), .subscript([.index(1)])])
        #expect(FieldPath([.field("series"), .iloc([.slice(start: 1, stop: nil, step: 2)])]).applied(to: "m") == "m.series.iloc[1::2]")
    }

    /// Python's `slice.indices` and numpy's negative positions.
    @Test(arguments: [
        (FieldPath.Subscript.slice(start: nil, stop: nil, step: nil), 10, 0, 1, 10),
        (.slice(start: 1, stop: 10, step: 2), 10, 1, 2, 5),
        (.slice(start: nil, stop: nil, step: -1), 10, 9, -1, 10),
        (.slice(start: -3, stop: nil, step: nil), 10, 7, 1, 3),
        (.slice(start: 20, stop: 30, step: nil), 10, 10, 1, 0),
        (.slice(start: 8, stop: 2, step: -3), 10, 8, -3, 2),
        (.slice(start: -100, stop: 100, step: 3), 10, 0, 3, 4),
    ])
    func slicesFollowPython(_ s: FieldPath.Subscript, _ n: Int, _ start: Int, _ step: Int, _ count: Int) throws {
        let sel = try #require(s.sliceSelection(length: n))
        #expect(sel.start == start && sel.step == step && sel.count == count)
    }

    @Test func projectedRecipesSizeTheProjection() throws {
        let weights = Recipe.ndarray(NDArrayRecipe(shape: [5000, 16], dtype: .float64))
        guard case .ndarray(let column)? = weights.projected(through: [.subscript([.slice(start: nil, stop: nil, step: nil), .index(0)])]) else {
            Issue.record("a column is an ndarray")
            return
        }
        #expect(column.shape == [5000] && column.isStridedView)
        guard case .ndarray(let row)? = weights.projected(through: [.subscript([.index(0)])]) else {
            Issue.record("a row is an ndarray")
            return
        }
        #expect(row.shape == [16] && !row.isStridedView)
        guard case .ndarray(let everyOther)? = weights.projected(through: [.subscript([.slice(start: nil, stop: nil, step: 2)])]) else {
            Issue.record("every other row is an ndarray")
            return
        }
        #expect(everyOther.shape == [2500, 16] && everyOther.isStridedView)
        guard case .element(.float64, false)? = weights.projected(through: [.subscript([.index(-1), .index(-1)])]) else {
            Issue.record("two indices take an element")
            return
        }
        let series = Recipe.series(SeriesRecipe(source: .values([.int(5), .int(6), .int(7), .int(8)]), dtype: .int64))
        guard case .series(let s)? = series.projected(through: [.iloc([.slice(start: nil, stop: nil, step: -2)])]) else {
            Issue.record("a slice of a Series is a Series")
            return
        }
        #expect(s.source == .values([.int(8), .int(6)]))
        #expect(s.isStridedView && s.rangeStart == 3 && s.rangeStep == -2)
        #expect(series.projected(through: [.subscript([.index(-1)])]) == nil)
        #expect(series.projected(through: [.iloc([.index(-1)])]) != nil)
    }
}

/// Opaque fields (format 1.1): a `python:` factory with its declared `size` as a field of a class.
@Suite struct OpaqueFieldTests {
    static func file(version: String = "1.1", field: String) -> String {
        """
        pipeline: t
        version: \(version)
        objects:
          model: {class: Model, fields: {w: {ndarray: {shape: [8]}}, tok: \(field)}, methods: {score: {kernel: take, with: {table: self.w}}}}
        arrays:
          x: {shape: [100], chunks: [10], dtype: int64, source: range}
        steps:
          s: {map_blocks: model.score, over: [x]}

        """
    }

    @Test(arguments: [
        ("1.1", "{python: \"textkit.tokenizers:load_default\", size: 3MB}", [String]()),
        ("1.1", "{python: \"textkit.tokenizers:load_default\"}", []),
        ("1", "{python: \"textkit.tokenizers:load_default\", size: 3MB}",
         ["4:68: an opaque `python` field needs format version 1.1; this file declares `version: 1`",
          "4:111: unknown key `size` in field `tok`"]),
        ("1.1", "{python: \"not a ref\", size: 3MB}", ["4:77: `python` must name a factory as `package.module:function`, not `not a ref`"]),
        ("1.1", "{ndarray: {shape: [8]}, size: 3MB}", ["4:91: `size` is declared only for `python` objects (other recipes are sized from the recipe)"]),
    ])
    func opaqueFields(_ version: String, _ field: String, _ expected: [String]) {
        #expect(frontEnd(Self.file(version: version, field: field)) == expected)
    }

    @Test func theDeclaredSizeIsPartOfTheInstance() throws {
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: Self.file(field: "{python: \"textkit.tokenizers:load_default\", size: 3MB}")))
        let model = try #require(loaded.pipeline?.object(named: "model"))
        guard case .instance(let i) = model.recipe, case .python(let factory, let size)? = i.field("tok")?.recipe else {
            Issue.record("the field is an opaque Python object")
            return
        }
        #expect(factory == "textkit.tokenizers:load_default")
        #expect(size == 3_000_000)
        #expect(!model.recipe.isSelfContained)
    }
}
