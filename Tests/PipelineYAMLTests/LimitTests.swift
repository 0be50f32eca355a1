import Foundation
import PipelineIR
import Testing
@testable import PipelineYAML

/// Each `ParseLimits` limit exactly at its value (accepted) and one past it (a
/// located error), with custom values and, where cheap, the defaults. The
/// configuration-file path is tested in LintTests/ConfigurationLimitTests.
@Suite struct LimitTests {
    /// The errors of the front end only (PL900), ignoring the missing-key noise of non-pipelines.
    func yamlErrors(_ text: String, _ limits: ParseLimits) -> [String] {
        let src = SourceFile(path: "t.yaml", text: text)
        return LoadedPipeline.load(src, limits: limits).diagnostics.filter { $0.code == .invalidYAML }
            .map { "\(src.position(of: $0.range.start)): \($0.message)" }
    }

    @Test func documentedDefaults() {
        let d = ParseLimits.default
        #expect(d.maxFileBytes == 67_108_864)
        #expect(d.aliasExpansionBudget == 100_000)
        #expect(d.maxDepth == 64)
        #expect(d.maxScalarBytes == 16_777_216)
        #expect(d.maxNodes == 1_000_000)
    }

    @Test func maxNodes() {
        // The mapping, `a`, the list and its two items: 5 nodes; the error is at the first one past.
        #expect(yamlErrors("a: [1, 2]\n", ParseLimits(maxNodes: 5)) == [])
        #expect(yamlErrors("a: [1, 2]\n", ParseLimits(maxNodes: 4)) == ["1:8: more than 4 YAML nodes"])
        #expect(yamlErrors("a: [1, 2]\n", ParseLimits(maxNodes: 2)) == ["1:4: more than 2 YAML nodes"])
        // An alias is a node (what it stands for is the expansion budget's).
        #expect(yamlErrors("a: &x 1\nb: *x\n", ParseLimits(maxNodes: 4)) == ["2:4: more than 4 YAML nodes"])
    }

    /// A `partitions:` list of 999,997 entries is the default's 1,000,000 nodes (mapping, key, list);
    /// one more entry is an error at that entry, before anything else is built.
    @Test func maxNodesDefault() {
        func list(_ n: Int) -> String { "p: [" + String(repeating: "1, ", count: n - 1) + "1]\n" }
        #expect(yamlErrors(list(999_997), .default) == [])
        #expect(yamlErrors(list(999_998), .default) == ["1:2999996: more than 1000000 YAML nodes"])
    }

    @Test func maxFileBytes() {
        // "a: 1\n" is 5 bytes.
        #expect(yamlErrors("a: 1\n", ParseLimits(maxFileBytes: 5)) == [])
        #expect(yamlErrors("a: 1\n", ParseLimits(maxFileBytes: 4)) == ["1:1: file is 5 bytes, over the 4-byte limit"])
    }

    @Test func maxScalarBytes() {
        #expect(yamlErrors("a: 12345\n", ParseLimits(maxScalarBytes: 5)) == [])
        #expect(yamlErrors("a: 12345\n", ParseLimits(maxScalarBytes: 4)) == ["1:4: scalar of 5 bytes is over the 4-byte limit"])
        // The limit is on the decoded value: a quoted scalar's quotes do not count, an escape counts once.
        #expect(yamlErrors("a: \"1\\t345\"\n", ParseLimits(maxScalarBytes: 5)) == [])
        #expect(yamlErrors("a: \"1\\t3456\"\n", ParseLimits(maxScalarBytes: 5)) == ["1:4: scalar of 6 bytes is over the 5-byte limit"])
    }

    @Test func maxScalarBytesDefault() {
        let limit = ParseLimits.default.maxScalarBytes
        let at = "a: " + String(repeating: "x", count: limit) + "\n"
        let past = "a: " + String(repeating: "x", count: limit + 1) + "\n"
        #expect(yamlErrors(at, .default) == [])
        #expect(yamlErrors(past, .default) == ["1:4: scalar of 16777217 bytes is over the 16777216-byte limit"])
    }

    @Test func maxDepth() {
        // The root mapping is level 1, each `[` one more.
        #expect(yamlErrors("a: [[1]]\n", ParseLimits(maxDepth: 3)) == [])
        #expect(yamlErrors("a: [[1]]\n", ParseLimits(maxDepth: 2)) == ["1:5: nesting deeper than 2 levels"])
        #expect(yamlErrors("a:\n  b:\n    c: 1\n", ParseLimits(maxDepth: 3)) == [])
        #expect(yamlErrors("a:\n  b:\n    c: 1\n", ParseLimits(maxDepth: 2)) == ["3:5: nesting deeper than 2 levels"])
    }

