import Analysis
import Foundation
import Lint
import PipelineIR
import PipelineYAML
import Rules

/// `check`, `fix` and `estimate` on generated pipelines of growing size, with
/// findings, fixes and suppressions in proportion to the size: CPU seconds per MB at
/// each size. Linear means the per-MB time at the largest size is within 1.5× of
/// the one at 1 MB. Baseline: the front end alone on the same bytes, same run.
/// Also `check` of the `parse` benchmark's 51 MB file against its front end.
enum ScalingBenchmark {
    /// CPU seconds of this process (all threads) spent in `body`.
    static func cpu(_ body: () -> Void) -> Double {
        func now() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        let t0 = now()
        body()
        return now() - t0
    }

    /// The median CPU time of `repeats` runs.
    static func median(_ repeats: Int, _ body: () -> Void) -> Double {
        let times = (0..<max(1, repeats)).map { _ in cpu(body) }.sorted()
        return times[times.count / 2]
    }

    struct Row {
        var megabytes: Double
        var groups: Int
        var findings = 0, fixable = 0, suppressions = 0, applied = 0
        var frontEnd = 0.0, check = 0.0, fix = 0.0, estimate = 0.0
    }

    static func pad(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }

    static func run(sizes: [Double]) {
        let linter = Linter(rules: makeAllRules())
        let perGroup = Double(generateScalingPipeline(groups: 1000).utf8.count) / 1000
        print("scaling: check, fix and estimate by file size (CPU seconds, median of 3 below 10 MB, else 1 run)")
        print("  " + [pad("size", 8), pad("groups", 7), pad("findings", 9), pad("fixes", 7), pad("suppr.", 7)].joined(separator: " ") + " │ "
              + [pad("front end", 16), pad("check", 16), pad("fix", 16), pad("estimate", 16)].joined(separator: " "))
        var rows: [Row] = []
        for size in sizes {
            let groups = max(1, Int(size * 1e6 / perGroup))
            let text = generateScalingPipeline(groups: groups)
            let source = SourceFile(path: "scaling.yaml", text: text)
            var row = Row(megabytes: Double(source.bytes.count) / 1e6, groups: groups)
            let repeats = size < 10 ? 3 : 1
            row.frontEnd = median(repeats) { _ = LoadedPipeline.load(source) }
            var report: FileReport?
            row.check = median(repeats) { report = linter.lint(source) }
            row.findings = report?.findings.count ?? 0
            row.fixable = report?.findings.filter { $0.fix?.applicability == .safe }.count ?? 0
            row.suppressions = text.components(separatedBy: "pipelint: ignore[").count - 1 + text.components(separatedBy: "lint: {ignore").count - 1
            var outcome: FixOutcome?
            row.fix = median(repeats) { outcome = FixEngine(linter: linter).fix(source) }
            row.applied = outcome?.applied.count ?? 0
            if outcome?.failure != nil { print("  fix failed: \(outcome?.failure.map(String.init(describing:)) ?? "")") }
            let loaded = LoadedPipeline.load(source)
            if let graph = loaded.graph {
                row.estimate = median(repeats) {
                    let e = Estimator.estimate(graph, options: linter.settings.estimateOptions)
                    _ = EstimateReport.text(e, path: "scaling.yaml", pipeline: "scaling") { o in
                        let p = source.position(of: o)
                        return (p.line, p.column)
                    }
                }
            }
            rows.append(row)
            func cell(_ t: Double) -> String { String(format: "%6.2f s %5.2f/MB", t, t / row.megabytes) }
            print(String(format: "  %5.1f MB %7d %9d %7d %7d", row.megabytes, row.groups, row.findings, row.applied, row.suppressions) + " │ "
                  + [cell(row.frontEnd), cell(row.check), cell(row.fix), cell(row.estimate)].joined(separator: " "))
        }
        verdicts(rows)
    }

    /// Per-MB ratios of the largest size to 1 MB, and check against the front end.
    static func verdicts(_ rows: [Row]) {
        guard let one = rows.first(where: { $0.megabytes >= 0.9 }), let last = rows.last, last.megabytes > one.megabytes else { return }
        func ratio(_ k: KeyPath<Row, Double>) -> Double { (last[keyPath: k] / last.megabytes) / max(1e-9, one[keyPath: k] / one.megabytes) }
        for (name, k) in [("check", \Row.check), ("fix", \Row.fix), ("estimate", \Row.estimate)] {
            let r = ratio(k)
            print("  \(name): " + String(format: "per-MB time at %.0f MB is %.2f× that at 1 MB", last.megabytes, r) + (r <= 1.5 ? " (linear)" : " (NOT linear)"))
        }
        print(String(format: "  check at %.0f MB: %.2f× the front end (target < 3×)", last.megabytes, last.check / max(1e-9, last.frontEnd)))
    }

    /// `check` of the `parse` benchmark's 51 MB pipeline, against its front end.
    static func benchmarkFile() {
        let source = SourceFile(path: "bench.yaml", text: generatePipeline(groups: 130_000))
        let frontEnd = cpu { _ = LoadedPipeline.load(source) }
        var findings = 0
        let check = cpu { findings = Linter(rules: makeAllRules()).lint(source).findings.count }
        print(String(format: "check of the %.1f MB benchmark file: front end %.2f s, full check %.2f s (%d findings): %.2f× the front end (target < 3×)",
                     Double(source.bytes.count) / 1e6, frontEnd, check, findings, check / frontEnd))
    }
}

/// `generatePipeline`'s shape with findings, fixes and suppressions in proportion:
/// 9 objects in 10 embedded (PL001, each with a safe fix; one PL002 for the graph),
/// every 13th object suppressing PL001 in its `lint:` mapping, every 7th step and
/// 11th array with a `# pipelint: ignore[…]` comment, and 9 arrays and steps in 10
/// no output needs (PL009).
func generateScalingPipeline(groups: Int, name: String = "scaling") -> String {
    var s = "# generated scaling pipeline\npipeline: \(name)\nversion: 1\ncluster: {scheduler: distributed, workers: 4, threads_per_worker: 2, memory_per_worker: 8GiB}\n"
    s.reserveCapacity(groups * 390)
    s += "objects:\n"
    for i in 0..<groups {
        s += "  table_\(i):            # lookup table \(i)\n    series: {range: \(30000 + i % 5000), dtype: int64}\n"
        if i % 10 == 9 { s += "    placement: delayed\n" }
        if i % 13 == 0 { s += "    lint: {ignore: [PL001], reason: measured on the cluster}\n" }
    }
    s += "functions:\n"
    for i in 0..<groups {
        s += "  lookup_\(i): {params: [block, table], kernel: take, with: {table: table}}\n"
    }
    s += "arrays:\n"
    for i in 0..<groups {
        s += "  codes_\(i): {shape: [\(100_000 + i)], chunks: [10000], dtype: int64, source: {random: {seed: \(i), low: 0, high: 1000}}}"
        s += i % 11 == 5 ? "  # pipelint: ignore[PL009] scratch input\n" : "\n"
    }
    s += "steps:\n"
    for i in 0..<groups {
        s += "  mapped_\(i): {map_blocks: lookup_\(i), over: [codes_\(i)], args: [table_\(i)]}"
        s += i % 7 == 3 ? "  # pipelint: ignore[PL001] small on purpose\n" : "\n"
    }
    s += "outputs:\n"
    for i in stride(from: 0, to: groups, by: 10) { s += "  mapped_\(i): persist\n" }
    return s
}
