import Foundation
import Synchronization
import HostileInputs
import Lint
import PipelineIR
import PipelineYAML
import Rules
import Testing

/// Hostile files through the real `Linter` with every rule: each gives exactly
/// the expected findings at exact positions, quickly. The time bound is a hang
/// guard only (generous, for debug and sanitizer builds); memory is measured by
/// `swift run -c release pipelint-bench hostile`.
@Suite struct HostileInputTests {
    static let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-hostile-\(getpid())").path

    /// Exact findings per case, as `line:col: ID severity: message`.
    static let expected: [String: [String]] = [
        "billion-laughs": ["8:8: PL900 error: alias `*e` expands past the budget of 100000 nodes (an alias bomb?)"],
        "flow-nesting-20000": ["3:71: PL900 error: nesting deeper than 64 levels"],
        "block-nesting-3000": ["67:65: PL900 error: nesting deeper than 64 levels"],
        "invalid-utf8": ["4:10: PL900 error: invalid UTF-8 sequence starting with byte 0xC3"],
        "utf16-bom": ["1:1: PL900 error: file is UTF-16; pipelines must be UTF-8"],
        "nul-bytes": ["4:4: PL900 error: NUL byte in file; pipelines are UTF-8 text"],
        "python-tags": [
            "4:8: PL900 error: tag `!!python/object/apply:os.system` is not allowed; pipelint never constructs tagged objects",
            "5:8: PL900 error: tag `!!python/object:__main__.Mapper` is not allowed; pipelint never constructs tagged objects",
            "6:9: PL900 error: tag `!custom` is not allowed; pipelint never constructs tagged objects",
        ],
        "duplicate-keys": ["5:3: PL900 error: duplicate key `f` (first defined at line 4, column 3)"],
        "several-documents": ["16:1: PL900 error: several YAML documents in one file; a pipeline file holds exactly one"],
        "scalar-64MB": ["4:7: PL900 error: scalar of 64000000 bytes is over the 16777216-byte limit"],
        // Dask's normalize_arg already wraps a 1 GB argument in `delayed` (its
        // sizeof is over 1e6), so nothing is copied per task: no finding is right.
        "bytes-1GB": [
            "11:40: PL002 warning: the graph pickles to ≈ 954 MiB when submitted, over distributed.admin.large-graph-warning-threshold (10 MB): object `blob` alone is ≈ 954 MiB (stored once); Dask will warn \"Sending large graph\" only at submit",
        ],
        "bytes-1GB-in-instance": [
            "13:40: PL001 warning: object `holder` (≈ 954 MiB pickled by value, `__main__` class) is copied into each of the 100 tasks of step `s` on a distributed scheduler: workers hold ≈ 93.1 GiB (≈ 46.6 GiB per worker) while the results live; Dask only warns about the graph's size at submit",
            "13:40: PL002 warning: the graph pickles to ≈ 954 MiB when submitted, over distributed.admin.large-graph-warning-threshold (10 MB): object `holder` alone is ≈ 954 MiB (stored once); Dask will warn \"Sending large graph\" only at submit",
            "13:40: PL003 error: workers are predicted to hold ≈ 46.6 GiB each at the peak while the tasks run, 1164% of memory_per_worker 4 GiB: past distributed.worker.memory.terminate (0.95), so the nanny kills and restarts the worker; ≈ 46.6 GiB each stays after the run; most of it is 50 copies of `holder` per worker in step `s` (≈ 46.6 GiB)",
        ],
        "shape-overflow": [
            "4:27: PL901 error: an ndarray of shape [4294967296, 4294967296, 4294967296] and dtype float64 is over 2^63 bytes; numpy cannot create an array this large",
            "8:66: PL901 error: array `x` has chunks of shape [4611686018427387904, 4611686018427387904] and dtype float64, over 2^63 bytes each; numpy cannot create a chunk this large",
        ],
        "chunks-billions": [
            "8:38: PL005 warning: array `x` is split into 100000000000 chunks of 8 B: at Dask's 200 µs – 1 ms per task that is 231 days – 1157 days of scheduling overhead",
            "10:40: PL001 warning: object `mapper` (≈ 235 KiB pickled, series) is copied into each of the 100000000000 tasks of step `s` on a distributed scheduler: workers hold ≈ 474 KiB (≈ 474 KiB per worker) at a time while chunks are in flight; Dask only warns about the graph's size at submit",
            "11:3: PL002 warning: the graph pickles to ≈ 3.4 TiB when submitted, over distributed.admin.large-graph-warning-threshold (10 MB): the 200000000011 tasks of `total` cost ≈ 2.4 TiB in keys and arguments; Dask will warn \"Sending large graph\" only at submit",
        ],
        "alias-cycle": ["4:40: PL900 error: alias `*m` refers to a node that contains it (a reference cycle)"],
        "load-outside-folder": [
            "4:22: PL901 error: `load` path `../../etc/passwd` escapes the pipeline's folder",
            "5:35: PL901 error: `load` path `/etc/shadow` must be a relative path inside the pipeline's folder",
            "6:22: PL901 error: `load` path `data/../../x.npy` escapes the pipeline's folder",
            "8:47: PL901 error: `load` path `~/x.npy` must be a relative path inside the pipeline's folder",
            "12:13: PL901 error: `save` path `../out.npy` escapes the pipeline's folder",
        ],
    ]

