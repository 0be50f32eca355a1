import Lint
import PipelineIR
import PipelineYAML
import Rules
import Testing

/// Inputs the fuzzers (scripts/fuzz.sh) crashed on, each with the exact
/// behaviour expected now. The target that found it is named on each test.
@Suite struct FuzzRegressionTests {
    let linter = Linter(rules: makeAllRules())

    /// `check`: a UTF-8 BOM followed by nothing but a comment. The "file is
    /// empty" error sits at offset 0, before the BOM the shown line skips, and
    /// the text reporter sliced bytes[3..<0] (`pipelint check` trapped).
    @Test func bomAndOnlyACommentRendersItsError() {
        let source = SourceFile(path: "t.yaml", bytes: [0xEF, 0xBB, 0xBF] + Array("  # dv: i".utf8))
        let report = linter.lint(source)
        #expect(TextReporter().render(report) == """
            t.yaml:1:1: error: file is empty; a pipeline needs at least `pipeline`, `version` and `steps` [PL901 invalid-pipeline]
              |
            1 |   # dv: i
              | ^
            
            """)
        // A BOM alone, and a BOM before a line break, render too.
        for bytes: [UInt8] in [[0xEF, 0xBB, 0xBF], [0xEF, 0xBB, 0xBF, 0x0A]] {
            let s = SourceFile(path: "t.yaml", bytes: bytes)
            #expect(TextReporter().render(linter.lint(s)).hasPrefix("t.yaml:1:1: error: file is empty"))
        }
    }
}
