import CYAML
import Foundation
import Lint
import PipelineYAML
import Rules

// Benchmarks, apart from the tests: `swift run -c release pipelint-bench [name...]`.
// Each prints absolute numbers and ratios against a baseline measured in the same run.

let args = Array(CommandLine.arguments.dropFirst())
let selected = Set(args.isEmpty ? ["parse", "check-files"] : args)
if selected.contains("parse") { ParseBenchmark.run() }
if selected.contains("check-files") { CheckFilesBenchmark.run() }
