import Lint
import PipelineIR
import PipelineYAML
import Rules
import Testing

/// `limits:` in `.pipelint.yml` reaches the linter: each limit at its value and one past it.
@Suite struct ConfigurationLimitTests {
    /// A linter configured by `config` (text of a `.pipelint.yml`).
    func linter(_ config: String) throws -> Linter {
        let (c, warnings) = try ConfigurationLoader.parse(SourceFile(path: ".pipelint.yml", text: config), knownRules: allRules.map { $0.description.id })
        #expect(warnings.isEmpty)
        return Linter(rules: makeAllRules(), settings: c.settings)
    }

    /// The PL900 findings on `text`.
    func yamlErrors(_ linter: Linter, _ text: String) -> [String] {
        let src = SourceFile(path: "t.yaml", text: text)
        return linter.lint(src).findings.filter { $0.code == .invalidYAML }.map { "\(src.position(of: $0.range.start)): \($0.message)" }
    }

    @Test func maxFileBytes() throws {
        #expect(yamlErrors(try linter("limits: {max-file-bytes: 5}\n"), "a: 1\n") == [])
        #expect(yamlErrors(try linter("limits: {max-file-bytes: 4}\n"), "a: 1\n") == ["1:1: file is 5 bytes, over the 4-byte limit"])
        // Sizes take units, as everywhere else.
        #expect(try linter("limits: {max-file-bytes: 1KiB}\n").settings.parseLimits.maxFileBytes == 1024)
    }

    @Test func maxScalarBytes() throws {
        #expect(yamlErrors(try linter("limits: {max-scalar-bytes: 5}\n"), "a: 12345\n") == [])
        #expect(yamlErrors(try linter("limits: {max-scalar-bytes: 4}\n"), "a: 12345\n") == ["1:4: scalar of 5 bytes is over the 4-byte limit"])
    }

    @Test func maxDepth() throws {
        #expect(yamlErrors(try linter("limits: {max-depth: 3}\n"), "a: [[1]]\n") == [])
        #expect(yamlErrors(try linter("limits: {max-depth: 2}\n"), "a: [[1]]\n") == ["1:5: nesting deeper than 2 levels"])
    }

    @Test func aliasExpansionBudget() throws {
        let text = "a: &a [1, 2]\nb: *a\n"
        #expect(yamlErrors(try linter("limits: {alias-expansion-budget: 3}\n"), text) == [])
        #expect(yamlErrors(try linter("limits: {alias-expansion-budget: 2}\n"), text) == ["2:4: alias `*a` expands past the budget of 2 nodes (an alias bomb?)"])
        #expect(yamlErrors(try linter("limits: {max-nodes: 5}\n"), "a: [1, 2]\n") == [])
        #expect(yamlErrors(try linter("limits: {max-nodes: 4}\n"), "a: [1, 2]\n") == ["1:8: more than 4 YAML nodes"])
    }

    @Test func raisedLimitsLetALegitimateFileThrough() throws {
        let deep = "a: " + String(repeating: "[", count: 99) + String(repeating: "]", count: 99) + "\n"
        #expect(yamlErrors(Linter(rules: makeAllRules()), deep) == ["1:67: nesting deeper than 64 levels"])
        #expect(yamlErrors(try linter("limits:\n  max-depth: 100\n"), deep) == [])
    }

    @Test func malformedLimitsAreLocatedErrors() {
        func error(_ config: String) -> String? {
            do {
                _ = try ConfigurationLoader.parse(SourceFile(path: ".pipelint.yml", text: config), knownRules: ["PL001"])
                return nil
            } catch {
                return error.description
            }
        }
        #expect(error("limits: {max-depth: 0}\n") == ".pipelint.yml:1:21: expected a positive whole number")
        #expect(error("limits: {max-depth: 1000}\n") == nil)
        #expect(error("limits: {max-depth: 1001}\n") == ".pipelint.yml:1:21: `max-depth` is at most 1000 (the analysis recurses once per level)")
        #expect(error("limits: {alias-expansion-budget: -1}\n") == ".pipelint.yml:1:34: expected a positive whole number")
        #expect(error("limits: {max-nodes: 0}\n") == ".pipelint.yml:1:21: expected a positive whole number")
        #expect(error("limits: {max-file-bytes: 2GiB}\n") == ".pipelint.yml:1:26: `max-file-bytes` is at most 2GiB (the syntax tree keeps 32-bit offsets)")
        #expect(error("limits: {max-file-bytes: 1GiB}\n") == nil)
        #expect(error("limits: {max-file-bytes: lots}\n") == ".pipelint.yml:1:26: `lots` is not a size (e.g. `10MB`, `128MiB`)")
        #expect(error("limits: {max-scalar-bytes: [1]}\n") == ".pipelint.yml:1:28: expected a string")
    }

    @Test func unknownLimitKeyWarns() throws {
        let (_, warnings) = try ConfigurationLoader.parse(SourceFile(path: ".pipelint.yml", text: "limits: {max-dept: 3}\n"), knownRules: ["PL001"])
        #expect(warnings == [".pipelint.yml:1:10: warning: unknown key `max-dept` in `limits`; did you mean `max-depth`?"])
    }
}
