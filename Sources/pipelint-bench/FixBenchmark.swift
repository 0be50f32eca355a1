import Foundation
import Lint
import PipelineIR
import Rules

/// `fix` against `check` on the same files, in the same run: 500 files (half
/// copies of the samples, half generated: once without fixes as in `check-files`,
/// once `scaling`-shaped with a safe fix per embedded object), as the release binary run cold (`pipelint check .`, then
/// `pipelint fix --diff .` and `pipelint fix .` on a fresh copy) and in-process (the linter and the fix
/// engine, CPU time); then one file with thousands of fixes at growing sizes:
/// fix against check, and the time per applied fix, which is linear when the
/// largest size's is within 1.5× of the smallest's.
enum FixBenchmark {
    /// 500 files: half copies of the samples, half generated pipelines of 20–60
    /// entries; `fixes`: the generated ones in the `scaling` shape (a safe fix per
    /// embedded object), else in `check-files`' shape (delayed objects, no fix).
    static func texts(fixes: Bool) -> [String] {
        let samples = repo.appendingPathComponent("samples")
        let sampleTexts = ((try? FileManager.default.contentsOfDirectory(atPath: samples.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
            .compactMap { try? String(contentsOf: samples.appendingPathComponent($0), encoding: .utf8) }
        return (0..<500).map { i in
            if i % 2 == 0, !sampleTexts.isEmpty { return sampleTexts[i / 2 % sampleTexts.count] }
            return fixes ? generateScalingPipeline(groups: 5 + i % 11, name: "gen-\(i)") : generatePipeline(groups: 5 + i % 11, name: "gen-\(i)")
        }
    }

    /// Returns fix's time over check's for the 500 files with fixes (cold processes when
    /// the release `pipelint` is beside this binary, else in-process).
    @discardableResult
    static func run(sizes: [Int]) -> Double? {
        var ratio: Double?
        for fixes in [false, true] {
            let files = texts(fixes: fixes)
            let bytes = files.reduce(0) { $0 + $1.utf8.count }
            print("fix: 500 files, \(mb(bytes)) in all, " + (fixes ? "every generated file with fixes" : "check-files' corpus (the samples' fixes only)")
                  + "; ratio = fix / check (target ≤ 1.50×)")
            let cold = coldProcesses(files)
            let warm = inProcess(files)
            ratio = cold ?? warm
        }
        fileWithThousandsOfFixes(sizes)
        return ratio
    }

    /// The release binary, cold: `check .`, `fix --diff .` and `fix .`, each on a fresh copy.
    static func coldProcesses(_ files: [String]) -> Double? {
        let bin = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("pipelint")
        guard FileManager.default.isExecutableFile(atPath: bin.path) else {
            print("  cold processes: skipped (build the tool beside pipelint-bench: swift build -c release)")
            return nil
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-bench-fix-\(getpid())")
        defer { try? FileManager.default.removeItem(at: root) }
        func fresh() -> URL {
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            for (i, text) in files.enumerated() {
                try? text.write(to: root.appendingPathComponent(String(format: "p%03d.yaml", i)), atomically: false, encoding: .utf8)
            }
            return root
        }
        // Best of 5 each, the three commands taking turns (a load that moves affects them alike).
        var wall = [Double](repeating: .infinity, count: 3), cpu = wall
        let commands = [["check", "."], ["fix", "--diff", "."], ["fix", "."]]
        for _ in 0..<5 {
            for (k, arguments) in commands.enumerated() {
                let dir = fresh()
                guard let run = timeChild(bin.path, arguments, in: dir.path) else { return nil }
                wall[k] = min(wall[k], run.seconds)
                cpu[k] = min(cpu[k], run.cpu)
            }
        }
        let (check, diff, fix) = (wall[0], wall[1], wall[2])
        print(String(format: "  cold processes (best of 5; wall, then CPU = user + system): check %.3f s, %.3f s CPU [baseline]", check, cpu[0]))
        print(String(format: "    fix --diff (the fix loop, nothing written) %.3f s, %.3f s CPU → %.2f× check, %.2f× in CPU", diff, cpu[1], diff / check, cpu[1] / cpu[0]))
        print(String(format: "    fix (each changed file written durably: an fsync per file, 16 in flight, then one per folder) %.3f s, %.3f s CPU → %.2f× check, %.2f× in CPU",
                     fix, cpu[2], fix / check, cpu[2] / cpu[0]))
        return fix / check
    }

    /// The linter and the fix engine in this process (CPU seconds, best of 3, taking turns).
    static func inProcess(_ files: [String]) -> Double {
        let linter = Linter(rules: makeAllRules())
        let sources = files.enumerated().map { SourceFile(path: String(format: "p%03d.yaml", $0.offset), text: $0.element) }
        var findings = 0, applied = 0
        let (check, fix) = bestInTurns(3,
            { findings = sources.reduce(0) { $0 + linter.lint($1).findings.count } },
            { applied = sources.reduce(0) { $0 + FixEngine(linter: linter).fix($1).applied.count } })
        print(String(format: "  in-process (CPU, best of 3, taking turns): check %.3f s (%d findings), fix %.3f s (%d fixes) → fix is %.2f× check",
                     check, findings, fix, applied, fix / check))
        return fix / check
    }

    /// The best CPU time of `a` and of `b` over `rounds` rounds, each round running both: a
    /// load that comes and goes on a shared machine weighs on both alike, and the best of
    /// several runs is the one it disturbed least (a median of runs made back to back is not).
    static func bestInTurns(_ rounds: Int, _ a: () -> Void, _ b: () -> Void) -> (Double, Double) {
        var best = (Double.infinity, Double.infinity)
        for _ in 0..<max(1, rounds) {
            best.0 = min(best.0, ScalingBenchmark.cpu(a))
            best.1 = min(best.1, ScalingBenchmark.cpu(b))
        }
        return best
    }

    /// `pipelint-bench fix --one GROUPS [ROUNDS] [check|fix]`: one file of GROUPS groups, check and fix
    /// taking turns (best CPU time of each), or only one of them ROUNDS times (for `perf record`).
    static func one(groups: Int, rounds: Int, only: String?) {
        let linter = Linter(rules: makeAllRules())
        let source = SourceFile(path: "many-fixes.yaml", text: generateScalingPipeline(groups: groups))
        var fixes = 0
        let check = { _ = linter.lint(source) }
        let fix = { fixes = FixEngine(linter: linter).fix(source).applied.count }
        if let only {
            for _ in 0..<max(1, rounds) { (only == "fix" ? fix : check)() }
            return
        }
        let (c, f) = bestInTurns(rounds, check, fix)
        print(String(format: "one file of %d groups, %d fixes, best of %d: check %.3f s, fix %.3f s → %.2f× check", groups, fixes, rounds, c, f, f / c))
    }

    /// One file of `groups` groups per size: check and fix CPU time, per applied fix.
    static func fileWithThousandsOfFixes(_ sizes: [Int]) {
        let linter = Linter(rules: makeAllRules())
        var perFix: [(fixes: Int, seconds: Double)] = []
        for groups in sizes {
            let source = SourceFile(path: "many-fixes.yaml", text: generateScalingPipeline(groups: groups))
            var outcome: FixOutcome?
            let (check, fix) = bestInTurns(groups <= 4000 ? 5 : 3, { _ = linter.lint(source) }, { outcome = FixEngine(linter: linter).fix(source) })
            let fixes = outcome?.applied.count ?? 0
            if let failure = outcome?.failure { print("  fix failed: \(failure)") }
            perFix.append((fixes, fix / Double(max(1, fixes))))
            print(String(format: "  one file, %6d fixes (%.1f MB): check %.3f s, fix %.3f s → %.2f× check, %.1f µs per fix",
                         fixes, Double(source.bytes.count) / 1e6, check, fix, fix / check, fix / Double(max(1, fixes)) * 1e6))
        }
        if let first = perFix.first, let last = perFix.last, last.fixes > first.fixes {
            let r = last.seconds / first.seconds
            print(String(format: "  time per fix at %d fixes is %.2f× that at %d fixes", last.fixes, r, first.fixes) + (r <= 1.5 ? " (linear)" : " (NOT linear)"))
        }
    }
}
