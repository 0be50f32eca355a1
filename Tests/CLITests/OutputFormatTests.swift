import Foundation
import Testing

/// Every output format, run through the real binary.
@Suite struct OutputFormatTests {
    func workspace(_ files: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pl-formats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files {
            let url = dir.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return dir
    }

    var seed: String { (try? String(contentsOf: CLI.root.appendingPathComponent("samples/seed-argument.yaml"), encoding: .utf8)) ?? "" }

    /// `load:` paths are looked up next to the pipeline file, wherever `check` runs from.
    @Test func aMissingLoadedFileIsAnErrorAtItsPath() throws {
        let text = """
            pipeline: p
            version: 1
            objects:
              table: {series: {load: tables/codes.csv, length: 3}}
            functions:
              f: {params: [block, table], kernel: take}
            arrays:
              x: {shape: [4], chunks: [2], dtype: int64, source: {load: data/x.npy}}
            steps:
              s: {map_blocks: f, over: [x], args: [table]}
            outputs: {s: compute}

            """
        let dir = try workspace(["pipelines/p.yaml": text, "pipelines/tables/codes.csv": "1\n2\n3\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["check", "--select", "PL015", "pipelines/p.yaml"], cwd: dir)
        #expect(r.stdout.hasPrefix("pipelines/p.yaml:8:61: error: `data/x.npy` does not exist (relative to the pipeline's folder) [PL015 missing-file]\n"))
        #expect(r.stdout.hasSuffix("Found 1 error in 1 of 1 file.\n"), "\(r.stdout)")
        #expect(r.status == 1)
        try "x".write(to: dir.appendingPathComponent("pipelines/data/x.npy", isDirectory: false).creatingFolder(), atomically: true, encoding: .utf8)
        let clean = try CLI.run(["check", "--select", "PL015", "pipelines/p.yaml"], cwd: dir)
        #expect(clean.status == 0, "\(clean.stdout)")
    }

    @Test func sarifHasRulesIndexesFingerprintsAndCodePointColumns() throws {
        let r = try CLI.run(["check", "--format", "sarif", "samples/seed-argument.yaml", "samples/seed-scatter.yaml"])
        #expect(r.status == 1)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(doc["version"] as? String == "2.1.0")
        let run = try #require((doc["runs"] as? [[String: Any]])?.first)
        #expect(run["columnKind"] as? String == "unicodeCodePoints")
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 2)
        for res in results {
            let i = try #require(res["ruleIndex"] as? Int)
            #expect(rules[i]["id"] as? String == res["ruleId"] as? String)
            #expect(((res["partialFingerprints"] as? [String: String])?["pipelint/v1"])?.count == 16)
        }
        let first = results[0]
        #expect(first["ruleId"] as? String == "PL001")
        let region = try #require((((first["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any])?["region"] as? [String: Any])
        #expect(region["startLine"] as? Int == 14)
        #expect(region["startColumn"] as? Int == 48)
        #expect(region["endColumn"] as? Int == 54)
        #expect(results[1]["level"] as? String == "note")
        #expect((rules[i("PL001", rules)]["helpUri"] as? String)?.hasSuffix("rules/PL001-embedded-object.md") == true)
    }

    func i(_ id: String, _ rules: [[String: Any]]) -> Int { rules.firstIndex { $0["id"] as? String == id } ?? 0 }

    @Test func githubAnnotationsEscapeMessagesAndProperties() throws {
        // A path with a comma, and a finding whose text has a colon; the message spans two lines (problem + fix).
        let dir = try workspace(["a,b/p:1.yaml": seed])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["check", "a,b/p:1.yaml"], cwd: dir, env: ["GITHUB_ACTIONS": "true"])
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("::warning file=a%2Cb/p%3A1.yaml,line=14,col=48,endLine=14,endColumn=54,title=PL001 embedded-object::object `mapper`"))
        #expect(r.stdout.contains("sizeof sees 56 B)%0Abuild it inside one task: add `placement: delayed` to object `mapper` (safe fix)\n"))
        #expect(r.stdout.split(separator: "\n").count == 1)
    }

    @Test func junitAndGitlab() throws {
        let j = try CLI.run(["check", "--format", "junit", "samples/seed-argument.yaml", "samples/clean.yaml"])
        #expect(j.stdout.contains("<testsuite name=\"pipelint\" tests=\"2\" failures=\"1\" errors=\"0\">"))
        #expect(j.stdout.contains("<testcase classname=\"pipelint\" name=\"samples/clean.yaml\"/>"))
        #expect(j.stdout.contains("<failure type=\"PL001 embedded-object\" message=\"object `mapper`"))
        let g = try CLI.run(["check", "--format", "gitlab", "samples/seed-argument.yaml"])
        let issues = try #require(try JSONSerialization.jsonObject(with: Data(g.stdout.utf8)) as? [[String: Any]])
        #expect(issues.count == 1)
        #expect(issues[0]["check_name"] as? String == "PL001 embedded-object")
        #expect(issues[0]["severity"] as? String == "minor")
        #expect(((issues[0]["location"] as? [String: Any])?["path"]) as? String == "samples/seed-argument.yaml")
    }

