import Foundation
import Lint
import PipelineIR
import PipelineYAML
import Rules
import Testing

@Suite struct ConfigurationTests {
    let known = allRules.map { $0.description.id }

    func parse(_ text: String) throws -> (Configuration, [String]) {
        try ConfigurationLoader.parse(SourceFile(path: "cfg/.pipelint.yml", text: text), knownRules: known)
    }

    @Test func selectionByLongestPrefixIgnoreWinsTies() throws {
        let (c, warnings) = try parse("select: [PL0]\nignore: [PL00, PL012]\nextend-select: [PL005]\n")
        #expect(warnings.isEmpty)
        #expect(!c.isEnabled("PL001"))
        #expect(c.isEnabled("PL005"))
        #expect(c.isEnabled("PL011"))
        #expect(!c.isEnabled("PL012"))
    }

    @Test func severitiesThresholdsAndLimits() throws {
        let (c, _) = try parse("""
            severity: {PL001: error}
            thresholds:
              distributed.admin.large-graph-warning-threshold: 20MB
              array.chunk-size: 64MiB
              distributed.worker.memory.target: 0.5
              inline-data.max-items: 10
            limits: {max-depth: 10, max-file-bytes: 1MiB}
            """)
        #expect(c.severities["PL001"] == .error)
        #expect(c.settings.largeGraphWarningBytes == 20_000_000)
        #expect(c.settings.arrayChunkSizeBytes == 64 << 20)
        #expect(c.settings.workerMemoryTarget == 0.5)
        #expect(c.settings.inlineDataMaxItems == 10)
        #expect(c.settings.parseLimits.maxDepth == 10)
        #expect(c.settings.parseLimits.maxFileBytes == 1 << 20)
    }

    @Test func unknownKeysWarnWithSuggestions() throws {
        let (_, warnings) = try parse("selct: [PL001]\nthresholds: {array.chunk-sise: 1MB}\n")
        #expect(warnings == [
            "cfg/.pipelint.yml:1:1: warning: unknown key `selct` in the configuration; did you mean `select`?",
            "cfg/.pipelint.yml:2:14: warning: unknown key `array.chunk-sise` in `thresholds`; did you mean `array.chunk-size`?",
        ])
    }

    @Test func malformedConfigurationIsALocatedError() {
        #expect(throws: ConfigurationError.self) { try parse("severity: {PL001: loud}\n") }
        do {
            _ = try parse("severity: {PL001: loud}\n")
        } catch {
            #expect("\(error)" == "cfg/.pipelint.yml:1:19: severity must be `error`, `warning` or `info`")
        }
        do {
            _ = try parse("ignore: [PL0001]\n")
        } catch {
            #expect("\(error)" == "cfg/.pipelint.yml:1:10: unknown rule ID, prefix or name `PL0001`; did you mean `PL001`?")
        }
        do {
            _ = try parse("select: [PL001\n")
        } catch {
            #expect("\(error)".hasPrefix("cfg/.pipelint.yml:2:1: invalid YAML"))
        }
    }

    @Test func perFileIgnoresAndExcludes() throws {
        let (c, _) = try parse("per-file-ignores: {\"legacy/*.yaml\": [PL001]}\nexclude: [vendor, \"**/templates\"]\n")
        #expect(!c.isEnabled("PL001", for: "cfg/legacy/old.yaml"))
        #expect(c.isEnabled("PL001", for: "cfg/legacy/deep/old.yaml"))
        #expect(c.isEnabled("PL001", for: "cfg/new.yaml"))
        #expect(c.isExcluded("cfg/vendor/x.yaml"))
        #expect(c.isExcluded("cfg/charts/a/templates/d.yaml"))
        #expect(!c.isExcluded("cfg/pipelines/p.yaml"))
    }

    @Test func globs() {
        #expect(Glob.matches("*.yaml", "a.yaml"))
        #expect(!Glob.matches("*.yaml", "d/a.yaml"))
        #expect(Glob.matches("**/*.yaml", "d/e/a.yaml"))
        #expect(Glob.matches("**/*.yaml", "a.yaml"))
        #expect(Glob.matches("d/?.yml", "d/a.yml"))
        #expect(!Glob.matches("d/?.yml", "d/ab.yml"))
    }
}

@Suite struct SuppressionTests {
    let seed = """
        pipeline: t
        version: 1
        objects:
          mapper:
            class: Mapper
            fields: {series: {series: {range: 30000, dtype: int64}}}
        functions:
          f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
        arrays:
          x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
        steps:
          looked_up: {map_blocks: f, over: [x], args: [mapper]}
        outputs:
          looked_up: persist

        """

