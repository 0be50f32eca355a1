import Foundation
import PipelineIR
import Testing
@testable import Executor

/// Per-item steps (format 1.1) on the executor: one task per item, the item reaching the kernel
/// as a one-element block, the results gathered in item order, and a reduction in one task.
@Suite struct PerItemRunTests {
    static let text = """
        pipeline: t
        version: 1.1
        cluster: {scheduler: distributed, workers: 2}
        objects:
          table: {ndarray: {shape: [20], fill: range}}
        functions:
          f: {params: [i, t], kernel: take}
          g: {params: [i, k], kernel: scale}
        steps:
          picked: {delayed: f, items: [3, 5, 8, 13], args: [item, table]}
          total: {reduce: sum, over: picked}
          halves: {submit: g, items: {range: [10, 13]}, args: [item, 0.5]}
          most: {reduce: max, over: halves}
        outputs:
          picked: compute
          total: compute
          halves: compute
          most: compute

        """

    @Test func eachItemIsOneTaskAndAReductionIsOne() throws {
        let report = try runText(Self.text, asWritten: true)
        // 4 + 1 + 3 + 1 tasks; the ndarray is embedded (no task).
        #expect(report.tasks == 9)
        let byName = Dictionary(uniqueKeysWithValues: report.outputs.map { ($0.name, $0.data) })
        guard case .array(let shape, let chunks, _)? = byName["picked"] else { Issue.record("picked is an array"); return }
        #expect(shape == [4])
        #expect(chunks.map(\.data) == [.f64([3]), .f64([5]), .f64([8]), .f64([13])])
        guard case .scalar(let total)? = byName["total"], case .scalar(let most)? = byName["most"] else { Issue.record("reductions are scalars"); return }
        #expect(total == .f64(29))
        #expect(most == .f64(6))
        guard case .array(_, let halves, _)? = byName["halves"] else { Issue.record("halves is an array"); return }
        #expect(halves.map(\.data) == [.f64([5]), .f64([5.5]), .f64([6])])
    }

    /// Written integers reach the kernel exactly, the largest and smallest int64 and 2⁵³ + 1
    /// included (Python ints; they went through a float before and the largest trapped).
    @Test func integerItemsArePassedExactly() throws {
        let text = """
            pipeline: t
            version: 1.1
            functions:
              g: {params: [i, k], kernel: add}
            steps:
              same: {delayed: g, items: [9223372036854775807, -9223372036854775808, 9007199254740993], args: [item, 0]}
            outputs:
              same: compute

            """
        let report = try runText(text, asWritten: true)
        guard case .array(_, let chunks, _)? = report.outputs.first?.data else { Issue.record("same is an array"); return }
        #expect(chunks.map(\.data) == [.i64([.max]), .i64([.min]), .i64([9_007_199_254_740_993])])
    }
}
