import PipelineIR
import Testing
@testable import PipelineYAML

/// Format 1.1: the version key, functions that carry objects, callable instances —
/// each error at its exact position, and the resolved call site.
@Suite struct FormatOneOneTests {
    static func file(version: String = "1.1", functions: String, step: String) -> String {
        """
        pipeline: t
        version: \(version)
        objects:
          lookup: {series: {range: 30000, dtype: int64}}
          scorer: {class: Scorer, fields: {table: {series: {range: 10}}}, methods: {lookup: {kernel: take, with: {table: self.table}}}}
          delayed_one: {series: {range: 10}, placement: delayed}
          n: {value: 3}
        functions:
          \(functions)
        arrays:
          x: {shape: [100], chunks: [10], dtype: int64, source: range}
        steps:
          \(step)

        """
    }

    @Test(arguments: [
        ("1.1", [String]()), ("\"1.1\"", []), ("1", []),
        ("1.10", ["2:10: format version `1.10` reads as the number 1.1 in YAML; write it exactly as `1.1`"]),
        // 1.2 (DataFrames) is additive: a 1.1 file means the same under it.
        ("1.2", []), ("\"1.2\"", []),
        ("1.3", ["2:10: unsupported format version `1.3`; this pipelint reads versions 1, 1.1 and 1.2"]),
        ("2", ["2:10: unsupported format version 2; this pipelint reads versions 1, 1.1 and 1.2"]),
        ("[1]", ["2:10: `version` must be `1`, `1.1` or `1.2`, not a list"]),
    ])
    func versionIsReadByItsText(_ version: String, _ expected: [String]) {
        #expect(frontEnd(Self.file(version: version, functions: "f: {params: [block], kernel: abs}", step: "s: {map_blocks: f, over: [x]}")) == expected)
    }

    @Test(arguments: [
        // 1.1 syntax in a version 1 file: located, and the rest is still checked as 1.1.
        ("f: {params: [block], kernel: take, partial: {table: lookup}}", "s: {map_blocks: f, over: [x]}", "1",
         ["9:38: `partial` needs format version 1.1; this file declares `version: 1`"]),
        ("f: {params: [block], kernel: abs}", "s: {map_blocks: scorer, over: [x]}", "1",
         ["13:19: calling an object (a callable instance) needs format version 1.1; this file declares `version: 1`"]),
        ("f: {params: [block], kernel: take, partial: {table: lokup}}", "s: {map_blocks: f, over: [x]}", "1.1",
         ["9:55: `lokup` is not an object"]),
        ("f: {params: [block, table], kernel: take, partial: {table: lookup}}", "s: {map_blocks: f, over: [x], args: [lookup]}", "1.1",
         ["9:55: `table` is both a parameter of function `f` and carried by its `partial`"]),
        ("f: {params: [block], kernel: take, partial: {table: delayed_one}}", "s: {map_blocks: f, over: [x]}", "1.1",
         ["9:55: function `f` carries object `delayed_one`, which is delayed: Dask never unpacks a function, so the task would receive the Delayed itself"]),
        ("f: {params: [block], kernel: take, partial: {table: lookup}}", "s: {map_blocks: f, over: [x], kwargs: {table: lookup}}", "1.1",
         ["13:42: parameter `table` of `f` is carried by the function (functools.partial); a step cannot pass it"]),
        ("f: {params: [block], kernel: take, with: {table: t.nope}, closure: {t: scorer}}", "s: {map_blocks: f, over: [x]}", "1.1",
         ["9:74: class `Scorer` has no field `nope`"]),
        ("f: {params: [block], python: pkg.mod:f, globals: {t: lookup}}", "s: {map_blocks: f, over: [x]}", "1.1",
         ["9:43: `globals` needs a `kernel` function: an importable module's globals are not shipped with its functions (each worker imports the module)"]),
        ("f: {params: [block], kernel: abs}", "s: {map_blocks: scorer, over: [x]}", "1.1",
         ["13:19: object `scorer` is not callable: class `Scorer` declares no `__call__` method"]),
        ("f: {params: [block], kernel: abs}", "s: {map_blocks: lookup, over: [x]}", "1.1",
         ["13:19: object `lookup` is a Series, which cannot be called"]),
        ("f: {params: [block], kernel: take, closure: {t: n}}", "s: {map_blocks: f, over: [x]}", "1.1",
         ["9:51: kernel `take` needs a table (a Series or 1-D ndarray) for `table`, but `n` is a literal"]),
        ("f: {params: [block], kernel: take, partial: {table: lookup.values}}", "s: {map_blocks: f, over: [x]}", "1.1",
         ["9:55: `lookup.values`: `lookup` is a Series, which has no field `values`"]),
        ("f: {params: [block], kernel: take, partial: [lookup]}", "s: {map_blocks: f, over: [x]}", "1.1",
         ["9:47: `partial` must be a mapping, not a list"]),
        ("f: {params: [block], kernel: take, partial: {table: 3}}", "s: {map_blocks: f, over: [x]}", "1.1",
         ["9:55: a carried value must be an object name or a field path, not an integer"]),
        ("f: {params: [block], kernel: take, partial: {table: 'lookup..x'}}", "s: {map_blocks: f, over: [x]}", "1.1",
         ["9:56: field path `lookup..x` is malformed"]),
    ])
    func carriedErrors(_ function: String, _ step: String, _ version: String, _ expected: [String]) {
        #expect(frontEnd(Self.file(version: version, functions: function, step: step)).filter { !$0.contains("is not used") } == expected)
    }

