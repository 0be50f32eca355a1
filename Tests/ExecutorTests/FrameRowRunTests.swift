import Foundation
import PipelineIR
import PipelineYAML
import Testing
@testable import Executor

/// `lookup`, `assign` and `filter` on the bundled executor: expected values computed here from
/// pandas' and numpy's rules, not copied from the tool's output.
@Suite struct FrameRowRunTests {
    static let text = """
        pipeline: tiny-rows
        version: 1.2
        cluster: {scheduler: distributed, workers: 2, threads_per_worker: 1}
        objects:
          names: {dict: {length: 5, keys: {string: 3}, values: {string: 2, distinct: 2}}}
        frames:
          t:
            rows: 7
            partitions: [2, 2, 3]
            columns:
              s: {dtype: string, length: 3}
              id: {dtype: int64}
              k: {dtype: int32}
              g: {dtype: float32}
              f: {dtype: float64}
        steps:
          named: {lookup: t.s, through: names, into: named}
          bonus: {assign: named, column: bonus, expr: {where: [{gt: [id, 3]}, {mul: [f, 0.1]}, {div: [f, 12]}]}}
          k3: {assign: bonus, column: k3, expr: {add: [k, 3]}}
          g1: {assign: k3, column: g1, expr: {mul: [g, 0.1]}}
          kf: {assign: g1, column: kf, expr: {sub: [k, 2.5]}}
          kept: {filter: kf, column: id, op: ">=", value: 2}
          odd: {filter: kept, column: id, op: "!=", value: 4}
        outputs:
          odd: compute
        """

    func csv(_ text: String) throws -> String {
        let report = try runText(text, asWritten: true)
        guard case .frame(let parts)? = report.outputs.first?.data else { Issue.record("no frame output"); return "" }
        return String(decoding: FrameCSV.bytes(parts), as: UTF8.self)
    }

    @Test func rowStepsFollowPandas() throws {
        // Row r: s = "00r", id = k = r, g = f = r; named = names[r mod 2] for keys 000…004, missing
        // after; bonus = f * 0.1 where id > 3 else f / 12 (float64); k3 int32 (a Python int keeps
        // the column's dtype); g1 float32 (a Python float keeps float32); kf float64. The filters
        // keep rows 2, 3, 5, 6 with their original index labels.
        var expected = "index,s,id,k,g,f,named,bonus,k3,g1,kf\n"
        for r in [2, 3, 5, 6] {
            let f = Double(r)
            let named = r < 5 ? "0\(r % 2)" : ""
            let bonus = r > 3 ? f * 0.1 : f / 12
            let g1 = Float(r) * Float(0.1)
            expected += "\(r),00\(r),\(r),\(r),\(Float(r)),\(f),\(named),\(bonus),\(r + 3),\(g1),\(f - 2.5)\n"
        }
        #expect(try csv(Self.text) == expected)
    }

    @Test(arguments: ["scheduler: threads", "scheduler: processes"])
    func schedulersKeepTheLabels(_ change: String) throws {
        let other = Self.text.replacingOccurrences(of: "scheduler: distributed", with: change)
        #expect(other != Self.text)
        #expect(try csv(other) == (try csv(Self.text)))
    }

    @Test func numpyPromotion() {
        typealias K = FrameRowKernels
        #expect(K.promote(.int32, .uint32) == .int64)
        #expect(K.promote(.int8, .uint8) == .int16)
        #expect(K.promote(.int64, .uint64) == .float64)
        #expect(K.promote(.int16, .float32) == .float32)
        #expect(K.promote(.int32, .float32) == .float64)
        #expect(K.promote(.uint16, .uint32) == .uint32)
        #expect(K.resultType(.ints([1], .int8), .number(300, isInteger: true)) == .int8)
        #expect(K.resultType(.ints([1], .int8), .number(0.5, isInteger: false)) == .float64)
        #expect(K.resultType(.floats([1], .float32), .number(0.5, isInteger: false)) == .float32)
        // int8 wraps as numpy does: 100 + 100 = -56.
        guard case .ints(let v, .int8) = K.arith(.add, .ints([100], .int8), .ints([100], .int8), rows: 1) else { Issue.record("not int8"); return }
        #expect(v == [-56])
    }
}
