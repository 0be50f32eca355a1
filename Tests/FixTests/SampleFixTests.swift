import Foundation
import Lint
import Optimizer
import PipelineIR
import PipelineYAML
import Rules
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
        // The placement fixes `run` and `export` apply: PL001's and PL017's.
        let e = engine(unsafe: true, prefer: placement == .scatter ? .scatter : nil, rules: [EmbeddedObjectRule(), ClientMapKeywordRule()])
        let outcome = e.fix(SourceFile(path: name, bytes: bytes))
        #expect(outcome.failure == nil)
        let ir = rewriteMatchesTextFix(original: bytes, outcome: outcome)
        #expect(ir.ok, "\(ir.detail)")
        // An object a function carries has a display-only fix, and on the processes scheduler nothing the
        // file can say stops the copies (model-weights): PL001 stays, nothing changes.
        let keeps = ["carried-partial.yaml", "carried-closure.yaml", "carried-global.yaml", "model-weights.yaml"].contains(name)
        #expect(outcome.remaining.findings.contains { $0.code.id == "PL001" } == keeps)
        #expect(!e.fix(SourceFile(path: name, bytes: outcome.fixed)).changed)
        let expectFix = ["seed-argument.yaml", "seed-method.yaml", "seed-reduction.yaml", "callable-instance.yaml",
                         "projection-element.yaml", "projection-column.yaml", "opaque-field.yaml", "timestamps-lookup.yaml",
                         "simulation-loop.yaml", "map-large-keyword.yaml", "frame-zip-regions.yaml", "frame-model-score.yaml", "frame-lookup-regions.yaml"].contains(name)
        #expect(outcome.changed == expectFix)
        if expectFix {
            // `client.map` passes a delayed object unevaluated: scatter is its only fix (PL017).
            let expected = name == "map-large-keyword.yaml" ? Placement.scatter : placement
            #expect(outcome.applied.flatMap(\.fix.placements).map(\.placement) == [expected])
        }
    }

    /// PL016's unsafe fix on the projection samples: the step passes the projection, the function
    /// binds its parameter itself, and nothing is left to say but PL001 on nothing.
    @Test(arguments: [
        ("projection-element.yaml", #"with: {factor: "m"}"#, #"args: ["mapper.series.iloc[-1]"]}                # ships the whole mapper"#),
        ("projection-column.yaml", #"with: {table: "w"}"#, #"inside: {map_blocks: first_inside, over: [bins], args: ["weights[:, 0]"]}"#),
    ])
    func projectionFixPassesTheProjection(_ name: String, _ binding: String, _ step: String) throws {
        let bytes = [UInt8](try Data(contentsOf: repoRoot.appendingPathComponent("samples/\(name)")))
        let e = engine(unsafe: true, rules: [ProjectionInsideTaskRule()])
        let outcome = e.fix(SourceFile(path: name, bytes: bytes))
        #expect(outcome.failure == nil)
        let text = String(decoding: outcome.fixed, as: UTF8.self)
        #expect(text.contains(binding))
        #expect(text.contains(step))
        #expect(outcome.remaining.findings.isEmpty)
        // Without --unsafe-fixes nothing changes.
        #expect(!engine(unsafe: false, rules: [ProjectionInsideTaskRule()]).fix(SourceFile(path: name, bytes: bytes)).changed)
        // The fixed step ships only the projection.
        let fixedGraph = try #require(graph(outcome.fixed))
        let inside = try #require(fixedGraph.layer(named: "inside"))
        #expect(inside.inputs.contains { !$0.path.isEmpty && $0.path.hasSubscript })
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
