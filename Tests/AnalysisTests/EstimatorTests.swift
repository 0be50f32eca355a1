import Analysis
import PipelineIR
import PipelineYAML
import Sizing
import Testing

/// Copies, lifetimes and bad input: exact figures, never a crash or a silent zero.
@Suite struct EstimatorTests {
    func estimate(_ text: String, _ options: EstimateOptions = EstimateOptions()) throws -> GraphEstimate {
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: text))
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
        return Estimator.estimate(try #require(loaded.graph), options: options)
    }

    func seed(scheduler: String = "distributed", placement: String = "embed", output: String = "persist", chunks: Int = 1000) -> String {
        """
        pipeline: t
        version: 1
        cluster: {scheduler: \(scheduler), workers: 2, threads_per_worker: 1, memory_per_worker: 4GiB}
        objects:
          mapper:
            class: Mapper
            fields: {series: {series: {range: 30000, dtype: int64}}}
            placement: \(placement)
        functions:
          f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
        arrays:
          x: {shape: [100000], chunks: [\(chunks)], dtype: int64, source: range}
        steps:
          y: {map_blocks: f, over: [x], args: [mapper]}
          total: {reduce: sum, over: y}
        outputs:
          \(output == "reduce" ? "total: compute" : "y: \(output)")

        """
    }

    @Test func persistKeepsEveryTasksCopy() throws {
        let e = try estimate(seed())
        let use = try #require(e.layers.first { $0.name == "y" }?.objects.first)
        #expect(use.copiedPerTask)
        #expect(use.copiesPerWorker == 50)
        #expect(use.copiesTotal == 100)
        #expect(use.residentPerWorker.bytes == 50 * use.resident.bytes)
        #expect(!e.largeGraphWarning)
        // The object is stored once in the submitted graph; every task carries it on dispatch.
        #expect(e.submitFixedBytes > use.wire.bytes && e.submitFixedBytes < use.wire.bytes + 10_000)
        // The 1-D `range` source is not fused (da.arange is materialized): the map_blocks task alone.
        #expect(e.layers.first { $0.name == "y" }?.taskBytes.bytes == 682 + use.wire.bytes)
    }

    @Test func computeOfAnArrayGathersItsChunks() throws {
        let e = try estimate(seed(output: "compute"))
        #expect(e.layers.first { $0.name == "y" }?.objects.first?.copiesPerWorker == 50)
    }

    @Test func aReductionKeepsTwoPerThread() throws {
        let e = try estimate(seed(output: "reduce"))
        let use = try #require(e.layers.first { $0.name == "y" }?.objects.first)
        #expect(use.copiesPerWorker == 2)
        #expect(use.copiesTotal == 4)
    }

    @Test func delayedAndScatterCostOneCopyPerWorker() throws {
        for placement in ["delayed", "scatter"] {
            let e = try estimate(seed(placement: placement))
            let o = try #require(e.objects.first)
            #expect(o.copiesPerWorker == 1)
            #expect(o.copiesTotal == 2)
            #expect(o.residentPerWorker == o.resident)
            #expect(e.layers.first { $0.name == "y" }?.objects.first?.copiedPerTask == false)
        }
    }

    /// A delayed object's task calls its builder by reference and hands it the `__main__`
    /// class, which travels by value; an importable class is only a reference.
    @Test func aDelayedTaskCarriesItsMainClassByValue() throws {
        let main = try estimate(seed(placement: "delayed"))
        let importable = try estimate(seed(placement: "delayed").replacingOccurrences(of: "class: Mapper", with: "class: lib.maps:Mapper"))
        let task = { (e: GraphEstimate) in e.layers.first { $0.name == "mapper" }?.submit.fixed ?? 0 }
        let cls = SizeModel.wireSize(.classObject(PyClass(module: "__main__", qualname: "Mapper"))).bytes
        // The importable builder gets no arguments: TUPLE1 over the reference (the class is not in the task).
        #expect(task(importable) == 340 + SizeModel.wireSize(.tuple([.function(module: "pipelint_objects", name: "build_mapper")])).bytes)
        // The class alone also pays PROTO, FRAME and STOP (12 B), which the task pays once.
        #expect(task(main) - task(importable) == cls - 12)
        #expect(main.layers.first { $0.name == "mapper" }?.taskBytes.bytes == task(main))
    }

    /// Pickle's memo stores a `__main__` class once per graph: a second object of the class
    /// refers to it (measured: two embedded Mappers, 50,217 B real, 50,560 estimated; 51,282
    /// when the class was counted twice).
    @Test func aSecondObjectOfAMainClassRefersToIt() throws {
        let one = try estimate(seed())
        let two = try estimate(seed()
            .replacingOccurrences(of: "    placement: embed\n", with: "    placement: embed\n  other:\n    class: Mapper\n    fields: {series: {series: {range: 20000, dtype: int64}}}\n")
            .replacingOccurrences(of: "  y: {map_blocks: f, over: [x], args: [mapper]}", with: "  y: {map_blocks: f, over: [x], args: [mapper]}\n  z: {map_blocks: f, over: [y], args: [other]}"))
        let other = try #require(two.objects.first { $0.name == "other" })
        let cls = SizeModel.wireSize(.classObject(PyClass(module: "__main__", qualname: "Mapper"))).bytes
        let layerZ = try #require(two.layers.first { $0.name == "z" })
        // z's own layer cost, plus `other` without its class blob (a 2-byte reference instead).
        #expect(two.submitFixedBytes - one.submitFixedBytes == layerZ.submit.fixed + other.wire.bytes - (cls - 12 - 2))
    }

    @Test func threadsMakeNoCopiesAndSubmitNothing() throws {
        let e = try estimate(seed(scheduler: "threads"))
        #expect(!e.hasSubmit)
        #expect(e.submitBytes.bytes == 0)
        #expect(e.objects.first?.copiesPerWorker == 1)
        #expect(e.layers.allSatisfy { $0.taskBytes.bytes == 0 })
        #expect(e.verdicts.first == "The threaded scheduler passes objects by reference: nothing is pickled and no copies are made.")
    }

    @Test func theSilentWarningIsSaidPlainly() throws {
        let e = try estimate(seed())
        #expect(e.verdicts.first?.hasPrefix("Dask's large-graph warning stays silent (≈ ") == true)
        #expect(e.verdicts.first?.contains("while each worker holds up to 50 copies of `mapper`") == true)
    }

    @Test func tenMillionChunksAndAGigabyteObject() throws {
        let text = """
            pipeline: big
            version: 1
            cluster: {scheduler: distributed, workers: 4, memory_per_worker: 16GiB}
            objects:
              blob: {python: "pkg.mod:make", size: 1GB}
            functions:
              f: {params: [block, blob], python: "pkg.mod:f"}
            arrays:
              x: {shape: [10000000000], chunks: [1000], dtype: float64, source: zeros}
            steps:
              y: {map_blocks: f, over: [x], args: [blob]}
            outputs:
              y: persist

            """
        let e = try estimate(text)
        #expect(e.tasks == 20_000_000)
        let use = try #require(e.layers.first { $0.name == "y" }?.objects.first)
        #expect(use.copiesPerWorker == 2_500_000)
        #expect(use.residentPerWorker.bytes == 2_500_000 * 1_000_000_000)
        #expect(e.memoryLevel == .terminate)
        #expect(e.largeGraphWarning)
    }

    @Test func sizesOverSixtyFourBitsSaturateAndSaySo() throws {
        let text = """
            pipeline: huge
            version: 1
            objects:
              blob: {bytes: {size: 9000000TB}}
            functions:
              f: {params: [block, blob], kernel: identity, with: {x: block}}
            arrays:
              x: {shape: [9000000000000000000], chunks: [1], dtype: float64, source: range}
            steps:
              y: {map_blocks: f, over: [x], args: [blob]}
            outputs:
              y: persist

            """
        let e = try estimate(text)
        #expect(e.residentPerWorker.bytes == Int64.max)
        guard case .unknown(let reason) = e.residentPerWorker.confidence else {
            Issue.record("a capped figure must not claim a confidence")
            return
        }
        #expect(reason.contains("capped"))
        #expect(e.submitBytes.bytes == Int64.max)
        #expect(e.largeGraphWarning)
    }

    @Test func aZeroLengthArrayHasNoTasksAndNoCrash() throws {
        let text = """
            pipeline: empty
            version: 1
            cluster: {memory_per_worker: 1GiB}
            functions:
              f: {params: [block], kernel: identity}
            arrays:
              x: {shape: [0, 5], chunks: [10, 5], dtype: float64, source: random}
            steps:
              y: {map_blocks: f, over: [x]}
            outputs:
              y: persist

            """
        let e = try estimate(text.replacingOccurrences(of: "source: random", with: "source: {random: {seed: 1}}"))
        #expect(e.tasks == 0)
        #expect(e.layers.allSatisfy { $0.tasks == 0 })
        #expect(e.submitPerChunkBytes == 0)
        #expect(e.memoryLevel == .belowTarget)
    }

    @Test func anUnknownSizeIsALocatedNoteNotAZero() throws {
        let text = """
            pipeline: opaque
            version: 1
            objects:
              model: {python: "pkg.mod:load"}
            functions:
              f: {params: [block, model], python: "pkg.mod:f"}
            arrays:
              x: {shape: [1000], chunks: [100], dtype: float64}
            steps:
              y: {map_blocks: f, over: [x], args: [model]}
            outputs:
              y: persist

            """
        let e = try estimate(text)
        let note = try #require(e.notes.first)
        #expect(note.message.hasPrefix("size of object `model` is unknown: `pkg.mod:load` builds an opaque object; declare its `size`"))
        // At the object's name, line 4 column 3.
        let bytes = Array(text.utf8)
        let key = Array("  model:".utf8)
        let lineStart = (0...(bytes.count - key.count)).first { Array(bytes[$0..<($0 + key.count)]) == key }
        #expect(note.range.start == lineStart.map { $0 + 2 })
        guard case .unknown = e.residentPerWorker.confidence else {
            Issue.record("memory including an unknown object is a lower bound")
            return
        }
        #expect(e.verdicts.last?.hasPrefix("Memory per worker is a lower bound:") == true)
    }

    @Test func missingFilesComeFromTheCallersClosure() throws {
        let text = """
            pipeline: files
            version: 1
            objects:
              table: {series: {load: t.csv, length: 10}}
            functions:
              f: {params: [block, table], kernel: take}
            arrays:
              x: {shape: [1000], chunks: [100], dtype: int64, source: {load: x.npy}}
            steps:
              y: {map_blocks: f, over: [x], args: [table]}

            """
        let none = try estimate(text, EstimateOptions(fileExists: { _ in false }))
        #expect(none.notes.map(\.message) == [
            "object `table` loads `t.csv` does not exist (relative to the pipeline's folder); its sizes come from the declared shape or length, and workers cannot build it",
            "array `x` loads `x.npy`, which does not exist (relative to the pipeline's folder); its figures come from the declared shape",
        ])
        #expect(try estimate(text, EstimateOptions(fileExists: { _ in true })).notes.isEmpty)
        #expect(try estimate(text).notes.isEmpty)
    }

    @Test func thresholdsAreDasksAndTheHighestCrossedWins() {
        let t = MemoryThresholds.dask
        #expect([0.59, 0.6, 0.7, 0.8, 0.95, 3.0].map(t.level) == [.belowTarget, .target, .spill, .pause, .terminate, .terminate])
        #expect(MemoryLevel.pause.configKey == "distributed.worker.memory.pause")
    }
}
