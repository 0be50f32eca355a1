import Foundation
import Testing

/// `--engine dask` end to end. The preflight's messages are checked with stand-in interpreters
/// (shell scripts answering as the check script would), so they run everywhere; the runs need a
/// Python with dask, distributed, numpy and pandas and skip without one, except under
/// PIPELINT_REQUIRE_PYTHON=1 (CI, with the cross-check's virtualenv).
@Suite struct DaskEngineTests {
    static func tempDir() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A stand-in interpreter that prints `report` (the check script's JSON line) and exits 0.
    static func fakePython(_ report: String, in dir: URL) throws -> String {
        let path = dir.appendingPathComponent("python").path
        try "#!/bin/sh\ncat <<'EOF'\n\(report)\nEOF\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
        return path
    }

    static let python: String? = {
        let env = ProcessInfo.processInfo.environment
        let candidates = [env["PIPELINT_PYTHON"], CLI.root.appendingPathComponent(".venv-crosscheck/bin/python").path,
                          "/usr/local/bin/python3", "/usr/bin/python3"].compactMap { $0 }
        return candidates.first { p in
            guard FileManager.default.isExecutableFile(atPath: p) else { return false }
            let proc = Process()
            proc.executableURL = URL(fileURLWithPath: p)
            proc.arguments = ["-c", "import numpy, pandas, dask, distributed"]
            proc.standardOutput = FileHandle.nullDevice
            proc.standardError = FileHandle.nullDevice
            guard (try? proc.run()) != nil else { return false }
            proc.waitUntilExit()
            return proc.terminationStatus == 0
        }
    }()
    static let pythonRequired = ProcessInfo.processInfo.environment["PIPELINT_REQUIRE_PYTHON"] == "1"

    // MARK: engine choice and preflight (no Python needed)

    @Test func autoRunsBuiltInKernelsOnTheBundledExecutorWithoutPython() throws {
        let out = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run(["run", "samples/seed-argument.yaml", "--quiet", "-o", out.path], env: ["PIPELINT_PYTHON": "/nonexistent/python"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("peak accounted memory"))
    }

    @Test func noPythonIsOneMessageAndExit2() throws {
        let r = try CLI.run(["run", "samples/importable-global.yaml", "--quiet", "-o", "/nonexistent/never"], env: ["PIPELINT_PYTHON": "/nonexistent/python"])
        #expect(r.status == 2)
        #expect(r.stdout == "")
        #expect(r.stderr == """
        error: the dask engine needs Python: PIPELINT_PYTHON=/nonexistent/python is not an executable file
          = help: point PIPELINT_PYTHON at a Python that has dask, distributed, numpy and pandas (pip install 'dask[distributed]==2026.8.0' numpy pandas)

        """)
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent/never"))
    }

    @Test func pythonWithoutDaskNamesWhatIsMissingAndThePipLine() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let python = try Self.fakePython(#"{"python": "/x", "version": "3.12.1", "versions": {"numpy": "2.4.6", "regions.lookup": ""}, "missing": {"dask": "ModuleNotFoundError: No module named 'dask'", "distributed": "ModuleNotFoundError: No module named 'distributed'", "pandas": "ModuleNotFoundError: No module named 'pandas'"}}"#, in: dir)
        let r = try CLI.run(["run", "--engine", "dask", "samples/seed-argument.yaml", "--quiet", "-o", dir.appendingPathComponent("out").path], env: ["PIPELINT_PYTHON": python])
        #expect(r.status == 2)
        #expect(r.stderr == """
        error: the dask engine needs dask, distributed, numpy and pandas; \(python) (Python 3.12.1) cannot import dask (ModuleNotFoundError: No module named 'dask'), distributed (ModuleNotFoundError: No module named 'distributed'), pandas (ModuleNotFoundError: No module named 'pandas')
          = help: \(python) -m pip install 'dask==2026.8.0' 'distributed==2026.8.0' pandas (or set PIPELINT_PYTHON to another Python)

        """)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    @Test func anOldDaskIsRefusedWithTheSupportedVersions() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let python = try Self.fakePython(#"{"python": "/x", "version": "3.11.2", "versions": {"dask": "2023.5.1", "distributed": "2023.5.1", "numpy": "1.26.0", "pandas": "2.1.0"}, "missing": {}}"#, in: dir)
        let r = try CLI.run(["run", "--engine", "dask", "samples/seed-argument.yaml", "--quiet", "-o", dir.appendingPathComponent("out").path], env: ["PIPELINT_PYTHON": python])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: the dask engine supports dask and distributed 2024.12.0 or later, of the same version (tested with 2026.8.0); \(python) has dask 2023.5.1 and distributed 2023.5.1\n"))
    }

    @Test func aPythonModuleThatDoesNotImportIsLocatedAtItsReference() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let python = try Self.fakePython(#"{"python": "/x", "version": "3.12.1", "versions": {"dask": "2026.8.0", "distributed": "2026.8.0", "numpy": "2.4.6", "pandas": "3.1.1"}, "missing": {"regions.lookup": "ModuleNotFoundError: No module named 'regions'"}}"#, in: dir)
        let r = try CLI.run(["run", "samples/importable-global.yaml", "--quiet", "-o", dir.appendingPathComponent("out").path], env: ["PIPELINT_PYTHON": python])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("samples/importable-global.yaml:9:11: error: python: module `regions.lookup` does not import under \(python): ModuleNotFoundError: No module named 'regions'\n"))
    }

    @Test func schedulerAddressNeedsTheDaskEngineAndADaskAddress() throws {
        let a = try CLI.run(["run", "--engine", "bundled", "--scheduler-address", "tcp://127.0.0.1:8786", "samples/seed-argument.yaml"])
        #expect(a.status == 2)
        #expect(a.stderr == "pipelint: error: --scheduler-address needs the dask engine (the bundled executor runs in this process)\n")
        let b = try CLI.run(["run", "--scheduler-address", "127.0.0.1:8786", "samples/seed-argument.yaml"])
        #expect(b.status == 2)
        #expect(b.stderr == "pipelint: error: --scheduler-address `127.0.0.1:8786` is not a Dask address (tcp://HOST:PORT)\n")
        let c = try CLI.run(["run", "--cluster", "kubernetes", "samples/seed-argument.yaml"])
        #expect(c.status == 2)
        #expect(c.stderr == "pipelint: error: unknown --cluster `kubernetes` (supported: local; use --scheduler-address for an existing cluster)\n")
    }

    @Test func compareOnBothEnginesRefusesWhatTheBundledOneCannotRun() throws {
        let r = try CLI.run(["compare", "--engine", "both", "samples/importable-global.yaml", "--quiet", "-o", "/nonexistent/never"],
                            env: ["PIPELINT_PYTHON": "/nonexistent/python"])
        #expect(r.status == 2)
        #expect(r.stderr == """
        samples/importable-global.yaml:9:11: error: compare --engine both: the bundled executor cannot run this pipeline: it calls python: code (`regions.lookup`)
          = help: compare it on Dask alone: --engine dask

        """)
        let run = try CLI.run(["run", "--engine", "both", "samples/seed-argument.yaml"])
        #expect(run.status == 2)
        #expect(run.stderr == "pipelint: error: --engine both is for `compare` (bundled, dask or auto here)\n")
    }

    // MARK: on real Dask

    @Test(.enabled(if: python != nil || pythonRequired, "needs a Python with dask, distributed, numpy and pandas"))
    func compareOnBothEnginesChecksTheResultsAcrossThem() throws {
        let python = try #require(Self.python, "no Python with dask; PIPELINT_REQUIRE_PYTHON=1 is set")
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["compare", "--engine", "both", "samples/seed-reduction.yaml", "--quiet", "-o", dir.path], env: ["PIPELINT_PYTHON": python])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("simulated cost on the distributed scheduler:\n"))
        #expect(r.stdout.contains("\nmeasured on Dask "))
        #expect(r.stdout.hasSuffix("\nengines: bundled and dask results identical, as written and optimized\n"))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["bundled", "compare.json", "compare.svg"])
    }

    @Test(.enabled(if: python != nil || pythonRequired, "needs a Python with dask, distributed, numpy and pandas (set PIPELINT_PYTHON, or run crosscheck/run.sh)"))
    func daskGivesTheBundledResultsInTheSameLayout() throws {
        let python = try #require(Self.python, "no Python with dask; PIPELINT_REQUIRE_PYTHON=1 is set")
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let bundled = try CLI.run(["run", "--engine", "bundled", "samples/seed-reduction.yaml", "--quiet", "-o", dir.appendingPathComponent("b").path])
        let dask = try CLI.run(["run", "--engine", "dask", "samples/seed-reduction.yaml", "--quiet", "-o", dir.appendingPathComponent("d").path], env: ["PIPELINT_PYTHON": python])
        #expect(bundled.status == 0 && dask.status == 0, "\(dask.stderr)")
        #expect(dask.stdout.hasPrefix("total = 1503365474\n"))
        #expect(dask.stdout.contains(" on distributed with Dask "))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("d").path).sorted()
        #expect(files == ["memory.csv", "memory.json", "memory.svg", "results.json"])
        func outputs(_ folder: String) throws -> String {
            let data = try Data(contentsOf: dir.appendingPathComponent("\(folder)/results.json"))
            let doc = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            return String(decoding: try JSONSerialization.data(withJSONObject: doc["outputs"] ?? [], options: [.sortedKeys]), as: UTF8.self)
        }
        #expect(try outputs("d") == outputs("b"))

        let seed = try CLI.run(["run", "--engine", "dask", "samples/seed-argument.yaml", "--quiet", "-o", dir.appendingPathComponent("s").path], env: ["PIPELINT_PYTHON": python])
        #expect(seed.stdout.hasPrefix("looked_up: int64 (100000,) → \(dir.path)/s/looked_up.npy (crc32 e27a6a4f)\n"), "\(seed.stderr)")
        let memory = try String(contentsOf: dir.appendingPathComponent("s/memory.csv"), encoding: .utf8)
        #expect(memory.hasPrefix("seconds,cluster_bytes\n0.000,"))
    }

    /// A `from_pandas` frame and a broadcast merge read their `dataframe:` object with no graph
    /// edge: the optimized program (the default) must still build it, and gives the bundled results.
    @Test(.enabled(if: python != nil || pythonRequired, "needs a Python with dask, distributed, numpy and pandas"))
    func framesReadingADataFrameObjectRunOptimizedOnDask() throws {
        let python = try #require(Self.python, "no Python with dask; PIPELINT_REQUIRE_PYTHON=1 is set")
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["run", "--engine", "dask", "samples/frame-reference-table.yaml", "--quiet", "-o", dir.appendingPathComponent("d").path], env: ["PIPELINT_PYTHON": python])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("scaled: dataframe (600000, 4) → \(dir.path)/d/scaled.csv (crc32 32a28573)\n"), "\(r.stderr)")
        let b = try CLI.run(["run", "--engine", "bundled", "samples/frame-reference-table.yaml", "--quiet", "-o", dir.appendingPathComponent("b").path])
        #expect(b.stdout.hasPrefix("scaled: dataframe (600000, 4) → \(dir.path)/b/scaled.csv (crc32 32a28573)\n"), "\(b.stderr)")
    }

    /// A `python:` step that raises on some chunks, fused after another `python:` step: the error is
    /// located at the failing function's step, not the fused task's name.
    @Test(.enabled(if: python != nil || pythonRequired, "needs a Python with dask, distributed, numpy and pandas"))
    func aFailingTaskIsLocatedByItsFunction() throws {
        let python = try #require(Self.python, "no Python with dask; PIPELINT_REQUIRE_PYTHON=1 is set")
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        def explode(block):
            if block.max() >= 200:
                raise ValueError("value out of range")
            return block


        def twice(block):
            return block * 2
        """.write(to: dir.appendingPathComponent("boomlib.py"), atomically: true, encoding: .utf8)
        try """
        pipeline: fail
        version: 1
        cluster: {scheduler: distributed, workers: 2, threads_per_worker: 1, memory_per_worker: 1GiB}
        functions:
          explode: {params: [block], python: "boomlib:explode"}
          twice: {params: [block], python: "boomlib:twice"}
        arrays:
          x: {shape: [1000], chunks: [100], dtype: int64, source: {random: {seed: 1, low: 0, high: 300}}}
        steps:
          checked: {map_blocks: explode, over: [x], dtype: int64}
          doubled: {map_blocks: twice, over: [checked], dtype: int64}
        outputs:
          doubled: persist

        """.write(to: dir.appendingPathComponent("fail.yaml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "fail.yaml", "--quiet", "-o", "out"], cwd: dir, env: ["PIPELINT_PYTHON": python])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("fail.yaml:10:12: error: checked failed in task ('doubled-"), "\(r.stderr)")
        #expect(r.stderr.hasSuffix("ValueError: value out of range; the remaining tasks were cancelled\n"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    @Test(.enabled(if: python != nil || pythonRequired, "needs a Python with dask, distributed, numpy and pandas"))
    func fixVerifyRunsAPythonPipelineOnDask() throws {
        let python = try #require(Self.python, "no Python with dask; PIPELINT_REQUIRE_PYTHON=1 is set")
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for n in ["opaque-field.yaml", "textkit"] {
            try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("samples/\(n)"), to: dir.appendingPathComponent(n))
        }
        let r = try CLI.run(["fix", "--verify", "--unsafe-fixes", "opaque-field.yaml"], cwd: dir, env: ["PIPELINT_PYTHON": python])
        #expect(r.status == 0, "\(r.stderr)")
        let fixed = try String(contentsOf: dir.appendingPathComponent("opaque-field.yaml"), encoding: .utf8)
        #expect(fixed == (try String(contentsOf: CLI.root.appendingPathComponent("samples/fixed/opaque-field.yaml"), encoding: .utf8)))
    }

    /// Processes whose process group is `group`, from /proc.
    static func members(ofGroup group: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && Int32(fields[2]) == group
        }
    }

    /// The process whose command line contains `text`, if any.
    static func process(running text: String) -> Int32? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { Int32($0) }.first { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).contains(text)
        }
    }

    /// Ctrl-C while the cluster computes: exit 130, nothing written, and no process of the
    /// program's group (the program, the LocalCluster's workers) left behind.
    @Test(.enabled(if: python != nil || pythonRequired, "needs a Python with dask, distributed, numpy and pandas"))
    func interruptStopsTheClusterAndWritesNothing() throws {
        let python = try #require(Self.python, "no Python with dask; PIPELINT_REQUIRE_PYTHON=1 is set")
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "import time\n\n\ndef slow(block):\n    time.sleep(0.5)\n    return block\n".write(to: dir.appendingPathComponent("slowlib.py"), atomically: true, encoding: .utf8)
        try """
        pipeline: slow
        version: 1
        cluster: {scheduler: distributed, workers: 2, threads_per_worker: 1, memory_per_worker: 1GiB}
        functions:
          slow: {params: [block], python: "slowlib:slow"}
        arrays:
          x: {shape: [10000], chunks: [100], dtype: int64, source: {random: {seed: 1, low: 0, high: 10}}}
        steps:
          y: {map_blocks: slow, over: [x], dtype: int64}
        outputs:
          y: persist

        """.write(to: dir.appendingPathComponent("slow.yaml"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["run", dir.appendingPathComponent("slow.yaml").path, "-o", out.path, "--quiet"]
        var env = ProcessInfo.processInfo.environment
        env["PIPELINT_PYTHON"] = python
        p.environment = env
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        // The program, once its two workers run (its group: itself, 2 workers and more).
        var program: Int32?
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            program = program ?? Self.process(running: ".pipelint-dask-\(p.processIdentifier) --engine-protocol")
            if let g = program, Self.members(ofGroup: g).count >= 3 { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        let group = try #require(program, "the Dask program did not start")
        Thread.sleep(forTimeInterval: 3)
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 130)
        #expect(stderr == "error: cancelled: the Dask computation was stopped and its cluster closed; nothing was written\n")
        #expect(Self.members(ofGroup: group).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
