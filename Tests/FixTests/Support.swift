import Foundation
import Lint
import Optimizer
import PipelineIR
import PipelineYAML
import Rules

/// The repository root (samples, docs).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fix engine with the embedded-object rule, whose fix these tests prove.
func engine(unsafe: Bool = false, prefer: Placement? = nil, rules: [any Rule] = [EmbeddedObjectRule()]) -> FixEngine {
    FixEngine(linter: Linter(rules: rules), options: FixOptions(unsafeFixes: unsafe, preferredPlacement: prefer))
}

/// The graph of a text, or nil when it does not lower.
func graph(_ bytes: [UInt8]) -> Graph? {
    LoadedPipeline.load(SourceFile(path: "t.yaml", bytes: bytes)).graph
}

/// Fixes `text` and returns the result as a string.
func fixed(_ text: String, unsafe: Bool = true, prefer: Placement? = nil) -> String {
    let out = engine(unsafe: unsafe, prefer: prefer).fix(SourceFile(path: "t.yaml", text: text))
    return String(decoding: out.fixed, as: UTF8.self)
}

/// "lower, then rewrite with the decisions the text fix recorded" against "fix the text, then lower".
func rewriteMatchesTextFix(original: [UInt8], outcome: FixOutcome) -> (ok: Bool, detail: String) {
    guard let before = graph(original), let after = graph(outcome.fixed) else { return (false, "does not lower") }
    let decisions = outcome.applied.flatMap(\.fix.placements)
    let pm = PassManager(passes: [PlacementRewrite(decisions: decisions)])
    guard case .success(let rewritten) = pm.run(before) else { return (false, "the pass manager failed") }
    let a = GraphSummary(rewritten.graph)
    let b = GraphSummary(after)
    if a != b { return (false, "rewrite:\n\(a)\ntext fix:\n\(b)") }
    if GraphSummary(before).ignoringPlacements != b.ignoringPlacements { return (false, "the fix changed more than placements") }
    return (true, "")
}
