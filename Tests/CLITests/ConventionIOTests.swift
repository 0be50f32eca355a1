import Foundation
import Testing

/// Standard input, output files, formats and colour, single-file commands, diffs, baselines and help.
@Suite struct ConventionIOTests {
    static let seed = ConventionTests.seed
    static let golden = ((try? String(contentsOf: CLI.root.appendingPathComponent("samples/expected/seed-argument.out"), encoding: .utf8)) ?? "")
        .replacingOccurrences(of: "exit status: 1\n", with: "")

    @Test func standardInputIsCheckedUnderItsStdinFilename() throws {
        let r = try CLI.run(["check", "-", "--stdin-filename", "samples/seed-argument.yaml"], stdin: Self.seed)
        #expect(r.status == 1)
        #expect(r.stdout == Self.golden)
        let unnamed = try CLI.run(["check", "--format", "concise", "--quiet", "-"], stdin: Self.seed)
        #expect(unnamed.stdout.hasPrefix("-:14:48: warning: object `mapper`"))
    }

    @Test func outputFileTakesTheReport() throws {
        let dir = try ConventionTests.workspace([:])
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("report.txt")
        let r = try CLI.run(["check", "--output-file", file.path, "samples/seed-argument.yaml"])
        #expect(r.status == 1)
        #expect(r.stdout == "")
        #expect(try String(contentsOf: file, encoding: .utf8) == Self.golden)
        let bad = try CLI.run(["check", "--output-file", dir.appendingPathComponent("no/such/dir/r.txt").path, "samples/seed-argument.yaml"])
        #expect(bad.status == 2)
        #expect(bad.stderr.hasSuffix("/no/such/dir/r.txt: No such file or directory\n"))
    }

