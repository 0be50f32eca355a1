import Foundation
import Testing

/// `pipelint run` and `pipelint compare` end to end.
@Suite struct RunCommandTests {
    static func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func graphDrawsCopiesAsTheEstimateCountsThem() throws {
        // ndarray-argument's 8 MB curve is wrapped by Dask's normalize_arg: not copied per task, not red.
        let wrapped = try CLI.run(["graph", "samples/ndarray-argument.yaml"])
        #expect(wrapped.status == 0)
        #expect(!wrapped.stdout.contains("color=red"))
        let copied = try CLI.run(["graph", "samples/seed-argument.yaml"])
        #expect(copied.stdout.contains("shape=note, color=red"))
    }

    @Test func runWritesResultsAndReportsMemory() throws {
        let out = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run(["run", "samples/seed-reduction.yaml", "--quiet", "-o", out.path])
        #expect(r.status == 0)
        #expect(r.stderr == "")
        #expect(r.stdout.hasPrefix("total = 1503365474\n317 tasks in "))
        #expect(r.stdout.contains("on distributed (made delayed: `mapper`); peak accounted memory"))
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(files == ["memory.csv", "memory.json", "memory.svg", "results.json"])
    }

    @Test func progressLinesGoToStderrWhenNotATerminal() throws {
        let out = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run(["run", "samples/seed-argument.yaml", "-o", out.path])
        #expect(r.status == 0)
        let last = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("[##############################] 201/201 tasks"))
        #expect(!r.stderr.contains("\r"))
    }

    @Test func pythonFunctionsAreRefused() throws {
        let r = try CLI.run(["run", "--engine", "bundled", "samples/model-weights.yaml", "--quiet", "-o", "/nonexistent/never"])
        #expect(r.status == 2)
        #expect(r.stdout == "")
        #expect(r.stderr.hasPrefix("samples/model-weights.yaml:26:24: error: step `scores` calls `score`, a Python function"))
        #expect(r.stderr.contains("pipelint run --engine dask samples/model-weights.yaml"))
    }

    @Test func compareChecksResultsAndDrawsBothLines() throws {
        let out = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run(["compare", "samples/seed-argument.yaml", "--quiet", "-o", out.path])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("simulated cost on the distributed scheduler:\nas written:  peak "))
        #expect(r.stdout.contains("peak object copies: mapper ×100"))
        // Delayed: one copy per worker that ran a task needing it — one or both of the two workers.
        #expect(r.stdout.contains("peak object copies: mapper ×2 (delayed: mapper)") || r.stdout.contains("peak object copies: mapper ×1 (delayed: mapper)"))
        #expect(r.stdout.contains("results: identical"))
        let svg = try String(contentsOf: out.appendingPathComponent("compare.svg"), encoding: .utf8)
        #expect(svg.components(separatedBy: "<polyline").count == 3)
        #expect(svg.contains("simulated cost on the distributed scheduler"))
    }

    @Test func interruptCancelsWithin1SecondAndWritesNothing() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let yaml = dir.appendingPathComponent("long.yaml")
        try Data("""
        pipeline: long
        version: 1
        cluster: {scheduler: distributed, workers: 2}
        arrays:
          x: {shape: [400000000], chunks: [100000], source: {random: {seed: 1}}}
        steps:
          y: {reduce: sum, over: x}
        outputs:
          y: compute

        """.utf8).write(to: yaml)
        let out = dir.appendingPathComponent("out")
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["run", yaml.path, "-o", out.path, "--quiet"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: 0.5)
        let sent = Date()
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        let took = Date().timeIntervalSince(sent)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 130)
        #expect(took < 3.0)  // prompt, with room for a loaded machine
        #expect(stderr.hasPrefix("error: cancelled after "))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("results.json").path))
    }
}
