import Foundation
import Testing

/// Exit statuses agree between modes, and interrupted or failed writes leave no debris.
@Suite struct ExitAndCleanupTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-exit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func fixDiffExitsOneOnAFileThatDoesNotParse() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("pipeline: [\n".utf8).write(to: dir.appendingPathComponent("bad.yaml"))
        let plain = try CLI.run(["fix", "bad.yaml"], cwd: dir)
        let diff = try CLI.run(["fix", "--diff", "bad.yaml"], cwd: dir)
        #expect(plain.status == 1)
        #expect(diff.status == 1)
        #expect(diff.stdout == "")
        #expect(diff.stderr.hasPrefix("bad.yaml:2:1: error: invalid YAML: did not find expected node content"))
        #expect(diff.stderr.hasSuffix("No fixes to apply.\n"))
    }

    /// Starts `run`, waits until `ready` holds for the output folder, sends `signal`.
    static func interrupt(_ text: String, signal sig: Int32, when ready: @escaping (URL) -> Bool) throws -> (CLI.Result, [String]) {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(text.utf8).write(to: dir.appendingPathComponent("p.yaml"))
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["run", "p.yaml", "--quiet", "-o", "out"]
        p.currentDirectoryURL = dir
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let out = dir.appendingPathComponent("out")
        let deadline = Date().addingTimeInterval(30)
        while !ready(out), p.isRunning, Date() < deadline { usleep(2_000) }
        kill(p.processIdentifier, sig)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        let left = (try? FileManager.default.contentsOfDirectory(atPath: out.path).sorted()) ?? []
        return (CLI.Result(stdout: "", stderr: e, status: p.terminationStatus), left)
    }

    @Test func sigtermWhileWritingLeavesNoPartialFilesAndSaysWhatWasKept() throws {
        // 40 million zeros persisted: a 320 MB .npy written chunk by chunk.
        let text = """
            pipeline: p
            version: 1
            cluster: {scheduler: threads, workers: 1, threads_per_worker: 2}
            arrays:
              x: {shape: [40000000], chunks: [100000], dtype: float64}
            steps:
              y: {rechunk: x, chunks: [100000]}
            outputs:
              x: persist

            """
        let (r, left) = try Self.interrupt(text, signal: SIGTERM) { out in
            ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).contains { $0.contains(".partial-") }
        }
        #expect(r.status == 130)
        #expect(left == ["memory.csv", "memory.json", "memory.svg"])
        #expect(r.stderr.hasPrefix("error: cancelled while writing results; kept in "))
        #expect(r.stderr.contains(": memory.csv, memory.json, memory.svg; no results.json, so the folder does not hold a complete run"))
    }

    @Test func exportOnAFullDiskLeavesNothingBehind() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A one-kilobyte file size limit stands in for a full disk (SIGXFSZ ignored: the write fails with EFBIG).
        let script = "trap '' XFSZ; ulimit -f 1; exec \"$0\" export --to dask \"$1\" -o out.py"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", script, CLI.binary.path, CLI.root.appendingPathComponent("samples/seed-argument.yaml").path]
        p.currentDirectoryURL = dir
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == [])
    }

    @Test func filesWithNamesThatAreNotUTF8CanBeChecked() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let seed = try Data(contentsOf: CLI.root.appendingPathComponent("samples/seed-argument.yaml"))
        let name = Array(dir.path.utf8) + Array("/bad".utf8) + [0xFF] + Array(".yaml".utf8)
        let fd = open(name.map { CChar(bitPattern: $0) } + [0], O_CREAT | O_WRONLY, 0o644)
        #expect(fd >= 0)
        _ = seed.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let scan = try CLI.run(["check", ".", "--quiet"], cwd: dir)
        #expect(scan.status == 1)
        #expect(scan.stdout.hasPrefix("bad\\xFF.yaml:14:48: warning: object `mapper`"))
        // Named on the command line: the raw bytes reach the tool through argv.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "exec \"$0\" check --quiet \"$(printf 'bad\\377.yaml')\"", CLI.binary.path]
        p.currentDirectoryURL = dir
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 1)
        #expect(text.hasPrefix("bad\\xFF.yaml:14:48: warning: object `mapper`"))
    }
}
