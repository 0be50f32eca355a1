import Lint
import PipelineIR
import PipelineYAML
import Rules
import Testing

/// A rule whose fix breaks the file: it inserts an unclosed bracket.
struct BreakingRule: Rule {
    static let description = RuleDescription(id: "PL990", name: "test-breaking", summary: "test", defaultSeverity: .warning,
                                             whatItDoes: "", whyBad: "", triggeringExamples: [], nonTriggeringExamples: [])
    func check(_ ctx: RuleContext) -> [Finding] {
        [finding("breaks", at: .at(0), fix: Fix(title: "break it", applicability: .safe, edits: [.insert("[", at: 0)]))]
    }
}

/// A rule whose fix never ends: every round it appends another comment.
struct RestlessRule: Rule {
    static let description = RuleDescription(id: "PL991", name: "test-restless", summary: "test", defaultSeverity: .warning,
                                             whatItDoes: "", whyBad: "", triggeringExamples: [], nonTriggeringExamples: [])
    func check(_ ctx: RuleContext) -> [Finding] {
        let end = ctx.source.bytes.count
        return [finding("restless", at: .at(0), fix: Fix(title: "add a comment", applicability: .safe, edits: [.insert("# more\n", at: end)]))]
    }
}

@Suite struct FixEngineTests {
    let seed = """
        pipeline: t
        version: 1
        objects:
          mapper:
            class: Mapper
            fields: {series: {series: {range: 30000}}}
        functions:
          f: {params: [block, m], kernel: take, with: {table: m.series}}
        arrays:
          x: {shape: [100000], chunks: [1000], source: range}
        steps:
          a: {map_blocks: f, over: [x], args: [mapper]}
          b: {map_blocks: f, over: [x], args: [mapper]}
        outputs: {a: persist, b: persist}

        """

    @Test func oneObjectUsedByTwoStepsIsFixedOnce() {
        let out = engine().fix(SourceFile(path: "t.yaml", text: seed))
        #expect(out.failure == nil)
        #expect(out.applied.count == 2)  // both findings are resolved…
        let end = seed.utf8.count - seed.components(separatedBy: "{range: 30000}}}")[1].utf8.count
        #expect(out.editsByRound == [[.insert("\n    placement: delayed", at: end)]])  // …by one edit
        #expect(String(decoding: out.fixed, as: UTF8.self) == seed.replacingOccurrences(of: "{range: 30000}}}\n", with: "{range: 30000}}}\n    placement: delayed\n"))
    }

    @Test func aFixThatBreaksTheFileLeavesItUntouchedAndNamesTheRule() {
        let src = SourceFile(path: "t.yaml", text: seed)
        let out = engine(rules: [BreakingRule(), EmbeddedObjectRule()]).fix(src)
        #expect(out.fixed == src.bytes)
        #expect(!out.changed)
        guard case .brokeTheFile(let rules, let problem)? = out.failure else {
            Issue.record("expected a failure, got \(String(describing: out.failure))")
            return
        }
        #expect(rules.map(\.id) == ["PL001", "PL990"])
        #expect(problem == "2:8: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 1, column 1)")
        #expect(out.failure?.description.contains("PL990 test-breaking") == true)
    }

    @Test func aFixThatNeverConvergesIsAbandoned() {
        let src = SourceFile(path: "t.yaml", text: seed)
        let out = FixEngine(linter: Linter(rules: [RestlessRule()]), options: FixOptions(maxIterations: 5)).fix(src)
        #expect(out.fixed == src.bytes)
        #expect(out.failure == .didNotConverge(rules: [RestlessRule.description.code], iterations: 5))
    }

    @Test func unsafeFixesWaitForTheOptIn() {
        let text = seed.replacingOccurrences(of: "{range: 30000}", with: "{load: t.csv, length: 30000}")
        let safeOnly = engine().fix(SourceFile(path: "t.yaml", text: text))
        #expect(!safeOnly.changed)
        #expect(safeOnly.remaining.findings.map { $0.fix?.applicability } == [.unsafe, .unsafe])
        #expect(safeOnly.remaining.findings.first?.fix?.caveat == "a worker builds the object itself, so `t.csv` must exist on every worker")
        #expect(engine(unsafe: true).fix(SourceFile(path: "t.yaml", text: text)).changed)
    }

    @Test func scatterIsAnAlternativeTakenOnlyWhenPreferred() {
        let src = SourceFile(path: "t.yaml", text: seed)
        let f = engine().linter.lint(src).findings[0]
        #expect(f.fix?.placements == [PlacementDecision(object: "mapper", placement: .delayed)])
        #expect(f.alternativeFixes.map(\.applicability) == [.unsafe])
        #expect(f.alternativeFixes.first?.placements == [PlacementDecision(object: "mapper", placement: .scatter)])
        #expect(fixed(seed, unsafe: true, prefer: .scatter).contains("    placement: scatter\n"))
        #expect(!engine(unsafe: false, prefer: .scatter).fix(src).changed)
    }

    @Test func anAliasOfAnObjectIsFixedAtItsAnchorAndAnAliasOfAFieldIsNot() {
        let aliased = seed.replacingOccurrences(of: "  mapper:\n", with: "  base: &m\n")
            .replacingOccurrences(of: "functions:", with: "  mapper: *m\nfunctions:")
        let out = engine().fix(SourceFile(path: "t.yaml", text: aliased))
        #expect(String(decoding: out.fixed, as: UTF8.self).contains("  base: &m\n    class: Mapper\n    fields: {series: {series: {range: 30000}}}\n    placement: delayed\n  mapper: *m\n"))
        #expect(out.applied.first?.fix.placements.map(\.object) == ["base", "mapper"])
        #expect(out.applied.first?.fix.title == "build it inside one task: add `placement: delayed` to object `base`, which `mapper` aliases")

        let ofField = seed.replacingOccurrences(of: "fields: {series: {series: {range: 30000}}}", with: "fields: {inner: &s {class: Inner, fields: {series: {series: {range: 30000}}}}}")
            .replacingOccurrences(of: "functions:", with: "  other: *s\nfunctions:")
            .replacingOccurrences(of: "args: [mapper]}\n  b:", with: "args: [other]}\n  b:")
            .replacingOccurrences(of: "args: [mapper]}\noutputs", with: "args: [mapper.inner]}\noutputs")
        let r = engine().linter.lint(SourceFile(path: "t.yaml", text: ofField))
        let onOther = r.findings.first { $0.subjects.contains("other") }
        #expect(onOther?.fix?.applicability == .displayOnly)
        #expect(onOther?.fix?.caveat == "object `other` is an alias of a node that is not an object; give it its own definition")
    }

    @Test func selectorsResolveIDsPrefixesNamesAndAll() {
        let s = RuleSelectors(ids: ["PL001", "PL002", "PL900"], idsByName: ["embedded-object": "PL001", "invalid-yaml": "PL900"])
        #expect(s.resolve("embedded-object") == "PL001")
        #expect(s.resolve("PL0") == "PL0")
        #expect(s.resolve("pl001") == "PL001")
        #expect(s.resolve("ALL") == "PL")
        #expect(s.resolve("PL7") == nil)
        #expect(s.resolve("embedded-objekt") == nil)
        #expect(s.suggestion(for: "embedded-objekt") == "embedded-object")
        let r = s.resolve(lists: ["PL001,embedded-object", " PL7 ", "ALL"])
        #expect(r.prefixes == ["PL001", "PL001", "PL"])
        #expect(r.unknown == ["PL7"])
    }
}
