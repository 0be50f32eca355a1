import Foundation
import Testing

/// The command-line conventions users of ruff and actionlint expect, through the real binary.
@Suite struct ConventionTests {
    static let seed = (try? String(contentsOf: CLI.root.appendingPathComponent("samples/seed-argument.yaml"), encoding: .utf8)) ?? ""
    static let nothingFound = " (pipelines are *.yaml/*.yml files with a top-level `pipeline:` key)\n"

    /// A temporary folder holding `files` (relative path → text).
    static func workspace(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pl-conventions-\(UUID().uuidString)")
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func aMissingPathIsOneErrorWithoutAPassLine() throws {
        let r = try CLI.run(["check", "no/such.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr == "pipelint: error: no/such.yaml: no such file or directory\n")
        #expect(r.stdout == "")
        let mixed = try CLI.run(["check", "samples/clean.yaml", "no/such.yaml"])
        #expect(mixed.status == 2)
        #expect(mixed.stdout == "")
    }

    @Test func findingNoPipelineWarnsAndFailOnEmptyFails() throws {
        let dir = try Self.workspace(["ci.yml": "jobs: {a: {runs-on: x}}\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["check", "."], cwd: dir)
        #expect(r.status == 0)
        #expect(r.stderr == "pipelint: warning: no pipeline files found in `.`" + Self.nothingFound)
        #expect(r.stdout == "All checks passed (0 files checked).\n")
        let strict = try CLI.run(["check", "--fail-on-empty", "."], cwd: dir)
        #expect(strict.status == 2)
        #expect(strict.stderr == r.stderr)
        #expect(try CLI.run(["check", "--fail-on-empty", "samples/clean.yaml"]).status == 0)
    }

    static let lookalikes = [
        "typo.yaml": seed.replacingOccurrences(of: "pipeline: seed-argument", with: "piepline: seed-argument"),
        "keyless.yaml": "version: 1\narrays:\n  x: {shape: [4], chunks: [2], dtype: int64, source: range}\nsteps:\n  total: {reduce: sum, over: x}\noutputs: {total: compute}\n",
        "azure-pipelines.yml": "trigger: [main]\npool: {vmImage: ubuntu-latest}\nsteps:\n  - script: echo map_blocks\n",
        "drone.yml": "kind: pipeline\ntype: docker\nname: default\nsteps:\n  - name: test\n    image: python\n    commands: [pytest]\n",
        "workflows/ci.yml": "name: ci\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo rechunk\n",
        "bitbucket-pipelines.yml": "image: python\npipelines:\n  default:\n    - step: {script: [pytest]}\n",
        "k8s.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: x}]\n",
    ]

    @Test func aPipelineWithoutItsPipelineKeyIsReportedOtherCIFilesAreNot() throws {
        let dir = try Self.workspace(Self.lookalikes)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["check", "--format", "concise", "--quiet", "."], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout == """
            keyless.yaml:1:1: error: missing required key `pipeline` (the pipeline's name) [PL901 invalid-pipeline]
            typo.yaml:1:1: error: missing required key `pipeline` (the pipeline's name) [PL901 invalid-pipeline]
            typo.yaml:1:1: error: unknown key `piepline` in the top level [PL901 invalid-pipeline]

            """)
        // The same for files handed by name with --force-exclude (pre-commit).
        let named = try CLI.run(["check", "--format", "concise", "--quiet", "--force-exclude"] + Self.lookalikes.keys.sorted(), cwd: dir)
        #expect(named.stdout == r.stdout.split(separator: "\n").sorted().joined(separator: "\n") + "\n")
    }

    @Test func gitignoreAndIgnoreFilesAreHonouredInScans() throws {
        let dir = try Self.workspace([
            ".gitignore": "# generated\ngenerated/\n*.tmp.yaml\n!keep.tmp.yaml\n/top-only.yaml\n",
            ".git/info/exclude": "local.yaml\n",
            "sub/.ignore": "old.yaml\n",
            "p.yaml": Self.seed, "generated/p.yaml": Self.seed, "a.tmp.yaml": Self.seed, "keep.tmp.yaml": Self.seed,
            "top-only.yaml": Self.seed, "sub/top-only.yaml": Self.seed, "sub/old.yaml": Self.seed, "sub/new.yaml": Self.seed,
            "local.yaml": Self.seed,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        func files(_ args: [String], cwd: URL) throws -> [String] {
            let r = try CLI.run(["check", "--format", "concise", "--quiet"] + args, cwd: cwd)
            return r.stdout.split(separator: "\n").map { String($0.prefix { $0 != ":" }) }
        }
        #expect(try files(["."], cwd: dir) == ["keep.tmp.yaml", "p.yaml", "sub/new.yaml", "sub/top-only.yaml"])
        #expect(try files(["--no-ignore", "."], cwd: dir).count == 9)
        // Scanning a subfolder still applies the repository's files above it.
        #expect(try files(["."], cwd: dir.appendingPathComponent("sub")) == ["new.yaml", "top-only.yaml"])
        // `.ignore` overrides `.gitignore`, even from a folder above.
        try "!sub/keep/\n".write(to: dir.appendingPathComponent(".ignore"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub/keep"), withIntermediateDirectories: true)
        try "keep/\n".write(to: dir.appendingPathComponent("sub/.gitignore"), atomically: true, encoding: .utf8)
        try Self.seed.write(to: dir.appendingPathComponent("sub/keep/k.yaml"), atomically: true, encoding: .utf8)
        #expect(try files(["sub"], cwd: dir) == ["sub/keep/k.yaml", "sub/new.yaml", "sub/top-only.yaml"])
        // A file named on the command line is always checked.
        #expect(try files(["generated/p.yaml"], cwd: dir) == ["generated/p.yaml"])
        // Outside a git repository `.gitignore` does not count; `.ignore` does.
        try FileManager.default.removeItem(at: dir.appendingPathComponent(".git"))
        #expect(try files(["."], cwd: dir).count == 9)
    }

    @Test func checkFixAndUnknownNamesSayWhatToRun() throws {
        let fix = try CLI.run(["check", "--fix", "samples/seed-argument.yaml"])
        #expect(fix.status == 2)
        #expect(fix.stderr == "pipelint: error: `check` does not fix files (`--fix`); fixing is `pipelint fix PATH...` (`pipelint fix --diff` shows the changes without writing them)\n")
        let typo = try CLI.run(["chekc", "samples"])
        #expect(typo.status == 2)
        #expect(typo.stderr == "pipelint: error: unknown command `chekc`; did you mean `check`?\n")
        let path = try CLI.run(["samples"])
        #expect(path.stderr == "pipelint: error: unknown command `samples`; to lint it: `pipelint check samples`\n")
        let rule = try CLI.run(["explain", "embeded-object"])
        #expect(rule.status == 2)
        #expect(rule.stderr == "pipelint: error: unknown rule `embeded-object`; did you mean `embedded-object`?\n")
    }

    @Test func everyIDInOutputHasAPage() throws {
        let rules = try CLI.run(["rules"]).stdout.split(separator: "\n").compactMap { $0.hasPrefix("PL") ? String($0.prefix(5)) : nil }
        #expect(rules.count >= 15)
        for id in rules + ["PL900", "PL901", "invalid-yaml"] {
            let r = try CLI.run(["explain", id])
            #expect(r.status == 0, "\(id)")
            #expect(r.stdout.hasPrefix("# PL"), "\(id)")
        }
        let page = try CLI.run(["explain", "PL900"]).stdout
        #expect(page.contains("example.yaml:3:17: error: invalid YAML: did not find expected ',' or ']'"))
        #expect(page.contains("## Fix safety"))
    }

    @Test func statisticsPrintsOnlyTheCountsAndMarksFixabilityHonestly() throws {
        let r = try CLI.run(["check", "--statistics", "samples/seed-argument.yaml", "samples/model-weights.yaml", "samples/seed-scatter.yaml"])
        #expect(r.status == 1)
        // One PL001 fix is safe, the other needs --unsafe-fixes: not [*].
        #expect(r.stdout == "2\tPL001\t[-] embedded-object\n1\tPL012\t[ ] scatter-replicas\n")
        let safe = try CLI.run(["check", "--statistics", "samples/seed-argument.yaml", "samples/seed-method.yaml"])
        #expect(safe.stdout == "2\tPL001\t[*] embedded-object\n")
        let none = try CLI.run(["check", "--statistics", "samples/seed-scatter.yaml"])
        #expect(none.stdout == "1\tPL012\tscatter-replicas\n")
    }
}

/// `fix` follows the same conventions for paths.
@Suite struct FixConventionTests {
    @Test func aMissingPathOrAnEmptyScan() throws {
        let missing = try CLI.run(["fix", "no/such.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "pipelint: error: no/such.yaml: no such file or directory\n")
        #expect(missing.stdout == "")
        let dir = try ConventionTests.workspace(["ci.yml": "jobs: {a: {runs-on: x}}\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let empty = try CLI.run(["fix", "."], cwd: dir)
        #expect(empty.status == 0)
        #expect(empty.stderr == "pipelint: warning: no pipeline files found in `.`" + ConventionTests.nothingFound)
        #expect(empty.stdout == "No fixes applied; nothing left.\n")
    }
}
