import PipelineIR
import Testing
@testable import PipelineYAML

/// Format 1.1 dtypes (complex, nanosecond datetimes and durations) and broadcasting:
/// each error at its exact position, and the result types numpy gives.
@Suite struct DTypeBroadcastTests {
    static func file(version: String = "1.1", functions: String, steps: String) -> String {
        """
        pipeline: t
        version: \(version)
        objects:
          edges: {ndarray: {shape: [4], dtype: "datetime64[ns]", fill: range}}
          curve: {ndarray: {shape: [8], dtype: complex128, fill: ones}}
          column: {ndarray: {shape: [10, 1], dtype: float64, fill: ones}}
          wrong: {ndarray: {shape: [9], dtype: float64}}
          long: {ndarray: {shape: [20, 1], dtype: float64}}
        functions:
          \(functions)
        arrays:
          t: {shape: [100], chunks: [10], dtype: "datetime64[ns]", source: range}
          d: {shape: [100], chunks: [10], dtype: "timedelta64[ns]", source: range}
          z: {shape: [20, 8], chunks: [10, 8], dtype: complex64, source: zeros}
          row: {shape: [1, 8], chunks: [1, 8], dtype: float64, source: ones}
          tall: {shape: [20, 3], chunks: [10, 3], dtype: float64, source: ones}
        steps:
          \(steps)

        """
    }

    static let binary = "f: {params: [a, b], kernel: add}\n  g: {params: [a, b], kernel: sub}\n  m: {params: [a, b], kernel: mul}\n  r: {params: [a], kernel: sqrt}"

    @Test(arguments: [
        // numpy refuses these operand types: located at the function the step calls.
        ("s: {map_blocks: f, over: [t, t]}", ["21:19: kernel `add` is not defined for `x` datetime64[ns], `y` datetime64[ns]: numpy refuses these operand types"]),
        ("s: {map_blocks: m, over: [t, d]}", ["21:19: kernel `mul` is not defined for `x` datetime64[ns], `y` timedelta64[ns]: numpy refuses these operand types"]),
        ("s: {map_blocks: r, over: [d]}", ["21:19: kernel `sqrt` is not defined for `x` timedelta64[ns]: numpy refuses these operand types"]),
        ("s: {map_blocks: f, over: [t], args: [2.5]}", ["21:19: kernel `add` is not defined for `x` datetime64[ns], `y` float64: numpy refuses these operand types"]),
        ("s: {map_blocks: f, over: [z, d]}", ["21:19: kernel `add` is not defined for `x` complex128, `y` timedelta64[ns]: numpy refuses these operand types",
                                              "21:32: `d` has 1 dimension but `z` has 2: the arrays a step maps over need the same number of dimensions"]),
        // What numpy accepts.
        ("s: {map_blocks: g, over: [t, t]}", []),
        ("s: {map_blocks: f, over: [t, d]}", []),
        ("s: {map_blocks: m, over: [z], args: [curve]}", []),
        ("s: {map_blocks: f, over: [z, row]}", []),
        ("s: {map_blocks: f, over: [tall], args: [column]}", []),
        // Broadcasting mismatches: located at `over`.
        ("s: {map_blocks: f, over: [z], args: [wrong]}",
         ["21:29: `wrong` has shape (9,), which does not broadcast with the blocks of `z` (10, 8): numpy broadcasts a whole ndarray against each block, so each of its dimensions must be 1 or the block's"]),
        ("s: {map_blocks: f, over: [z], args: [column]}", []),
        ("s: {map_blocks: f, over: [z], args: [long]}",
         ["21:29: `long` has shape (20, 1), which does not broadcast with the blocks of `z` (10, 8): numpy broadcasts a whole ndarray against each block, so each of its dimensions must be 1 or the block's"]),
        ("s: {map_blocks: f, over: [z, tall]}", ["21:32: `tall` has shape (20, 3), which does not broadcast with `z`'s (20, 8)"]),
        // A later step over a refused one gets no follow-on error (and nothing crashes).
        ("s: {map_blocks: f, over: [z], args: [wrong]}\n  u: {map_blocks: r, over: [s]}\n  v: {map_blocks: f, over: [t, t]}\n  w: {map_blocks: r, over: [v]}",
         ["21:29: `wrong` has shape (9,), which does not broadcast with the blocks of `z` (10, 8): numpy broadcasts a whole ndarray against each block, so each of its dimensions must be 1 or the block's",
          "23:19: kernel `add` is not defined for `x` datetime64[ns], `y` datetime64[ns]: numpy refuses these operand types"]),
    ])
    func operandsAsNumpyDecides(_ steps: String, _ expected: [String]) {
        #expect(frontEnd(Self.file(functions: Self.binary, steps: steps)).filter { !$0.contains("is not used") } == expected)
    }

