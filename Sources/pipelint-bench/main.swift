import Foundation

// Benchmarks, apart from the tests, each printing ratios against a baseline measured in the same run:
//   swift run -c release pipelint-bench parse              front end on a 50 MB pipeline vs raw libyaml events
//   swift run -c release pipelint-bench tree [--rounds R] [--profile]  the syntax tree alone vs raw libyaml (51 MB file, 500 small files)
//   swift run -c release pipelint-bench lower [--rounds R]  the lowering alone (tree → model) on the same pipeline, CPU time
//   swift run -c release pipelint-bench lower-dump FILES   the lowered model and diagnostics of each file, to diff two builds
//   swift run -c release pipelint-bench check-files        cold start (--version, one file) vs /bin/true; cold `check` of 500 files
//   swift run -c release pipelint-bench cold-start [--max R]  cold start only: --version and one file vs /bin/true, best of 100
//   swift run -c release pipelint-bench hostile            time and peak RSS of `check` on each hostile file
//   swift run -c release pipelint-bench hostile-scaling    inputs that used to be super-linear (names, keys, globs) at n and 2n
//   swift run -c release pipelint-bench estimate           graph figures of 10 million chunks vs 10 chunks
//   swift run -c release pipelint-bench scaling [MB...]    check, fix and estimate per MB at 0.1, 1, 10, 50 MB; check of the 51 MB file
//   swift run -c release pipelint-bench overhead [TASKS]   scheduler overhead vs a bare DAG loop and Dask's threaded scheduler
//   swift run -c release pipelint-bench kernels [N] [--rounds R] [--only a,b] [--max-ratio X]
//                                                         kernels vs numpy on the same data, int64 and float64
//   swift run -c release pipelint-bench fix [GROUPS...]   fix vs check on 500 files (cold and in-process); one file with thousands of fixes
//   swift run -c release pipelint-bench fix --one GROUPS [ROUNDS] [check|fix]  one file: check and fix taking turns, or only one (perf record)
//   swift run -c release pipelint-bench guard [--frontend-min 0.25] [--kernels-max 1.75] [--scheduler-min 50] [--yamllint-max 0.5]
//                                             [--cold-start-max 10] [--fix-max 2.5]
//                                                         the cheap figures against their baselines, exit 1 past a threshold (CI)
//   swift run -c release pipelint-bench memory             the seed's memory as written vs optimized, by chunk count
//   swift run -c release pipelint-bench lsp                language server: end of debounce → publishDiagnostics, 1,000 lines, 100 edits
// Python baselines use $PIPELINT_PYTHON (default python3) and are skipped when it lacks numpy/dask.

let args = Array(CommandLine.arguments.dropFirst())
/// The value after `name` on the command line.
func option(_ name: String) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    return args[i + 1]
}
switch args.first {
case "parse": ParseBenchmark.run(rounds: option("--rounds").flatMap { Int($0) } ?? 3)
case "tree": TreeBenchmark.run(rounds: option("--rounds").flatMap { Int($0) } ?? 5, profile: args.contains("--profile"))
case "lower-dump": lowerDump(Array(args.dropFirst()))
case "lower": LoweringBenchmark.run(rounds: option("--rounds").flatMap { Int($0) } ?? 5)
case "check-files": CheckFilesBenchmark.run()
case "cold-start": if !GuardBenchmark.coldStart(max: option("--max").flatMap(Double.init) ?? GuardBenchmark.Thresholds().coldStartMax) { exit(1) }
case "hostile": HostileBenchmark.run()
// The child process of `hostile`: one case, measured in a fresh process.
case "hostile-case" where args.count == 2: HostileBenchmark.runCase(args[1])
case "hostile-scaling": HostileScalingBenchmark.run()
case "estimate":
    benchEstimate()
    benchFrameEstimate()
case "scaling":
    let sizes = args.dropFirst().compactMap { Double($0) }
    ScalingBenchmark.run(sizes: sizes.isEmpty ? [0.1, 1, 10, 50] : sizes)
    if sizes.isEmpty { ScalingBenchmark.benchmarkFile() }
case "overhead": overhead(args.dropFirst().first.flatMap { Int($0) } ?? 1_000_000)
case "kernels":
    let n = args.dropFirst().first.flatMap { Int($0) } ?? 10_000_000
    let ok = KernelBenchmark.run(n: n, rounds: option("--rounds").flatMap { Int($0) } ?? 1,
                                 only: option("--only")?.split(separator: ",").map(String.init) ?? [],
                                 maxRatio: option("--max-ratio").flatMap { Double($0) })
    if !ok { exit(1) }
case "memory": memory()
case "fix" where args.count >= 3 && args[1] == "--one":
    FixBenchmark.one(groups: Int(args[2]) ?? 8000, rounds: args.count > 3 ? Int(args[3]) ?? 5 : 5, only: args.count > 4 ? args[4] : nil)
case "fix":
    let sizes = args.dropFirst().compactMap { Int($0) }
    FixBenchmark.run(sizes: sizes.isEmpty ? [1000, 2000, 4000, 8000] : sizes)
case "guard":
    var t = GuardBenchmark.Thresholds()
    if let v = option("--frontend-min").flatMap(Double.init) { t.frontEndMin = v }
    if let v = option("--kernels-max").flatMap(Double.init) { t.kernelsMax = v }
    if let v = option("--scheduler-min").flatMap(Double.init) { t.schedulerMin = v }
    if let v = option("--yamllint-max").flatMap(Double.init) { t.yamllintMax = v }
    if let v = option("--cold-start-max").flatMap(Double.init) { t.coldStartMax = v }
    if let v = option("--fix-max").flatMap(Double.init) { t.fixMax = v }
    if !GuardBenchmark.run(t) { exit(1) }
case "lsp": LanguageServerBenchmark.run()
default:
    print("usage: pipelint-bench lsp | parse [--rounds R] | tree [--rounds R] [--profile] | lower [--rounds R] | check-files | cold-start [--max R] | hostile | hostile-scaling | estimate | scaling [MB...] | overhead [TASKS] | kernels [N] [--rounds R] [--only a,b] [--max-ratio X] | memory | fix [GROUPS...] | guard [--frontend-min F] [--kernels-max X] [--scheduler-min Y] [--yamllint-max Z] [--cold-start-max R] [--fix-max R]")
}
