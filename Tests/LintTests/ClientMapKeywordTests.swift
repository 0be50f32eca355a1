import Lint
import PipelineIR
import PipelineYAML
import Rules
import Testing

/// PL017 at the boundary measured with distributed 2026.8.0: a float64 ndarray keyword of
/// 12,500 elements (dask.sizeof 100,000) runs, one of 12,501 (100,008) is wrapped and fails.
/// Positional arguments are never wrapped (PL001's business), nor is anything in a `delayed` loop.
@Suite struct ClientMapKeywordTests {
    static func file(elements: Int, step: String = "s: {map: f, items: {range: 8}, args: [item], kwargs: {table: curve}}") -> String {
        """
        pipeline: t
        version: 1.1
        cluster: {scheduler: distributed, workers: 2}
        objects:
          curve: {ndarray: {shape: [\(elements)]}}
        functions:
          f: {params: [i, table], kernel: take}
        steps:
          \(step)

        """
    }

    func findings(_ text: String) -> [String] {
        let src = SourceFile(path: "t.yaml", text: text)
        return Linter(rules: makeAllRules()).lint(src).findings.filter { $0.code.id == "PL017" || $0.code.id == "PL001" }
            .map { "\(src.position(of: $0.range.start)): \($0.code.id) \($0.severity)" }
    }

    @Test func theBoundaryIsDaskSizeofOver1e5() {
        // Not wrapped: the keyword is copied into each of the 8 tasks (100 kB each), PL001's finding.
        #expect(findings(Self.file(elements: 12_500)) == ["9:64: PL001 warning"])
        #expect(findings(Self.file(elements: 12_501)) == ["9:64: PL017 error"])
    }

    @Test func positionalAndDelayedArgumentsAreNeverWrapped() {
        let positional = Self.file(elements: 200_000, step: "s: {map: f, items: {range: 8}, args: [item, curve]}")
        #expect(findings(positional) == ["9:47: PL001 warning"])
        let delayed = Self.file(elements: 200_000, step: "s: {delayed: f, items: {range: 8}, args: [item], kwargs: {table: curve}}")
        #expect(findings(delayed) == ["9:68: PL001 warning"])
    }
}
