import Foundation
import Testing
@testable import Executor
import PipelineIR

@Suite struct FailureTests {
    /// A dot product whose weights do not fit the blocks fails in its first task.
    static let badDot = """
    pipeline: bad-dot
    version: 1
    cluster: {scheduler: distributed, workers: 2, threads_per_worker: 2}
    objects:
      w: {ndarray: {shape: [3], fill: ones}}
    functions:
      score: {params: [block, w], kernel: dot}
    arrays:
      m: {shape: [40, 4], chunks: [10, 4], source: range}
    steps:
      scored: {map_blocks: score, over: [m], args: [w]}
    outputs:
      scored: persist

    """

    @Test func aKernelErrorNamesTaskChunkAndPosition() throws {
        do {
            _ = try runText(Self.badDot, asWritten: true)
            Issue.record("the run should have failed")
        } catch {
            #expect(error.kind == .task)
            #expect(error.location == "t.yaml:11:11")
            // Which chunk fails first depends on scheduling; the message shape does not.
            // 1-D weights drop the last axis: the step's chunks are 1-D.
            let pattern = #/step `scored` failed in task \('scored', (\d)\) \(chunk \(\1,\)\): `dot`: the block has 4 columns but the weights have 3 rows; the remaining tasks were cancelled/#
            #expect(error.message.wholeMatch(of: pattern) != nil, "\(error.message)")
        }
    }

    @Test func cancellingStopsWithinASecond() throws {
        let text = """
        pipeline: long
        version: 1
        cluster: {scheduler: distributed, workers: 2, threads_per_worker: 1}
        arrays:
          x: {shape: [200000000], chunks: [100000], source: {random: {seed: 1}}}
        steps:
          y: {reduce: sum, over: x}
        outputs:
          y: compute

        """
        let control = RunControl()
        let box = ErrorBox()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            do throws(ExecutorError) { _ = try runText(text, control: control) } catch { box.set(error) }
            done.signal()
        }
        thread.start()
        Thread.sleep(forTimeInterval: 0.3)
        let start = Date()
        control.cancel()
        let finished = done.wait(timeout: .now() + 5)
        #expect(finished == .success)
        #expect(Date().timeIntervalSince(start) < 3.0)  // prompt, with room for a loaded machine
        #expect(box.get()?.kind == .cancelled)
    }

    @Test func cancelledWriteLeavesNoCompleteLookingFile() throws {
        let r = try runSample("seed-argument")
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let control = RunControl()
        control.cancel()
        #expect(throws: ExecutorError.self) { try ResultsWriter.write(r, to: dir, control: control) }
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(left.isEmpty, "\(left)")
    }

    @Test func aMissingInputFileIsLocated() throws {
        let text = """
        pipeline: missing
        version: 1
        arrays:
          x: {shape: [10], chunks: [5], source: {load: nowhere.npy}}
        steps:
          s: {reduce: sum, over: x}
        outputs:
          s: compute

        """
        let dir = try temporaryFolder()
        do {
            _ = try runText(text, in: dir)
            Issue.record("ran without its file")
        } catch {
            #expect(error.kind == .input)
            #expect(error.location == "t.yaml:4:6")
            #expect(error.message.hasPrefix("array `x`: cannot read `nowhere.npy`"))
        }
    }

    /// The executor itself (as `fix --verify` and `compare` use it) refuses a `load:` that
    /// leaves the pipeline's folder through a link, and never quotes the file.
    @Test func loadThroughALinkOutOfTheFolderIsRefused() throws {
        let text = """
            pipeline: t
            version: 1
            objects:
              table: {series: {load: link.csv, length: 1}}
            functions:
              f: {params: [block, table], kernel: take}
            arrays:
              x: {shape: [10], chunks: [5], dtype: int64}
            steps:
              s: {map_blocks: f, over: [x], args: [table]}
            outputs:
              s: compute

            """
        let outer = try temporaryFolder()
        let dir = outer.appendingPathComponent("p")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("SECRET_TOKEN=abc\n".utf8).write(to: outer.appendingPathComponent("secret.csv"))
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.csv").path, withDestinationPath: "../secret.csv")
        // Embedded, the object is built on the client before anything runs.
        do {
            _ = try runText(text, in: dir)
            Issue.record("read a file outside the folder")
        } catch {
            #expect(error.kind == .input)
            #expect(error.message == "cannot build object `table`: `link.csv` resolves outside the pipeline's folder (through a symbolic link)")
            #expect(!error.description.contains("SECRET"))
        }
        // Delayed, it is built in a task, which refuses the same way.
        let delayed = text.replacingOccurrences(of: "table: {series: {load: link.csv, length: 1}}",
                                                with: "table: {series: {load: link.csv, length: 1}, placement: delayed}")
        do {
            _ = try runText(delayed, in: dir)
            Issue.record("read a file outside the folder")
        } catch {
            #expect(error.kind == .task)
            #expect(error.message.hasPrefix("object `table` failed in task 'table': cannot build object `table`: `link.csv` resolves outside the pipeline's folder (through a symbolic link);"))
            #expect(!error.description.contains("SECRET"))
        }
    }
}

/// An error handed from a thread to the test.
final class ErrorBox: @unchecked Sendable {
    let lock = NSLock()
    var error: ExecutorError?
    func set(_ e: ExecutorError) { lock.lock(); error = e; lock.unlock() }
    func get() -> ExecutorError? { lock.lock(); defer { lock.unlock() }; return error }
}
