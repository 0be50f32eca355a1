import Foundation
import PipelineIR
import PipelineYAML

/// The syntax tree alone against raw libyaml, on the `parse` benchmark's 51 MB pipeline and its 500
/// small files: shorter than `parse` (no lowering, graph or memory figures), to compare two builds
/// of the tree stage or to profile it (`--profile`: the tree alone, `rounds` times).
enum TreeBenchmark {
    static func run(rounds: Int, profile: Bool) {
        let bytes = Array(generatePipeline(groups: 130_000).utf8)
        let source = SourceFile(path: "bench.yaml", bytes: bytes)
        if profile {
            // Only the tree, for `perf record`: nothing else in the samples.
            for _ in 0..<rounds { _ = YAMLParser.parse(source, limits: ParseBenchmark.limits) }
            return
        }
        print("tree: generated pipeline of \(mb(bytes.count)); load average \(ParseBenchmark.loadAverage())")
        let best = ParseBenchmark.interleaved(rounds: rounds, [{ _ = ParseBenchmark.rawLibyamlEvents(bytes) },
                                                               { _ = YAMLParser.parse(source, limits: ParseBenchmark.limits) }])
        let share = best[1] / best[0]
        print("  raw libyaml \(fmt(best[0])) s, syntax tree \(fmt(best[1])) s CPU = \(fmt(share))× raw's time (best of \(rounds) interleaved rounds)")
        let small = ParseBenchmark.smallFileTrees(rounds: max(rounds, 5))
        print("  500 small files: raw libyaml \(fmt(small.raw, 4)) s, syntax tree \(fmt(small.tree, 4)) s = \(fmt(small.tree / small.raw))× raw's time")
        print("  load average after: \(ParseBenchmark.loadAverage())")
    }

    static func fmt(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }
}
