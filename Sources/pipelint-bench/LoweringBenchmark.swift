import Foundation
import PipelineIR
import PipelineYAML

/// The lowering alone (syntax tree → `Pipeline`) on `parse`'s 51 MB pipeline: CPU time, best of
/// `rounds`, against the syntax tree's own time in the same rounds (so the ratio holds under load).
enum LoweringBenchmark {
    static func run(rounds: Int) {
        let bytes = Array(generatePipeline(groups: 130_000).utf8)
        let source = SourceFile(path: "bench.yaml", bytes: bytes)
        let parsed = YAMLParser.parse(source, limits: ParseBenchmark.limits)
        var steps = 0, diagnostics = 0
        let best = ParseBenchmark.interleaved(rounds: rounds, [
            { _ = YAMLParser.parse(source, limits: ParseBenchmark.limits) },
            {
                let lowered = Lowering.lower(parsed.tree, source: source)
                steps = lowered.pipeline?.steps.count ?? -1
                diagnostics = lowered.diagnostics.count
            },
        ])
        print("lower: \(mb(bytes.count)), \(steps) steps, \(diagnostics) diagnostics; load average \(ParseBenchmark.loadAverage())")
        print(String(format: "  syntax tree %.3f s CPU, lowering alone %.3f s CPU (%.2f × the tree), best of %d rounds",
                     best[0], best[1], best[1] / best[0], rounds))
    }
}