    @Test func resultTypesFollowNumpy() throws {
        let text = Self.file(functions: Self.binary, steps: "a: {map_blocks: g, over: [t, t]}\n  b: {map_blocks: f, over: [t, d]}\n  c: {map_blocks: m, over: [z], args: [curve]}\n  e: {map_blocks: f, over: [z, row]}")
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: text))
        let graph = try #require(loaded.graph)
        #expect(["a", "b", "c", "e"].map { graph.layer(named: $0).flatMap { graph.storage(of: $0) } } == [.timedelta64, .datetime64, .complex128, .complex128])
        // A dimension of length 1 takes the other input's chunks.
        #expect(graph.layer(named: "e")?.grid.shape == [20, 8])
    }

    @Test(arguments: [
        ("edges: {ndarray: {shape: [4], dtype: \"datetime64[ns]\", fill: range}}", "5:40: dtype `datetime64[ns]` needs format version 1.1; this file declares `version: 1`"),
        ("edges: {series: {range: 4, dtype: complex64}}", "5:37: dtype `complex64` needs format version 1.1; this file declares `version: 1`"),
    ])
    func newDTypesNeedFormat11(_ object: String, _ expected: String) {
        let text = """
        pipeline: t
        version: 1
        objects:
          a: {value: 1}
          \(object)
        functions:
          f: {params: [block], kernel: abs}
        arrays:
          x: {shape: [10], chunks: [5], dtype: int64, source: range}
        steps:
          s: {map_blocks: f, over: [x]}

        """
        #expect(frontEnd(text).filter { !$0.contains("is not used") } == [expected])
    }

    @Test func anNDArrayOperandNeedsFormat11() {
        let text = Self.file(version: "1", functions: "f: {params: [a, b], kernel: add}", steps: "s: {map_blocks: f, over: [tall], args: [column]}")
            .replacingOccurrences(of: "  edges: {ndarray: {shape: [4], dtype: \"datetime64[ns]\", fill: range}}\n  curve: {ndarray: {shape: [8], dtype: complex128, fill: ones}}\n", with: "")
            .replacingOccurrences(of: "  t: {shape: [100], chunks: [10], dtype: \"datetime64[ns]\", source: range}\n  d: {shape: [100], chunks: [10], dtype: \"timedelta64[ns]\", source: range}\n  z: {shape: [20, 8], chunks: [10, 8], dtype: complex64, source: zeros}\n", with: "")
        #expect(frontEnd(text).filter { !$0.contains("is not used") }
            == ["13:43: an ndarray operand broadcast against each block (`column` for `y` of kernel `add`) needs format version 1.1; this file declares `version: 1`"])
    }

    /// An astral character before the offending token moves the error's column by exactly one.
    @Test(arguments: [
        "s: {lint: {ignore: [PL001], reason: \"↓\"}, map_blocks: f, over: [t, t]}",
        "s: {lint: {ignore: [PL001], reason: \"↓\"}, map_blocks: f, over: [z], args: [wrong]}",
        "s: {lint: {ignore: [PL001], reason: \"↓\"}, map_blocks: f, over: [z, tall]}",
    ])
    func astralPrefixMovesColumnByOne(_ step: String) throws {
        try expectAstralPrefixMovesColumnByOne(Self.file(functions: Self.binary, steps: step))
    }
}
