import Foundation
import Testing
@testable import Executor
import PipelineIR
import PipelineYAML

/// Exact results on the shipped samples. Expected checksums and values were
/// computed independently with numpy (the generator in uint64 arithmetic and
/// `table[x]` indexing), not by this executor.
@Suite struct SampleRunTests {
    static let seedCRC = "e27a6a4f"  // x itself: table is range(30000)

    @Test(arguments: ["seed-argument", "seed-method", "seed-delayed", "seed-scatter", "seed-threads"])
    func seedLookups(_ name: String) throws {
        for asWritten in [true, false] {
            let r = try runSample(name, asWritten: asWritten)
            #expect(r.outputs.count == 1)
            let o = try #require(r.outputs.first)
            #expect(o.name == "looked_up")
            #expect(o.shape == [100_000])
            #expect(o.dtype == "int64")
            #expect(checksum(o) == Self.seedCRC)
        }
    }

    /// The same projection read inside the task and passed as the argument gives the same chunks,
    /// as written and optimized (checksums equal to the exported Dask program's, 2026.8.0).
    @Test(arguments: [("projection-element", "int64", "86b31006"), ("projection-column", "float64", "d0c059a1")])
    func projectionsInsideAndPassedAgree(_ name: String, _ dtype: String, _ crc: String) throws {
        for asWritten in [true, false] {
            let r = try runSample(name, asWritten: asWritten)
            #expect(r.outputs.map(\.name) == ["inside", "passed"])
            for o in r.outputs {
                #expect(o.shape == [100_000])
                #expect(o.dtype == dtype)
                #expect(checksum(o) == crc)
            }
        }
    }

    @Test func seedReductionTotal() throws {
        for asWritten in [true, false] {
            let r = try runSample("seed-reduction", asWritten: asWritten)
            guard case .scalar(let s)? = r.outputs.first?.data else { Issue.record("no scalar"); return }
            #expect(s == .i64(1_503_365_474))
            // 100 sources + 100 lookups + 100 partials + 13 + 2 + 1 combines (+ the delayed build).
            #expect(r.tasks == (asWritten ? 316 : 317))
        }
    }

    @Test func reductionTreesHaveDasksTaskCounts() throws {
        // len(graph) in Dask 2026.8 (sources included): 125 chunks by 5 take four levels
        // (Python's log(125, 5) is 3.0000000000000004); 20 × 20 blocks by 4 are 2 × 2 per level.
        for (shape, chunks, split, tasks) in [("[125000]", "[1000]", 5, 282), ("[2000, 2000]", "[100, 100]", 4, 939), ("[1000]", "[1000]", 8, 3)] {
            let text = "pipeline: t\nversion: 1\ncluster: {scheduler: distributed, workers: 2}\n"
                + "arrays:\n  x: {shape: \(shape), chunks: \(chunks), dtype: float64, source: ones}\n"
                + "steps:\n  total: {reduce: sum, over: x, split_every: \(split)}\noutputs:\n  total: compute\n"
            let r = try run(loadText(text), in: FileManager.default.temporaryDirectory)
            #expect(r.tasks == tasks, "\(shape) in \(chunks) by \(split)")
            guard case .scalar(let s)? = r.outputs.first?.data else { Issue.record("no scalar"); continue }
            #expect(s == .f64(Double(shape == "[1000]" ? 1000 : shape == "[125000]" ? 125_000 : 4_000_000)))
        }
    }

    @Test func csvLookup() throws {
        let r = try runSample("csv-lookup")
        let o = try #require(r.outputs.first)
        #expect(o.shape == [2_000_000])
        #expect(o.dtype == "float64")
        #expect(checksum(o) == "c03bf746")
    }

    @Test func ndarrayArgument() throws {
        let r = try runSample("ndarray-argument")
        let o = try #require(r.outputs.first)
        #expect(o.kind == .save(path: "out/volts.npy"))
        #expect(checksum(o) == "cf769ca4")
    }

    /// Format 1.1 dtypes and broadcasting; the checksums and the mean are what the exported
    /// program computes on a distributed cluster with numpy 2.4.6 (bit for bit).
    @Test func complexTwiddleBroadcastsTheFactorsAgainstEachBlock() throws {
        let r = try runSample("complex-twiddle")
        let twisted = try #require(r.outputs.first { $0.name == "twisted" })
        #expect(twisted.dtype == "complex128")
        #expect(twisted.shape == [2048, 64])
        #expect(checksum(twisted) == "3494a26f")
        guard case .scalar(let level)? = r.outputs.first(where: { $0.name == "level" })?.data else { Issue.record("no mean"); return }
        #expect(level == .f64(0.498082814645444))
    }

    @Test func timestampsAreBinnedAndShiftedAsNumpyDoes() throws {
        let r = try runSample("timestamps-binned")
        let hour = try #require(r.outputs.first { $0.name == "hour" })
        let elapsed = try #require(r.outputs.first { $0.name == "elapsed" })
        #expect(hour.dtype == "int64")
        #expect(elapsed.dtype == "timedelta64[ns]")
        #expect(checksum(hour) == "d23ccd13")
        #expect(checksum(elapsed) == "ef6f8d19")
    }