    @Test func conciseIsOneLinePerFinding() throws {
        let r = try CLI.run(["check", "--format", "concise", "samples/seed-argument.yaml", "samples/seed-scatter.yaml"])
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("samples/seed-argument.yaml:14:48: warning: object `mapper` (≈ 236 KiB pickled by value"))
        #expect(lines[0].hasSuffix("(sizeof sees 56 B) [PL001 embedded-object]"))
        #expect(lines[1].hasPrefix("samples/seed-scatter.yaml:11:16: info: object `mapper` is scattered"))
        #expect(lines[2] == "Found 1 warning, 1 info in 2 of 2 files.")
        #expect(lines[3] == "1 fixable with `pipelint fix`.")
    }

    @Test func colourFollowsTheFlagThenForceColorThenNoColor() throws {
        let file = "samples/seed-argument.yaml"
        let esc = "\u{1B}["
        #expect(try !CLI.run(["check", file]).stdout.contains(esc))
        #expect(try CLI.run(["check", "--color", "always", file]).stdout.hasPrefix("\(esc)1msamples/seed-argument.yaml:14:48:\(esc)0m"))
        #expect(try CLI.run(["check", file], env: ["FORCE_COLOR": "1"]).stdout.contains(esc))
        #expect(try !CLI.run(["check", "--color", "never", file], env: ["FORCE_COLOR": "1"]).stdout.contains(esc))
        #expect(try !CLI.run(["check", file], env: ["FORCE_COLOR": "0"]).stdout.contains(esc))
        #expect(try CLI.run(["check", "--format", "concise", "--color", "always", file]).stdout.contains(esc))
        let bad = try CLI.run(["check", "--color", "sometimes", file])
        #expect(bad.status == 2)
    }

    @Test(arguments: ["estimate", "run", "graph", "compare", "export"])
    func singleFileCommandsSayWhatTheyExpect(_ command: String) throws {
        let prefix = command == "export" ? ["export", "--to", "dask"] : [command]
        let folder = try CLI.run(prefix + ["samples"])
        #expect(folder.status == 2)
        #expect(folder.stderr == "pipelint: error: samples is a folder; `pipelint \(command)` takes one pipeline file (`pipelint check samples` lints a folder)\n")
        let missing = try CLI.run(prefix + ["no/such.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "pipelint: error: no/such.yaml does not exist; `pipelint \(command)` takes one pipeline file (YAML with a top-level `pipeline:` key)\n")
    }

    @Test func ioErrorsAreWordedByTheSystem() throws {
        let cases: [([String], String)] = [
            (["run", "--quiet", "-o", "/dev/null/out", "samples/seed-argument.yaml"], "pipelint: error: cannot create the output folder /dev/null/out: /dev/null/out: Not a directory\n"),
            (["compare", "--quiet", "-o", "/dev/null/out", "samples/seed-argument.yaml"], "pipelint: error: cannot create the output folder /dev/null/out: /dev/null/out: Not a directory\n"),
            (["export", "--to", "dask", "-o", "/dev/null/x.py", "samples/seed-argument.yaml"], "pipelint: error: cannot write /dev/null/x.py: Not a directory\n"),
            (["check", "--write-baseline", "/dev/null/b.json", "samples/seed-argument.yaml"], "pipelint: error: cannot write /dev/null/b.json: Not a directory\n"),
        ]
        for (args, message) in cases {
            let r = try CLI.run(args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr == message, "\(args)")
            #expect(!r.stderr.contains("NSCocoaErrorDomain") && !r.stderr.contains("could not be completed"))
        }
    }

    @Test func diffPathsAreWrittenAsGitWritesThem() throws {
        let dir = try ConventionTests.workspace(["x.yaml": Self.seed, "sub/y.yaml": Self.seed])
        defer { try? FileManager.default.removeItem(at: dir) }
        let absolute = dir.appendingPathComponent("x.yaml").path
        let abs = try CLI.run(["fix", "--diff", absolute], cwd: dir)
        #expect(abs.stdout.hasPrefix("--- a\(absolute)\n+++ b\(absolute)\n@@ -8,6 +8,7 @@\n"))
        let dotted = try CLI.run(["fix", "--diff", "./x.yaml", ".//sub/./y.yaml"], cwd: dir)
        #expect(dotted.stdout.hasPrefix("--- a/x.yaml\n+++ b/x.yaml\n"))
        #expect(dotted.stdout.contains("\n--- a/sub/y.yaml\n+++ b/sub/y.yaml\n"))
        // The diff applies with git as written.
        let patch = dir.appendingPathComponent("fix.patch")
        try dotted.stdout.write(to: patch, atomically: true, encoding: .utf8)
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "apply", "--check", "--unsafe-paths", patch.path]
        git.currentDirectoryURL = dir
        try git.run()
        git.waitUntilExit()
        #expect(git.terminationStatus == 0)
    }

    @Test func diffWithOnlyUnsafeFixesGivesTheHint() throws {
        // csv-lookup's table embedded: its fix is unsafe (the CSV must exist on the workers).
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-unsafe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("samples/tables"), to: dir.appendingPathComponent("tables"))
        let text = try String(contentsOf: CLI.root.appendingPathComponent("samples/csv-lookup.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "    placement: delayed                 # the file must exist on the workers (same relative path)\n", with: "")
        try text.write(to: dir.appendingPathComponent("lookup.yaml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["fix", "--diff", "lookup.yaml"], cwd: dir)
        #expect(r.status == 0)
        #expect(r.stdout == "")
        #expect(r.stderr == "No fixes to apply.\n1 more fix available with `--unsafe-fixes`.\n")
    }

    @Test func baselineSaysWhatItHidAndWhatIsStale() throws {
        let dir = try ConventionTests.workspace(["a.yaml": Self.seed, "b.yaml": Self.seed])
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = try CLI.run(["check", "--write-baseline", "base.json", "a.yaml", "b.yaml"], cwd: dir)
        #expect(written.stderr == "wrote 2 findings to base.json\n")
        let r = try CLI.run(["check", "--baseline", "base.json", "a.yaml", "b.yaml"], cwd: dir)
        #expect(r.status == 0)
        #expect(r.stderr == "baseline base.json: 2 findings hidden\n")
        _ = try CLI.run(["fix", "b.yaml"], cwd: dir)
        let stale = try CLI.run(["check", "--baseline", "base.json", "a.yaml", "b.yaml"], cwd: dir)
        #expect(stale.stderr == "baseline base.json: 1 finding hidden; 1 entry no longer found (rewrite it with `--write-baseline`)\n")
        // Entries of files not checked in this run are not stale.
        let one = try CLI.run(["check", "--baseline", "base.json", "a.yaml"], cwd: dir)
        #expect(one.stderr == "baseline base.json: 1 finding hidden\n")
    }

    @Test(arguments: ["check", "fix", "estimate", "run", "compare", "export", "graph", "rules", "explain"])
    func helpBreaksLinesOnlyBetweenSentences(_ command: String) throws {
        let help = try CLI.run([command, "--help"], env: ["COLUMNS": "1000"]).stdout
        let discussion = help.components(separatedBy: "\n\n").dropFirst().prefix { !$0.hasPrefix("USAGE:") }
        for line in discussion.joined(separator: "\n").split(separator: "\n") {
            #expect(line.hasSuffix(".") || line.hasSuffix(":"), "\(command): \(line)")
        }
    }
}