    func lint(_ text: String) -> FileReport {
        Linter(rules: makeAllRules()).lint(SourceFile(path: "t.yaml", text: text))
    }

    func summary(_ r: FileReport) -> [String] {
        r.findings.map { "\(r.source.position(of: $0.range.start)) \($0.code.id)" }
    }

    @Test func unsuppressed() {
        #expect(summary(lint(seed)) == ["12:48 PL001"])
    }

    @Test func commentOnTheSameLine() {
        let t = seed.replacingOccurrences(of: "args: [mapper]}", with: "args: [mapper]}  # pipelint: ignore[PL001] 100 chunks is a test size")
        #expect(summary(lint(t)) == [])
    }

    @Test func commentOnTheLineAbove() {
        let t = seed.replacingOccurrences(of: "  looked_up: {map_blocks", with: "  # pipelint: ignore[PL001] test size\n\n  looked_up: {map_blocks")
        #expect(summary(lint(t)) == [])
    }

    @Test func dataSuppressionOnTheObjectOrStep() {
        let onObject = seed.replacingOccurrences(of: "    class: Mapper\n", with: "    class: Mapper\n    lint: {ignore: [PL001], reason: built once per worker by hand}\n")
        #expect(summary(lint(onObject)) == [])
        let onStep = seed.replacingOccurrences(of: "args: [mapper]}", with: "args: [mapper], lint: {ignore: [PL001], reason: tiny}}")
        #expect(summary(lint(onStep)) == [])
    }

    @Test func unusedAndReasonlessSuppressionsAreFindings() {
        let t = seed.replacingOccurrences(of: "args: [mapper]}", with: "args: [mapper]}  # pipelint: ignore[PL001, PL005]")
        let r = lint(t)
        #expect(summary(r) == ["12:58 PL014", "12:84 PL013"])
        #expect(r.findings.map(\.message) == ["suppression of PL001, PL005 gives no reason", "suppression of PL005 suppresses nothing here"])
    }

    @Test func unknownRuleIDInASuppressionIsAProblem() {
        let t = seed.replacingOccurrences(of: "args: [mapper]}", with: "args: [mapper]}  # pipelint: ignore[PL999] why")
        let r = lint(t)
        #expect(r.problems == ["t.yaml:12:77: unknown rule ID `PL999` in a suppression; `pipelint rules` lists them"])
        #expect(summary(r) == ["12:48 PL001"])
    }

    @Test func frontEndErrorsCannotBeSuppressed() {
        let r = lint("pipeline: t  # pipelint: ignore[PL901] nope\nversion: 1\n")
        #expect(r.findings.map(\.code.id).contains("PL901"))
    }
}

@Suite struct BaselineTests {
    @Test func baselinedFindingsSurviveEditsAboveThemAndNewOnesShow() throws {
        let original = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("samples/seed-argument.yaml"), encoding: .utf8)
        let linter = Linter(rules: makeAllRules())
        let before = linter.lint(SourceFile(path: "p.yaml", text: original))
        #expect(before.findings.count == 1)
        let baseline = Baseline(reports: [before])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pl-baseline-\(UUID().uuidString).json")
        try baseline.serialized().write(to: dir, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: dir) }
        let loaded = try Baseline.load(path: dir.path)
        // Ten lines of comments above: every line number changes, the finding stays baselined.
        let edited = String(repeating: "# a new comment\n", count: 10) + original
        let after = linter.lint(SourceFile(path: "p.yaml", text: edited))
        #expect(loaded.filter([after]).flatMap(\.findings).isEmpty)
        // A second embedding is new.
        let more = edited.replacingOccurrences(of: "steps:\n", with: "steps:\n  again: {map_blocks: f, over: [x], args: [mapper], dtype: float64}\n")
            .replacingOccurrences(of: "outputs:\n", with: "outputs:\n  again: persist\n")
        let newer = loaded.filter([linter.lint(SourceFile(path: "p.yaml", text: more))]).flatMap(\.findings)
        #expect(newer.map(\.yamlPath) == ["steps.again.args[0]"])
    }

    @Test func aBaselineOfAnotherVersionIsRefused() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pl-baseline-\(UUID().uuidString).json")
        try #"{"tool": "pipelint", "version": 2, "findings": []}"#.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(throws: ConfigurationError.self) { try Baseline.load(path: url.path) }
    }
}