    /// An astral character before the offending token (in a suppression's reason on the same
    /// line) moves the error's column by exactly one: columns count code points.
    @Test(arguments: [
        ("f: {lint: {ignore: [PL001], reason: \"↓\"}, params: [block], kernel: take, partial: {table: lokup}}", "s: {map_blocks: f, over: [x]}"),
        ("f: {params: [block], kernel: abs}", "s: {lint: {ignore: [PL001], reason: \"↓\"}, map_blocks: lookup, over: [x]}"),
        ("f: {params: [block], kernel: take, partial: {table: lookup}}", "s: {lint: {ignore: [PL001], reason: \"↓\"}, map_blocks: f, over: [x], kwargs: {table: lookup}}"),
        ("f: {lint: {ignore: [PL001], reason: \"↓\"}, params: [block], kernel: take, partial: {table: \"lookup.values\"}}", "s: {map_blocks: f, over: [x]}"),
    ])
    func astralPrefixMovesColumnByOne(_ function: String, _ step: String) throws {
        try expectAstralPrefixMovesColumnByOne(Self.file(functions: function, step: step))
    }

    @Test func aCarriedObjectIsAnObjectEdgeOfTheFunction() throws {
        let text = Self.file(functions: "f: {params: [block], kernel: take, with: {table: t.table}, closure: {t: scorer}}", step: "s: {map_blocks: f, over: [x]}")
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: text))
        #expect(loaded.diagnostics.filter { $0.severity == .error }.isEmpty)
        let graph = try #require(loaded.graph)
        let layer = try #require(graph.layer(named: "s"))
        #expect(layer.inputs.map(\.role) == [.block(0), .carried(.closure, name: "t")])
        let call = try #require(layer.call)
        #expect(call.arguments.map(\.role) == [.block(0), .carried(.closure, name: "t")])
        #expect(call.operand(ofKernelParameter: 1, inputs: layer.inputs) == .object(edge: 1, inside: ["table"]))
        #expect(call.function.calledParamCount == 1)
    }

    @Test func aCallableInstanceIsItsOwnFunction() throws {
        let text = Self.file(functions: "f: {params: [block], kernel: abs}", step: "s: {map_blocks: scorer, over: [x]}")
            .replacingOccurrences(of: "methods: {lookup:", with: "methods: {__call__:")
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: text))
        let graph = try #require(loaded.graph)
        let call = try #require(graph.layer(named: "s")?.call)
        #expect(call.isCallableInstance)
        #expect(!call.isMethod)
        #expect(call.arguments.map(\.role) == [.carried(.instance, name: "self"), .block(0)])
    }
}
