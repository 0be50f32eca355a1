// libFuzzer entry: the samples with their integers replaced by extreme values
// (structure-aware: every input is a valid pipeline but for its numbers), through
// `check` with every rule (the estimator included), the fix engine and the Dask
// export of the pipeline as written. A trap on integer overflow anywhere is a crash. Built and run by scripts/fuzz.sh.
import Export
import Foundation
import HostileInputs
import Lint
import PipelineIR
import PipelineYAML
import Rules

private let samples: [[UInt8]] = {
    let dir = "samples"
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
    return names.compactMap { FileManager.default.contents(atPath: dir + "/" + $0).map { [UInt8]($0) } }
}()
private let linter = Linter(rules: makeAllRules())
private let engine = FixEngine(linter: linter, options: FixOptions(unsafeFixes: true))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzExtreme(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    require(!samples.isEmpty, "no samples: run from the repository root")
    guard let text = ExtremeNumbers.mutate(samples, Array(UnsafeBufferPointer(start: data, count: size))) else { return 0 }
    let source = SourceFile(path: "extreme.yaml", bytes: text)
    let report = linter.lint(source)
    for f in report.findings {
        require(f.range.start >= 0 && f.range.start <= f.range.end && f.range.end <= text.count, "finding outside the file: \(f.range) \(f.message)")
    }
    _ = TextReporter(color: false).render(report)
    _ = engine.fix(source)
    let loaded = LoadedPipeline.load(source)
    if let pipeline = loaded.pipeline, let graph = loaded.graph {
        _ = try? DaskExport.program(pipeline, graph: graph, source: source, changed: [], options: ExportOptions(asWritten: true))
    }
    return 0
}