    static let cases = HostileInputs.all(scratchPath: scratch)

    @Test(arguments: cases.map(\.name))
    func exactFindingsQuickly(_ name: String) throws {
        let c = try #require(Self.cases.first { $0.name == name })
        let source = SourceFile(path: "\(name).yaml", bytes: c.bytes)
        // A guard against hangs and blow-ups, not a speed target (those are benchmarks): the
        // thread's CPU time, so a loaded machine does not fail it; debug and sanitizer builds
        // take 1-11 s on the largest case.
        let start = Self.threadCPUSeconds()
        let report = Linter(rules: makeAllRules()).lint(source)
        let seconds = Self.threadCPUSeconds() - start
        let got = report.findings.map { "\(source.position(of: $0.range.start)): \($0.code.id) \($0.severity): \($0.message)" }
        #expect(got == Self.expected[name], "\(name)")
        #expect(seconds < 60, "\(name) took \(seconds) s of CPU")
    }

    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    @Test func everyCaseHasAnExpectation() {
        #expect(Set(Self.cases.map(\.name)) == Set(Self.expected.keys))
    }

    /// The tag PyYAML's unsafe loader would run as `os.system("touch …")` runs nowhere.
    @Test func tagsAreNeverExecuted() throws {
        let c = try #require(Self.cases.first { $0.name == "python-tags" })
        #expect(String(decoding: c.bytes, as: UTF8.self).contains("touch \(Self.scratch)"))
        _ = Linter(rules: makeAllRules()).lint(SourceFile(path: "t.yaml", bytes: c.bytes))
        #expect(!FileManager.default.fileExists(atPath: Self.scratch))
    }

    /// 100 billion tasks are counted, never expanded.
    @Test func chunkCountsInTheBillionsAreCountedNotExpanded() throws {
        let c = try #require(Self.cases.first { $0.name == "chunks-billions" })
        let graph = try #require(LoadedPipeline.load(SourceFile(path: "t.yaml", bytes: c.bytes)).graph)
        #expect(graph.layers.map(\.taskCount).contains(100_000_000_000))
    }

    /// The fix engine on a valid hostile file: the 1 GB instance gets its
    /// placement fix without any allocation of the declared size.
    @Test func gigabyteInstanceIsFixedByText() throws {
        let c = try #require(Self.cases.first { $0.name == "bytes-1GB-in-instance" })
        let out = FixEngine(linter: Linter(rules: makeAllRules()), options: FixOptions(unsafeFixes: true)).fix(SourceFile(path: "t.yaml", bytes: c.bytes))
        #expect(out.failure == nil)
        #expect(String(decoding: out.fixed, as: UTF8.self).contains("    class: Holder\n    fields: {blob: {bytes: {size: 1GB}}}\n    placement: delayed\n"))
    }
}

/// The highest nesting limit a configuration may set, used to the full on
/// worker threads as `pipelint check` runs them: a value literal and a chain of
/// nested mappings reaching level 1000 inside a valid pipeline lint without
/// exhausting the stack (20,000 levels did, before the ceiling).
@Suite struct NestingCeilingTests {
    @Test func deepestAllowedNestingLintsOnWorkerThreads() throws {
        let (config, _) = try ConfigurationLoader.parse(SourceFile(path: ".pipelint.yml", text: "limits: {max-depth: 1000}\n"), knownRules: ["PL001"])
        let linter = Linter(rules: makeAllRules(), settings: config.settings)
        // Root, `objects` and the object mapping are levels 1–3: the literals reach level 1000.
        let depth = 997
        let text = "pipeline: t\nversion: 1\nobjects:\n  o: {value: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
            + "}\n  p: {value: " + String(repeating: "{a: ", count: depth) + "1" + String(repeating: "}", count: depth)
            + "}\nfunctions:\n  f: {params: [b, o, p], kernel: identity}\narrays:\n  x: {shape: [10], chunks: [1]}\nsteps:\n  s: {map_blocks: f, over: [x], args: [o, p]}\n"
        let source = SourceFile(path: "t.yaml", text: text)
        let results = Mutex<[[String]]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let messages = linter.lint(source).findings.map(\.message)
            results.withLock { $0.append(messages) }
        }
        #expect(results.withLock { $0 } == [[], []])
        // One level more is refused by the parser.
        let deeper = text.replacingOccurrences(of: "{value: [", with: "{value: [[").replacingOccurrences(of: "]}\n  p:", with: "]]}\n  p:")
        #expect(linter.lint(SourceFile(path: "t.yaml", text: deeper)).findings.map(\.message) == ["nesting deeper than 1000 levels"])
    }
}
