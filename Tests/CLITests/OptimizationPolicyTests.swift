import Foundation
import Testing

/// `run`, `export` and `graph --optimized` optimize exactly as `fix` writes: the same
/// configuration turns both off, and unsafe fixes need `--unsafe-fixes` in both.
@Suite struct OptimizationPolicyTests {
    /// A folder holding the seed pipeline and, when given, a `.pipelint.yml`.
    static func folder(config: String?) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let seed = try String(contentsOf: CLI.root.appendingPathComponent("samples/seed-argument.yaml"), encoding: .utf8)
        try seed.write(to: dir.appendingPathComponent("seed.yaml"), atomically: true, encoding: .utf8)
        if let config { try config.write(to: dir.appendingPathComponent(".pipelint.yml"), atomically: true, encoding: .utf8) }
        return dir
    }

    @Test(arguments: [(nil, true), ("ignore: [PL001]\n", false), ("ignore: [PL00]\n", false)] as [(String?, Bool)])
    func aConfigurationChangesFixAndRunTheSameWay(config: String?, optimizes: Bool) throws {
        let dir = try Self.folder(config: config)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = dir.appendingPathComponent("seed.yaml").path
        let fix = try CLI.run(["fix", "--diff", pipeline])
        #expect(fix.stdout.contains("+    placement: delayed") == optimizes)
        let run = try CLI.run(["run", pipeline, "--quiet", "-o", dir.appendingPathComponent("out").path])
        #expect(run.status == 0)
        #expect(run.stdout.contains("(made delayed: `mapper`)") == optimizes)
        let export = try CLI.run(["export", "--to", "dask", pipeline])
        #expect(export.stdout.contains("# Optimized: made delayed or scattered as `pipelint run` does: mapper.\n") == optimizes)
        #expect(export.stdout.contains("# Optimized: no placement changed.\n") == !optimizes)
        let graph = try CLI.run(["graph", "--optimized", pipeline])
        #expect(graph.stdout.contains("`__main__` class, delayed") == optimizes)
    }

    /// A `load:` object's fix is unsafe (the file must exist on the workers): `fix` and `run`
    /// both leave it embedded unless `--unsafe-fixes`.
    @Test func unsafeFixesAreTakenOnlyWhenAsked() throws {
        let dir = try Self.folder(config: nil)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("samples/tables"), to: dir.appendingPathComponent("tables"))
        let text = try String(contentsOf: CLI.root.appendingPathComponent("samples/csv-lookup.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "    placement: delayed                 # the file must exist on the workers (same relative path)\n", with: "")
        let pipeline = dir.appendingPathComponent("lookup.yaml").path
        try text.write(toFile: pipeline, atomically: true, encoding: .utf8)
        for unsafe in [false, true] {
            let flag = unsafe ? ["--unsafe-fixes"] : []
            let fix = try CLI.run(["fix", "--diff", pipeline] + flag)
            #expect(fix.stdout.contains("+    placement: delayed") == unsafe)
            let run = try CLI.run(["run", pipeline, "--quiet", "-o", dir.appendingPathComponent("out").path] + flag)
            #expect(run.status == 0)
            #expect(run.stdout.contains("(made delayed: `zip_to_region`)") == unsafe)
        }
    }
}

/// `check` and `fix` take the same rule selectors: IDs, prefixes, names and `ALL`.
@Suite struct RuleSelectorCommandTests {
    @Test(arguments: [["--select", "embedded-object"], ["--select", "PL001"], ["--select", "PL00"], ["--select", "ALL"],
                      ["--select", "PL009", "--extend-select", "embedded-object"]])
    func checkAndFixSelectTheSameRules(_ selection: [String]) throws {
        let check = try CLI.run(["check"] + selection + ["samples/seed-argument.yaml"])
        #expect(check.status == 1)
        #expect(check.stdout.contains("[PL001 embedded-object]"))
        let fix = try CLI.run(["fix", "--diff"] + selection + ["samples/seed-argument.yaml"])
        #expect(fix.status == 1)
        #expect(fix.stdout.contains("+    placement: delayed"))
    }

    @Test func ignoringByNameTurnsTheRuleOffInBoth() throws {
        let check = try CLI.run(["check", "--ignore", "embedded-object", "samples/seed-argument.yaml"])
        #expect(!check.stdout.contains("PL001"))
        let fix = try CLI.run(["fix", "--diff", "--ignore", "embedded-object", "samples/seed-argument.yaml"])
        #expect(fix.stdout == "")
        #expect(fix.stderr == "No fixes to apply.\n")
    }

    @Test(arguments: ["check", "fix"])
    func anUnknownSelectorIsAUsageErrorWithASuggestion(_ command: String) throws {
        let r = try CLI.run([command, "--select", "embeded-object", "samples/seed-argument.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr == "pipelint: error: unknown rule ID, prefix or name `embeded-object`; did you mean `embedded-object`?\n")
    }
}