    /// A limit over the ceiling acts as the ceiling: 1000 levels pass, 1001 do not.
    @Test func maxDepthCeiling() {
        func nested(_ n: Int) -> String { "a: " + String(repeating: "[", count: n - 1) + String(repeating: "]", count: n - 1) + "\n" }
        let raised = ParseLimits(maxDepth: 1_000_000)
        #expect(yamlErrors(nested(1000), raised) == [])
        #expect(yamlErrors(nested(1001), raised) == ["1:1003: nesting deeper than 1000 levels"])
    }

    @Test func maxDepthDefault() {
        let at = "a: " + String(repeating: "[", count: 63) + String(repeating: "]", count: 63) + "\n"
        let past = "a: " + String(repeating: "[", count: 64) + String(repeating: "]", count: 64) + "\n"
        #expect(yamlErrors(at, .default) == [])
        #expect(yamlErrors(past, .default) == ["1:67: nesting deeper than 64 levels"])
    }

    @Test func aliasExpansionBudget() {
        // `*a` stands for 3 nodes: the list and its two items.
        let text = "a: &a [1, 2]\nb: *a\n"
        #expect(yamlErrors(text, ParseLimits(aliasExpansionBudget: 3)) == [])
        #expect(yamlErrors(text, ParseLimits(aliasExpansionBudget: 2)) == ["2:4: alias `*a` expands past the budget of 2 nodes (an alias bomb?)"])
        // The budget is per file: two aliases of 3 nodes each need 6.
        let twice = "a: &a [1, 2]\nb: *a\nc: *a\n"
        #expect(yamlErrors(twice, ParseLimits(aliasExpansionBudget: 6)) == [])
        #expect(yamlErrors(twice, ParseLimits(aliasExpansionBudget: 5)) == ["3:4: alias `*a` expands past the budget of 5 nodes (an alias bomb?)"])
    }

    @Test func aliasExpansionBudgetDefault() {
        func file(items: Int) -> String { "a: &a [" + Array(repeating: "x", count: items).joined(separator: ",") + "]\nb: *a\n" }
        #expect(yamlErrors(file(items: 99_999), .default) == [])
        #expect(yamlErrors(file(items: 100_000), .default) == ["2:4: alias `*a` expands past the budget of 100000 nodes (an alias bomb?)"])
    }
}

/// A numpy array (an ndarray object, or one chunk of an array) whose byte size
/// does not fit in 64 bits is an error at its shape or chunks.
@Suite struct ArraySizeOverflowTests {
    func diagnostics(_ text: String) -> [String] {
        let src = SourceFile(path: "t.yaml", text: "pipeline: t\nversion: 1\n" + text + "steps: {}\n")
        return LoadedPipeline.load(src).diagnostics.map { "\(src.position(of: $0.range.start)): \($0.message)" }
    }

    @Test func ndarrayAtAndPastTwoToThe63Bytes() {
        // 8 × (2^60 − 1) = 2^63 − 8 bytes fits; 8 × 2^60 = 2^63 does not.
        #expect(diagnostics("objects:\n  n: {ndarray: {shape: [1152921504606846975], dtype: float64}}\n") == [])
        #expect(diagnostics("objects:\n  n: {ndarray: {shape: [1152921504606846976], dtype: float64}}\n")
            == ["4:24: an ndarray of shape [1152921504606846976] and dtype float64 is over 2^63 bytes; numpy cannot create an array this large"])
        // The same element count of one-byte items fits.
        #expect(diagnostics("objects:\n  n: {ndarray: {shape: [1152921504606846976], dtype: int8}}\n") == [])
        // A zero dimension makes the array empty, whatever the others.
        #expect(diagnostics("objects:\n  n: {ndarray: {shape: [9223372036854775807, 9223372036854775807, 0]}}\n") == [])
    }

    @Test func arrayChunkAtAndPastTwoToThe63Bytes() {
        // A chunk of 2^32 × (2^31 − 1) one-byte items fits; two-byte items do not.
        let atLimit = "arrays:\n  x: {shape: [4294967296, 2147483647], chunks: [4294967296, 2147483647], dtype: int8}\n"
        #expect(diagnostics(atLimit) == [])
        #expect(diagnostics(atLimit.replacingOccurrences(of: "int8", with: "int16"))
            == ["4:48: array `x` has chunks of shape [4294967296, 2147483647] and dtype int16, over 2^63 bytes each; numpy cannot create a chunk this large"])
        // A huge array of small chunks is fine: Dask keeps shapes as Python ints, the counts saturate.
        #expect(diagnostics("arrays:\n  x: {shape: [9223372036854775807, 9223372036854775807], chunks: [1, 1], dtype: int16}\n") == [])
    }
}
