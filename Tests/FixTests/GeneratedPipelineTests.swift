import Foundation
import Lint
import Optimizer
import PipelineIR
import PipelineYAML
import Testing

/// Property tests over seeded generated pipelines (block and flow mappings,
/// comments before, inside and after them, block scalars, quoted keys,
/// anchors and aliases, CRLF, a BOM, no final newline). The generator writes
/// the exact expected fixed text next to the original, so "bytes outside the
/// edit are unchanged" is checked byte for byte. Set `PIPELINT_FUZZ_SEED` to
/// start from another seed; a failure prints its seed.
@Suite struct GeneratedPipelineTests {
    static let base: UInt64 = ProcessInfo.processInfo.environment["PIPELINT_FUZZ_SEED"].flatMap { UInt64($0) } ?? 1
    static let count: UInt64 = 1000

    @Test func fixesOfGeneratedPipelinesAreExactIdempotentAndMeanTheRewrite() {
        var failures: [String] = []
        var features: [String: Int] = [:]
        for seed in Self.base..<(Self.base + Self.count) where failures.count < 3 {
            let placement: Placement = seed % 4 == 0 ? .scatter : .delayed
            let c = PipelineGenerator.make(seed: seed, placement: placement.rawValue)
            for f in Set(c.features) { features[f, default: 0] += 1 }
            if let problem = check(c, placement: placement) {
                failures.append("seed \(seed) \(c.features): \(problem)\n--- original\n\(String(decoding: c.original, as: UTF8.self))\n--- expected\n\(String(decoding: c.expected, as: UTF8.self))")
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n\n"))")
        // The generator really produces every layout it claims to.
        for f in ["crlf", "bom", "no-final-newline", "alias", "anchor", "flow", "multi-line-flow", "block", "nested-block",
                  "quoted-key", "block-scalar-keep", "block-scalar-blank", "comment-after", "existing-placement", "objects-last"] {
            #expect(features[f, default: 0] >= 10, "feature \(f) generated only \(features[f, default: 0]) times")
        }
    }

    /// The first property that does not hold, or nil.
    func check(_ c: PipelineGenerator.Case, placement: Placement) -> String? {
        let src = SourceFile(path: "gen.yaml", bytes: c.original)
        let e = engine(unsafe: true, prefer: placement == .scatter ? .scatter : nil)
        let outcome = e.fix(src)
        if let f = outcome.failure { return "fix failed: \(f)" }
        if outcome.fixed != c.expected {
            if let err = e.linter.lint(src).findings.first(where: { $0.severity == .error }) {
                return "the generated original is invalid: \(src.position(of: err.range.start)): \(err.message)"
            }
            return "fixed text differs:\n--- got\n\(String(decoding: outcome.fixed, as: UTF8.self))"
        }
        // `remaining` is the lint of the fixed text.
        let after = outcome.remaining.findings
        if let err = after.first(where: { $0.severity == .error }) { return "the fixed text is invalid: \(err.message)" }
        if after.contains(where: { $0.code.id == "PL001" }) { return "PL001 still fires after the fix" }
        // Idempotent: a second run finds nothing to apply (every tenth case runs it for real).
        if after.contains(where: { e.chosenFix($0) != nil }) { return "the fix is not idempotent" }
        if c.seed % 10 == 0, e.fix(SourceFile(path: "gen.yaml", bytes: outcome.fixed)).changed { return "the fix is not idempotent" }
        let decided = Dictionary(outcome.applied.flatMap(\.fix.placements).map { ($0.object, $0.placement.rawValue) }, uniquingKeysWith: { a, _ in a })
        if decided != c.decisions { return "recorded decisions \(decided) ≠ expected \(c.decisions)" }
        let ir = rewriteMatchesTextFix(original: c.original, outcome: outcome)
        if !ir.ok { return "IR: \(ir.detail)" }
        return nil
    }
}
