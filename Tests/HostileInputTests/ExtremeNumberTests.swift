import Foundation
import HostileInputs
import Lint
import PipelineIR
import PipelineYAML
import Rules
import Testing

/// Every sample with each integer replaced by each extreme value, through the fix engine
/// (which lints with every rule, so the estimator too, fixes and lints again). A trap kills the test process, so
/// reaching the end is the assertion; the counts keep the generator honest.
@Suite struct ExtremeNumberTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func add() { lock.lock(); n += 1; lock.unlock() }
        var value: Int { lock.lock(); defer { lock.unlock() }; return n }
    }

    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("samples")

    @Test func extremeIntegersNeverTrap() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.samples.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 10)
        let linter = Linter(rules: makeAllRules())
        let engine = FixEngine(linter: linter, options: FixOptions(unsafeFixes: true))
        var variants: [(String, [UInt8])] = []
        for name in files {
            let text = Array(try Data(contentsOf: Self.samples.appendingPathComponent(name)))
            variants += ExtremeNumbers.variants(of: text).map { ("\(name) (\($0.description))", $0.bytes) }
        }
        #expect(variants.count > 1500)
        let all = variants
        let outside = Counter()
        DispatchQueue.concurrentPerform(iterations: variants.count) { i in
            let source = SourceFile(path: all[i].0, bytes: all[i].1)
            // The fix engine lints first (every rule, the estimator included), then fixes and re-lints.
            let report = engine.fix(source).remaining
            if !report.findings.allSatisfy({ $0.range.end <= report.source.bytes.count }) { outside.add() }
        }
        #expect(outside.value == 0)
    }

    /// Not-a-number and infinite bounds are located errors, not values the export refuses later.
    @Test func nonFiniteBoundsAreLocatedErrors() {
        let text = """
            pipeline: n
            version: 1
            arrays:
              x: {shape: [10], chunks: [5], dtype: float64, source: {random: {seed: 1, low: .nan, high: -.inf}}}
            steps:
              s: {reduce: sum, over: x}
            outputs:
              s: compute

            """
        let report = Linter(rules: makeAllRules()).lint(SourceFile(path: "n.yaml", bytes: Array(text.utf8)))
        let shown = report.findings.map { "\(report.source.position(of: $0.range.start)): \($0.message)" }
        #expect(shown == ["4:81: `low` must be a finite number, not `.nan`", "4:93: `high` must be a finite number, not `-.inf`"])
    }

    @Test func generatorFindsTheIntegersOfAPipeline() {
        let text = Array("pipeline: a-1\nversion: 1  # 3 ignored\nx: {shape: [-5, 20], size: 10MB, f: 1.5}\n".utf8)
        let found = ExtremeNumbers.integerRanges(in: text).map { String(decoding: text[$0], as: UTF8.self) }
        #expect(found == ["1", "-5", "20"])
    }
}
