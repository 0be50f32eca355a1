import CYAML
import Foundation
import Lint
import PipelineYAML
import Rules

// Benchmarks, apart from the tests: `swift run -c release pipelint-bench [name...]`
// (parse, check-files, hostile; the first two run when no name is given).
// Each prints absolute numbers and ratios against a baseline measured in the same run.

let args = Array(CommandLine.arguments.dropFirst())
// The child process of `hostile`: one case, measured in a fresh process.
if args.count == 2, args[0] == "hostile-case" {
    HostileBenchmark.runCase(args[1])
    exit(0)
}
let selected = Set(args.isEmpty ? ["parse", "check-files"] : args)
if selected.contains("parse") { ParseBenchmark.run() }
if selected.contains("check-files") { CheckFilesBenchmark.run() }
if selected.contains("hostile") { HostileBenchmark.run() }
