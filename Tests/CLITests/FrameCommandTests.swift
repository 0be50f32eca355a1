import Foundation
import Testing

/// DataFrame pipelines (format 1.2) on the commands that execute: one located refusal, exit 2,
/// nothing written, on either engine.
@Suite struct FrameCommandTests {
    static let refusal = """
        samples/frame-zip-regions.yaml:11:3: error: `%@` does not execute DataFrame pipelines yet (format 1.2): frame `people`
          = help: check it with `pipelint check` and `pipelint estimate`; `pipelint export --to dask` writes the Dask program

        """

    @Test(arguments: [(["run"], "run"), (["run", "--engine", "dask"], "run"), (["compare"], "compare"), (["compare", "--engine", "both"], "compare")])
    func executingCommandsRefuseFrames(_ command: [String], _ name: String) throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-frames-\(UUID().uuidString)")
        let r = try CLI.run(command + ["samples/frame-zip-regions.yaml", "-o", out.path])
        #expect(r.status == 2)
        #expect(r.stderr == Self.refusal.replacingOccurrences(of: "%@", with: name))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func fixVerifyLeavesTheFileAndSaysWhy() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-frames-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("zip.yaml")
        let original = try Data(contentsOf: CLI.root.appendingPathComponent("samples/frame-zip-regions.yaml"))
        try original.write(to: file)
        let r = try CLI.run(["fix", "--verify", file.path])
        #expect(r.stderr.contains("not fixed: verification failed: `fix --verify` does not execute DataFrame pipelines yet (format 1.2): frame `people`"))
        #expect(try Data(contentsOf: file) == original)
        // Without --verify the safe fix applies.
        let fixed = try CLI.run(["fix", file.path])
        #expect(fixed.status == 0)
        #expect(try String(contentsOf: file, encoding: .utf8) == (try String(contentsOf: CLI.root.appendingPathComponent("samples/fixed/frame-zip-regions.yaml"), encoding: .utf8)))
    }
}
