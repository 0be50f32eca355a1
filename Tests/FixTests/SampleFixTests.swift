import Foundation
import Lint
import Optimizer
import PipelineIR
import PipelineYAML
import Testing

/// On every sample: "apply the text fix, then lower" equals "lower, then run
/// the placement rewrite with the decision the fix recorded", and the fix is
/// idempotent and leaves a valid pipeline on which PL001 is silent.
@Suite struct SampleFixTests {
    static let samples: [String] = {
        let dir = repoRoot.appendingPathComponent("samples")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    @Test(arguments: samples, [Placement.delayed, .scatter])
    func textFixMeansTheRewrite(_ name: String, _ placement: Placement) throws {
        let bytes = [UInt8](try Data(contentsOf: repoRoot.appendingPathComponent("samples/\(name)")))
        let e = engine(unsafe: true, prefer: placement == .scatter ? .scatter : nil)
        let outcome = e.fix(SourceFile(path: name, bytes: bytes))
        #expect(outcome.failure == nil)
        let ir = rewriteMatchesTextFix(original: bytes, outcome: outcome)
        #expect(ir.ok, "\(ir.detail)")
        // An object a function carries has a display-only fix, and on the processes scheduler nothing the
        // file can say stops the copies (model-weights): PL001 stays, nothing changes.
        let keeps = ["carried-partial.yaml", "carried-closure.yaml", "carried-global.yaml", "model-weights.yaml"].contains(name)
        #expect(outcome.remaining.findings.contains { $0.code.id == "PL001" } == keeps)
        #expect(!e.fix(SourceFile(path: name, bytes: outcome.fixed)).changed)
        let expectFix = ["seed-argument.yaml", "seed-method.yaml", "seed-reduction.yaml", "callable-instance.yaml"].contains(name)
        #expect(outcome.changed == expectFix)
        if expectFix {
            #expect(outcome.applied.flatMap(\.fix.placements).map(\.placement) == [placement])
        }
    }

    @Test func theFixedSeedIsTheDelayedSampleUpToItsNameAndComment() throws {
        // samples/seed-delayed.yaml was written by hand as "seed-argument after the safe fix".
        let seed = try String(contentsOf: repoRoot.appendingPathComponent("samples/seed-argument.yaml"), encoding: .utf8)
        let delayed = try String(contentsOf: repoRoot.appendingPathComponent("samples/seed-delayed.yaml"), encoding: .utf8)
        let out = fixed(seed, unsafe: false)
        func normalize(_ s: String) -> [String] {
            s.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                let t = line.hasPrefix("pipeline:") ? "pipeline:" : String(line)
                return t.components(separatedBy: "#")[0].trimmingCharacters(in: .whitespaces) == "" ? t : t.components(separatedBy: "  #")[0].replacingOccurrences(of: " +$", with: "", options: .regularExpression)
            }
        }
        #expect(normalize(out) == normalize(delayed))
    }
}