    @Test func pythonFunctionsAreRefusedWithALocation() throws {
        do {
            _ = try runSample("model-weights")
            Issue.record("model-weights ran")
        } catch {
            #expect(error.kind == .refused)
            #expect(error.description == """
            samples/model-weights.yaml:26:24: error: step `scores` calls `score`, a Python function (`models.churn:score`); `pipelint run` executes built-in kernels only
              = help: run it on Dask: `pipelint run --engine dask samples/model-weights.yaml` (or `pipelint export --to dask`)
            """)
        }
    }

    /// The large samples (2 GiB and 480 MB of data) run with PIPELINT_HEAVY_TESTS=1.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PIPELINT_HEAVY_TESTS"] == "1"))
    func heavySamples() throws {
        let clean = try runSample("clean")
        guard case .scalar(let avg)? = clean.outputs.first?.data else { Issue.record("no scalar"); return }
        #expect(avg == .f64(0.25000549965038665))
        let coord = try runSample("coordinate-index")
        let o = try #require(coord.outputs.first)
        #expect(o.shape == [20000, 3000])
        #expect(checksum(o) == "a62e92b4")
    }
}

/// The storage type the call site's dtype table gives each output (what the exporter writes
/// as the program's dtype) is the one the executor's kernels actually produce.
@Suite struct ResultStorageTests {
    static let runnable = ["clean", "coordinate-index", "csv-lookup", "ndarray-argument", "seed-argument", "seed-delayed",
                           "seed-method", "seed-reduction", "seed-scatter", "seed-threads"]

    @Test(arguments: runnable)
    func theTablesStorageIsWhatTheKernelsProduce(_ name: String) throws {
        let loaded = try loadSample(name)
        let graph = try #require(loaded.graph)
        let r = try runSample(name, asWritten: true)
        #expect(!r.outputs.isEmpty)
        for o in r.outputs {
            let layer = try #require(graph.layer(named: o.name))
            #expect(graph.storage(of: layer)?.rawValue == o.dtype, "\(name): output `\(o.name)`")
        }
    }

    @Test(arguments: ["crosscheck/cases/narrow-dtypes.yaml", "crosscheck/cases/dot-weights.yaml"])
    func crossCheckCases(_ path: String) throws {
        let url = repoRoot.appendingPathComponent(path)
        let loaded = LoadedPipeline.load(SourceFile(path: path, bytes: try [UInt8](Data(contentsOf: url))))
        let graph = try #require(loaded.graph)
        let r = try run(loaded, in: url.deletingLastPathComponent(), asWritten: true)
        for o in r.outputs {
            let layer = try #require(graph.layer(named: o.name))
            #expect(graph.storage(of: layer)?.rawValue == o.dtype, "\(path): output `\(o.name)`")
        }
    }
}

/// Complex and nanosecond values through the whole executor: `.npy` descr, the codec,
/// broadcasting of blocks, and what `run` refuses.
@Suite struct ExtendedDTypeRunTests {
    @Test func npyFilesCarryNumpysDescr() throws {
        for (column, descr) in [(Column.c128([1, 2]), "<c16"), (.datetime([5]), "<M8[ns]"), (.timedelta([-1]), "<m8[ns]")] {
            let bytes = NPY.encode(Chunk(shape: [1], data: column))
            #expect(String(decoding: bytes.dropFirst(10), as: UTF8.self).hasPrefix("{'descr': '\(descr)', 'fortran_order': False, 'shape': (1,), }"))
            #expect(try NPY.decode(bytes) == Chunk(shape: [1], data: column))
        }
    }

    @Test func theCodecKeepsTheStorageKind() throws {
        for column in [Column.c128([1.5, -2, 0, .infinity]), .datetime([0, .min]), .timedelta([7])] {
            let v = ObjectValue.ndarray(shape: [column.count], data: column)
            guard case .ndarray(let shape, let back) = try ObjectCodec.decode(ObjectCodec.encode(v)) else { Issue.record("not an ndarray"); continue }
            #expect(shape == [column.count])
            #expect(back.bitwiseEqual(column))
        }
    }

    @Test func blocksOfLengthOneAreReadByEveryTaskAlongTheAxis() throws {
        let r = try runText("""
        pipeline: b
        version: 1.1
        cluster: {scheduler: distributed, workers: 2}
        functions:
          f: {params: [a, b], kernel: add}
        arrays:
          x: {shape: [4, 3], chunks: [2, 3], dtype: int64, source: range}
          row: {shape: [1, 3], chunks: [1, 3], dtype: int64, source: range}
        steps:
          s: {map_blocks: f, over: [row, x]}
        outputs:
          s: persist
        """)
        let o = try #require(r.outputs.first)
        #expect(o.shape == [4, 3])
        guard case .array(_, let chunks, _) = o.data else { Issue.record("not an array"); return }
        // np.arange(3) + np.arange(12).reshape(4, 3)
        #expect(chunks.flatMap { $0.data.int64Words ?? [] } == [0, 2, 4, 3, 5, 7, 6, 8, 10, 9, 11, 13])
    }

    @Test func reductionsOfComplexValuesAreRefusedAtTheStep() throws {
        do {
            _ = try runText("""
            pipeline: r
            version: 1.1
            arrays:
              z: {shape: [4], chunks: [2], dtype: complex128, source: ones}
            steps:
              total: {reduce: sum, over: z}
            outputs:
              total: compute
            """)
            Issue.record("ran")
        } catch {
            #expect(error.description.hasPrefix("t.yaml:6:10: error: step `total` takes the sum of complex128 values; `pipelint run` reduces bool, integer and float values only"))
        }
    }
}
