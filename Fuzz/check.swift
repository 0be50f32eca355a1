// libFuzzer entry: the whole `check` path — front end, graph, every rule, the
// text reporter — on arbitrary bytes. Built and run by scripts/fuzz.sh.
import Lint
import PipelineIR
import PipelineYAML
import Rules

private let linter = Linter(rules: makeAllRules())

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCheck(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let source = SourceFile(path: "fuzz.yaml", bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    let report = linter.lint(source)
    for f in report.findings {
        require(f.range.start >= 0 && f.range.start <= f.range.end && f.range.end <= size, "finding outside the file: \(f.range) \(f.message)")
        for fix in [f.fix].compactMap({ $0 }) + f.alternativeFixes {
            for e in fix.edits {
                require(e.range.start >= 0 && e.range.start <= e.range.end && e.range.end <= size, "edit outside the file: \(e.range)")
            }
        }
    }
    // Rendering exercises the caret and source-line code on every finding.
    _ = TextReporter(color: false).render(report)
    return 0
}
