import Foundation
import PipelineIR
import Testing
@testable import Executor

/// A lookup's table follows the placement semantics of a `map_partitions` argument: embedded, it
/// is decoded by every partition's task and held while that task's result lives (Dask's
/// `Series.map` pickles it into every `map` task); delayed or scattered, one copy per worker.
@Suite struct FrameLookupMemoryTests {
    static func text(placement: String, scheduler: String = "distributed") -> String {
        """
        pipeline: lookup-memory
        version: 1.2
        cluster: {scheduler: \(scheduler), workers: 2, threads_per_worker: 1}
        objects:
          codes: {series: {range: 100000}, placement: \(placement)}
        frames:
          t:
            rows: 600
            partitions: 6
            columns:
              id: {dtype: int64, source: {random: {seed: 1, low: 0, high: 200000}}}
        steps:
          coded: {lookup: t.id, through: codes, into: code}
        outputs:
          coded: persist
        """
    }

    /// The decoded size of the table, as the executor accounts an object.
    static let tableBytes: Int = {
        guard let o = loadText(text(placement: "embed")).graph?.layers.first(where: { $0.name == "codes" })?.object,
              let v = try? ObjectBuilder.build(o.recipe, baseDirectory: FileManager.default.temporaryDirectory) else { return 0 }
        return v.residentBytes
    }()

    func csv(_ r: RunReport) -> String {
        guard case .frame(let parts)? = r.outputs.first?.data else { return "" }
        return String(decoding: FrameCSV.bytes(parts), as: UTF8.self)
    }

    @Test func anEmbeddedTableIsACopyPerTaskHeldWithItsResult() throws {
        #expect(Self.tableBytes >= 800_000)
        let r = try runText(Self.text(placement: "embed"), asWritten: true)
        #expect(r.peakCopies["codes"] == 6)
        // Six decoded copies held with the results, plus, while the last two tasks run, their
        // definitions (the encoded table each worker received): at most eight tables' worth.
        #expect(r.peakAccounted >= 6 * Self.tableBytes)
        #expect(r.peakAccounted < 8 * Self.tableBytes + 200_000)
        // The scheduler keeps the one encoded copy of the step's definition.
        #expect(r.schedulerBytes >= Self.tableBytes)
    }

    @Test(arguments: ["delayed", "scatter"])
    func aPlacedTableIsOneCopyPerWorker(_ placement: String) throws {
        let r = try runText(Self.text(placement: placement), asWritten: true)
        // Scattered: a copy on each worker from the start. Delayed: built by one task, fetched by a
        // worker when one of its tasks needs it (the scheduler prefers the worker that holds it).
        let copies = r.peakCopies["codes"] ?? 0
        #expect(placement == "scatter" ? copies == 2 : (1...2).contains(copies))
        #expect(r.peakAccounted >= copies * Self.tableBytes)
        #expect(r.peakAccounted < 3 * Self.tableBytes)
        #expect(csv(r) == csv(try runText(Self.text(placement: "embed"), asWritten: true)))
    }

    @Test func onThreadsTheTableIsShared() throws {
        let r = try runText(Self.text(placement: "embed", scheduler: "threads"), asWritten: true)
        #expect((r.peakCopies["codes"] ?? 0) == 0)
        #expect(r.peakAccounted < Self.tableBytes)
        #expect(csv(r) == csv(try runText(Self.text(placement: "embed"), asWritten: true)))
    }
}
