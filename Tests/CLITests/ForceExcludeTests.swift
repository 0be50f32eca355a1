import Foundation
import Testing

/// `--force-exclude` (for pre-commit, which hands a hook every YAML file by name): named files
/// that a directory scan would skip — not a pipeline, or excluded by `.pipelint.yml` — are skipped.
@Suite struct ForceExcludeTests {
    static let workflow = "name: ci\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n"
    static let azure = "trigger: [main]\nsteps:\n  - script: echo hi\n"

    func workspace() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pl-force-exclude-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("vendor"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("samples/seed-argument.yaml"), to: dir.appendingPathComponent("seed.yaml"))
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("samples/seed-argument.yaml"), to: dir.appendingPathComponent("vendor/seed.yaml"))
        try Self.workflow.write(to: dir.appendingPathComponent("ci.yml"), atomically: true, encoding: .utf8)
        try Self.azure.write(to: dir.appendingPathComponent("azure-pipelines.yml"), atomically: true, encoding: .utf8)
        try "exclude: [vendor]\n".write(to: dir.appendingPathComponent(".pipelint.yml"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func namedFilesAreLintedWithoutTheFlag() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["check", "--quiet", "seed.yaml", "ci.yml", "azure-pipelines.yml", "vendor/seed.yaml"], cwd: dir)
        #expect(r.status == 1)
        for name in ["seed.yaml:", "ci.yml:", "azure-pipelines.yml:", "vendor/seed.yaml:"] {
            #expect(r.stdout.contains("\n" + name) || r.stdout.hasPrefix(name), "\(name) not reported")
        }
    }

    @Test func checkSkipsNonPipelinesAndExcludedFiles() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["check", "--force-exclude", "seed.yaml", "ci.yml", "azure-pipelines.yml", "vendor/seed.yaml"], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("seed.yaml:14:48: warning:"))
        #expect(!r.stdout.contains("ci.yml") && !r.stdout.contains("azure-pipelines.yml") && !r.stdout.contains("vendor/"))
        #expect(r.stdout.hasSuffix("Found 1 warning in 1 of 1 file.\n1 fixable with `pipelint fix`.\n"))
        let none = try CLI.run(["check", "--force-exclude", "ci.yml", "azure-pipelines.yml"], cwd: dir)
        #expect(none.status == 0)
        #expect(none.stderr == "pipelint: warning: no pipeline files found in `ci.yml`, `azure-pipelines.yml` (pipelines are *.yaml/*.yml files with a top-level `pipeline:` key)\n")
    }

    @Test func fixLeavesNonPipelinesAndExcludedFilesAlone() throws {
        let dir = try workspace()
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = try String(contentsOf: dir.appendingPathComponent("seed.yaml"), encoding: .utf8)
        let r = try CLI.run(["fix", "--force-exclude", "seed.yaml", "ci.yml", "azure-pipelines.yml", "vendor/seed.yaml"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("seed.yaml"), encoding: .utf8).contains("placement: delayed"))
        #expect(try String(contentsOf: dir.appendingPathComponent("vendor/seed.yaml"), encoding: .utf8) == original)
        #expect(try String(contentsOf: dir.appendingPathComponent("ci.yml"), encoding: .utf8) == Self.workflow)
        #expect(try String(contentsOf: dir.appendingPathComponent("azure-pipelines.yml"), encoding: .utf8) == Self.azure)
    }
}
