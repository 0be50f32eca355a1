import Foundation
import Testing
@testable import Executor
import PipelineIR

/// What the executor must show about memory: copies per task as written,
/// copies per worker once optimized, and a worker limit that names the culprit.
@Suite struct MemoryBehaviourTests {
    @Test func asWrittenHoldsOneDecodedCopyPerChunkWithPersist() throws {
        let r = try runSample("seed-argument", asWritten: true)
        #expect(r.delayedObjects.isEmpty)
        #expect(r.peakCopies["mapper"] == 100)
        // 100 copies of 240,000 bytes of values plus the results themselves.
        #expect(r.peakAccounted >= 100 * 240_000)
        #expect(r.peakAccounted < 100 * 240_000 + 2_000_000)
    }

    @Test(arguments: ["seed-argument", "seed-method"])
    func optimizedHoldsAtMostOneCopyPerWorker(_ name: String) throws {
        let r = try runSample(name)
        #expect(r.delayedObjects == ["mapper"])
        #expect((r.peakCopies["mapper"] ?? 0) <= 2)
        #expect(r.peakAccounted < 2 * 240_000 + 2_000_000)
    }

    @Test func scatterHoldsOneCopyPerWorkerAndThreadsNone() throws {
        let scatter = try runSample("seed-scatter", asWritten: true)
        #expect(scatter.peakCopies["mapper"] == 2)
        let threads = try runSample("seed-threads", asWritten: true)
        #expect((threads.peakCopies["mapper"] ?? 0) == 0)
    }

    @Test func reductionReleasesCopiesAsTheTreeConsumesThem() throws {
        let r = try runSample("seed-reduction", asWritten: true)
        // Two workers with one thread each: at most two tasks hold a decoded copy at once.
        #expect((r.peakCopies["mapper"] ?? 0) <= 2)
    }

    @Test func anObjectDaskWrapsIsFetchedOncePerWorker() throws {
        // ndarray-argument's 8 MB curve: Dask's normalize_arg wraps it in delayed (sizeof > 1e6),
        // so Dask never copies it per task; the executor follows the estimate's per-use decision.
        let loaded = try loadSample("ndarray-argument")
        let graph = try #require(loaded.graph)
        var options = RunOptions()
        options.daskWrapped = [RunOptions.wrappedUse(step: "volts", object: "curve")]
        let dir = repoRoot.appendingPathComponent("samples")
        let wrapped = try Executor.run(graph, source: loaded.source, baseDirectory: dir, options: options)
        #expect((wrapped.peakCopies["curve"] ?? 0) <= 2)
        #expect(wrapped.outputs.count == 1)
        // (Without the decision each of the 100 tasks decodes its own copy: 800 MB, not run here.)
        #expect(wrapped.rssGrowth >= 0 && wrapped.startRSS > 0)
    }

    @Test func theSchedulerKeepsOneEncodedCopy() throws {
        let r = try runSample("seed-argument", asWritten: true)
        #expect(r.schedulerBytes > 240_000)
        #expect(r.schedulerBytes < 241_000)
    }

    @Test func aWorkerOverItsLimitFailsNamingWhatFilledIt() throws {
        do {
            _ = try runSample("seed-argument", asWritten: true, memoryLimit: 4 << 20)
            Issue.record("the run should have failed")
        } catch {
            #expect(error.kind == .memory)
            #expect(error.location == "samples/seed-argument.yaml:3:10")
            #expect(error.message.contains("over its memory_per_worker of 4 MiB"))
            #expect(error.message.contains("decoded copies of object `mapper`"))
            #expect(error.help?.contains("fails rather than spill") == true)
        }
        // Optimized, the same limit is plenty.
        let ok = try runSample("seed-argument", memoryLimit: 4 << 20)
        #expect(ok.outputs.count == 1)
    }

    @Test func timelineIsSampled() throws {
        let r = try runSample("seed-argument", asWritten: true)
        #expect(!r.timeline.samples.isEmpty)
        #expect(r.timeline.samples.allSatisfy { $0.workers.count == 2 })
        let csv = r.timeline.csv()
        #expect(csv.hasPrefix("time_s,rss_bytes,accounted_bytes,worker0_bytes,worker1_bytes\n"))
    }
}
