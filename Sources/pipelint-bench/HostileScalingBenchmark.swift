import Foundation
import HostileInputs
import Lint
import PipelineIR
import PipelineYAML
import Rules

/// Inputs that used to take super-linear time: each case at size n and 2n, with the
/// ratio of the two times (about 2 when linear) and the 1 s target at the largest size.
enum HostileScalingBenchmark {
    static func run() {
        print("hostile-scaling: time at n and 2n (ratio ≈ 2 when linear); target: under 1 s")
        print(HostileBenchmark.pad("case", 28) + HostileBenchmark.pad("n", 10) + HostileBenchmark.pad("time n", 12)
              + HostileBenchmark.pad("time 2n", 12) + HostileBenchmark.pad("ratio", 8) + "target")
        let linter = Linter(rules: makeAllRules())
        func lint(_ text: String) -> () -> Void {
            let source = SourceFile(path: "hostile.yaml", bytes: Array(text.utf8))
            return { _ = linter.lint(source) }
        }
        row("did-you-mean (name bytes)", 80_000) { n in lint(ScalingInputs.longNames(n)) }
        row("many keys (check)", 500_000) { n in lint(ScalingInputs.manyKeys(n)) }
        row("glob (path bytes, 8 stars)", 40) { n in
            let g = ScalingInputs.backtrackingGlob(stars: 8, length: n)
            return { _ = Glob.matches(g.pattern, g.path) }
        }
        row("glob (path bytes, 64 stars)", 4_096) { n in
            let g = ScalingInputs.backtrackingGlob(stars: 64, length: n)
            return { _ = Glob.matches(g.pattern, g.path) }
        }
    }

    /// Times `make(n)()` and `make(2n)()` (inputs built outside the timing).
    static func row(_ name: String, _ n: Int, _ make: (Int) -> () -> Void) {
        let small = make(n), large = make(2 * n)
        let t1 = measure(repeats: 1, small)
        let t2 = measure(repeats: 1, large)
        print(HostileBenchmark.pad(name, 28) + HostileBenchmark.pad("\(n)", 10) + HostileBenchmark.pad(String(format: "%.3f s", t1), 12)
              + HostileBenchmark.pad(String(format: "%.3f s", t2), 12) + HostileBenchmark.pad(String(format: "%.1f", t2 / max(t1, 1e-9)), 8)
              + (t2 < 1 ? "ok" : "OVER 1 s"))
    }
}