    @Test func invalidPipelinesAreErrorFindingsInEveryFormat() throws {
        let dir = try workspace(["bad.yaml": "pipeline: bad\nversion: 1\nsteps: {a: [1, 2}\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        for format in ["text", "json", "sarif", "github", "junit", "gitlab"] {
            let r = try CLI.run(["check", "--format", format, "bad.yaml"], cwd: dir)
            #expect(r.status == 1, "\(format)")
            #expect(r.stdout.contains("PL900"), "\(format)")
        }
    }

    @Test func failOnExitZeroStatisticsQuiet() throws {
        #expect(try CLI.run(["check", "samples/seed-scatter.yaml"]).status == 0)
        #expect(try CLI.run(["check", "--fail-on", "info", "samples/seed-scatter.yaml"]).status == 1)
        #expect(try CLI.run(["check", "--fail-on", "error", "samples/seed-argument.yaml"]).status == 0)
        #expect(try CLI.run(["check", "--exit-zero", "samples/seed-argument.yaml"]).status == 0)
        let s = try CLI.run(["check", "--statistics", "--quiet", "samples/seed-argument.yaml", "samples/seed-method.yaml"])
        #expect(s.stdout == "2\tPL001\t[*] embedded-object\n")
    }

    @Test func configurationFileIsFoundAndHonoured() throws {
        let dir = try workspace([
            ".pipelint.yml": "ignore: [PL001]\n",
            "p/seed.yaml": seed,
        ])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try CLI.run(["check", "p/seed.yaml"], cwd: dir).status == 0)
        #expect(try CLI.run(["check", "--select", "PL001", "p/seed.yaml"], cwd: dir).status == 1)
        try "severity: {PL001: loud}\n".write(to: dir.appendingPathComponent(".pipelint.yml"), atomically: true, encoding: .utf8)
        let bad = try CLI.run(["check", "p/seed.yaml"], cwd: dir)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains(".pipelint.yml:1:19: severity must be `error`, `warning` or `info`"))
        #expect(try CLI.run(["check", "--ignore", "PL999", "p/seed.yaml"], cwd: dir).status == 2)
    }

    @Test func theFileSizeLimitComesFromTheConfiguration() throws {
        let dir = try workspace([".pipelint.yml": "limits: {max-file-bytes: 100}\n", "seed.yaml": seed])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["check", "seed.yaml"], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("seed.yaml:1:1: error: file is \(seed.utf8.count) bytes, over the 100-byte limit [PL900 invalid-yaml]"))
    }

    @Test func baselineRoundTrip() throws {
        let dir = try workspace(["seed.yaml": seed])
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try CLI.run(["check", "--write-baseline", "base.json", "seed.yaml"], cwd: dir)
        #expect(w.status == 0)
        #expect(try CLI.run(["check", "--baseline", "base.json", "seed.yaml"], cwd: dir).status == 0)
        try "{\"tool\": \"pipelint\", \"version\": 9, \"findings\": []}".write(to: dir.appendingPathComponent("old.json"), atomically: true, encoding: .utf8)
        let old = try CLI.run(["check", "--baseline", "old.json", "seed.yaml"], cwd: dir)
        #expect(old.status == 2)
        #expect(old.stderr.contains("baseline format version 9 is not supported"))
    }
}

@Suite struct DocsExamplesTests {
    /// The README shows the tool's exact output on the seed.
    @Test func readmeExampleIsCurrent() throws {
        let readme = try String(contentsOf: CLI.root.appendingPathComponent("README.md"), encoding: .utf8)
        let prompt = "$ swift run pipelint check samples/seed-argument.yaml\n"
        let start = try #require(readme.range(of: prompt))
        let end = try #require(readme.range(of: "```", range: start.upperBound..<readme.endIndex))
        let r = try CLI.run(["check", "samples/seed-argument.yaml"])
        #expect(String(readme[start.upperBound..<end.lowerBound]) == r.stdout)
    }

    /// docs/output-formats.md shows the tool's exact JSON on the seed.
    @Test func jsonExampleInTheDocsIsCurrent() throws {
        let doc = try String(contentsOf: CLI.root.appendingPathComponent("docs/output-formats.md"), encoding: .utf8)
        let start = try #require(doc.range(of: "```json\n"))
        let end = try #require(doc.range(of: "```\n", range: start.upperBound..<doc.endIndex))
        let shown = String(doc[start.upperBound..<end.lowerBound])
        let r = try CLI.run(["check", "--format", "json", "samples/seed-argument.yaml"])
        #expect(shown == r.stdout)
    }
}

extension URL {
    /// Creates the folder the URL is in, and returns the URL.
    func creatingFolder() throws -> URL {
        try FileManager.default.createDirectory(at: deletingLastPathComponent(), withIntermediateDirectories: true)
        return self
    }
}
