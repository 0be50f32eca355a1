import Foundation
@testable import Lint
import PipelineIR
import PipelineYAML
import Rules
import Testing

/// A rule that says it offers no fix and offers one: the fix loop must still give the outcome
/// of a loop that runs every rule.
struct MisdeclaredRule: Rule {
    static let description = RuleDescription(id: "PL992", name: "test-misdeclared", summary: "test", defaultSeverity: .warning,
                                             whatItDoes: "", whyBad: "", triggeringExamples: [], nonTriggeringExamples: [])
    static var offersFixes: Bool { false }
    func check(_ ctx: RuleContext) -> [Finding] {
        // Fires once the embedded-object fix made `mapper` delayed: a fix only a later round sees.
        guard ctx.pipeline.object(named: "mapper")?.placement == .delayed, !ctx.source.bytes.starts(with: Array("# fixed".utf8)) else { return [] }
        return [finding("misdeclared", at: .at(0), fix: Fix(title: "add a comment", applicability: .safe, edits: [.insert("# fixed\n", at: 0)]))]
    }
}

/// The fix loop runs only the rules that offer fixes on the texts it fixes again
/// (`Rule.offersFixes`); its outcomes are those of the loop that runs every rule.
@Suite struct StagedFixTests {
    static let samples: [(name: String, text: String)] = {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("samples")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        return names.compactMap { n in (try? String(contentsOf: dir.appendingPathComponent(n), encoding: .utf8)).map { (n, $0) } }
    }()

    static func texts() -> [(name: String, text: String)] {
        samples + allRules.flatMap { r in r.description.triggeringExamples.map { (r.description.id, RulePage.stripMarkers($0).0) } }
    }

    func same(_ a: FixOutcome, _ b: FixOutcome, _ name: String) {
        #expect(a.fixed == b.fixed, "\(name)")
        #expect(a.applied == b.applied, "\(name)")
        #expect(a.editsByRound == b.editsByRound, "\(name)")
        #expect(a.failure == b.failure, "\(name)")
        #expect(a.remaining.findings == b.remaining.findings, "\(name)")
        #expect(a.remaining.problems == b.remaining.problems && a.remaining.isPipeline == b.remaining.isPipeline, "\(name)")
    }

    @Test func rulesThatSayTheyOfferNoFixOfferNone() {
        var linter = Linter(rules: makeAllRules())
        linter.files = .listed(Set(allRules.flatMap { $0.description.exampleFiles }))
        let silent = Set(allRules.filter { !$0.offersFixes }.map { $0.description.id })
        #expect(silent.count >= 10 && !silent.contains("PL001") && !silent.contains("PL017"))
        for r in allRules where !r.offersFixes { #expect(r.description.fixExamples.isEmpty, "\(r.description.id)") }
        var seen = Set<String>()
        for (name, text) in Self.texts() {
            for f in linter.lint(SourceFile(path: "example.yaml", text: text)).findings where silent.contains(f.code.id) {
                seen.insert(f.code.id)
                let edits = ([f.fix].compactMap { $0 } + f.alternativeFixes).flatMap(\.edits)
                #expect(edits.isEmpty, "\(f.code.id) offers edits in \(name)")
            }
        }
        // The claims were checked on findings of most of these rules.
        #expect(seen.count >= silent.count - 3, "\(silent.subtracting(seen))")
    }

    @Test func theOutcomeIsThatOfEveryRuleRun() {
        var changed = 0
        for options in [FixOptions(), FixOptions(unsafeFixes: true), FixOptions(unsafeFixes: true, preferredPlacement: .scatter)] {
            var linter = Linter(rules: makeAllRules())
            linter.files = .listed(Set(allRules.flatMap { $0.description.exampleFiles }))
            let engine = FixEngine(linter: linter, options: options)
            for (name, text) in Self.texts() {
                let src = SourceFile(path: "example.yaml", text: text)
                let staged = engine.fix(src), every = engine.fix(src, runningOnly: { _ in true })
                same(staged, every, name)
                #expect(staged.remaining.findings == linter.lint(SourceFile(path: "example.yaml", bytes: staged.fixed)).findings || staged.failure != nil, "\(name)")
                changed += staged.changed ? 1 : 0
            }
        }
        #expect(changed >= 10)
    }

    @Test func aRuleThatOffersAFixItDidNotDeclareIsStillFixed() {
        let text = """
            pipeline: t
            version: 1
            objects:
              mapper:
                series: {range: 30000}
            functions:
              f: {params: [block, m], kernel: take, with: {table: m}}
            arrays:
              x: {shape: [100000], chunks: [1000], source: range}
            steps:
              a: {map_blocks: f, over: [x], args: [mapper]}
            outputs: {a: persist}

            """
        let engine = FixEngine(linter: Linter(rules: [EmbeddedObjectRule(), MisdeclaredRule()]))
        let src = SourceFile(path: "t.yaml", text: text)
        let out = engine.fix(src)
        same(out, engine.fix(src, runningOnly: { _ in true }), "misdeclared")
        #expect(out.failure == nil)
        #expect(out.applied.map(\.code.id) == ["PL001", "PL992"])
        #expect(String(decoding: out.fixed, as: UTF8.self).hasPrefix("# fixed\npipeline: t\n"))
        #expect(String(decoding: out.fixed, as: UTF8.self).contains("series: {range: 30000}\n    placement: delayed\n"))
    }
}
