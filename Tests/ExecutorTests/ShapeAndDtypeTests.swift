@testable import Executor
import Foundation
import PipelineIR
import Testing

/// Results whose shape or values depend on the step's kernel and the objects' declared
/// dtypes, against numpy's (the numbers below are numpy's, computed by hand from
/// `np.arange(18.).reshape(6, 3) @ np.arange(6.).reshape(3, 2)` and `astype`).
@Suite struct ShapeAndDtypeTests {
    /// Chunk data in chunk order: C order when the last axis is one chunk.
    static func values(_ o: OutputResult?) -> (shape: [Int], data: [Double])? {
        guard case .array(let shape, let chunks, _)? = o?.data else { return nil }
        var out: [Double] = []
        for c in chunks {
            out += c.data.asDoubles
        }
        return (shape, out)
    }

    /// `where`'s condition is numpy's `bool` of each value: a complex value with a NaN or only an
    /// imaginary part is true (it was truncated to an integer: 0.5 false, NaN a trap).
    @Test func conditionsAreTrueWhenNonZeroInEveryStorage() throws {
        #expect(Column.f64([0.5, 0, -0.0, .nan]).truth == [true, false, false, true])
        #expect(Column.c128([0.5, 0, 0, 0, 0, 1, .nan, 0]).truth == [true, false, true, true])
        #expect(Column.i64([3, 0]).truth == [true, false])
        #expect(Column.datetime([.min, 0]).truth == [true, false])
        let picked = try Kernels.select(Chunk(shape: [4], data: .c128([0.5, 0, 0, 0, 0, 1, .nan, 0])), .scalar(.i64(1)), .scalar(.i64(2)))
        #expect(picked.data == .i64([1, 2, 1, 1]))
    }

    @Test func dotChangesTheShapeAsNumpyDoes() throws {
        let report = try runText("""
        pipeline: dot
        version: 1
        cluster: {scheduler: distributed, workers: 2, threads_per_worker: 1}
        objects:
          w: {ndarray: {shape: [3, 2], dtype: float64, fill: range}}
          v: {ndarray: {shape: [3], dtype: float64, fill: range}}
        functions:
          mix: {params: [block, w], kernel: dot}
        arrays:
          x: {shape: [6, 3], chunks: [2, 3], dtype: float64, source: range}
        steps:
          prod: {map_blocks: mix, over: [x], args: [w]}
          vec: {map_blocks: mix, over: [x], args: [v]}
          total: {reduce: sum, over: prod}
        outputs: {prod: compute, vec: compute, total: compute}
        """, asWritten: true)
        let prod = try #require(Self.values(report.outputs.first { $0.name == "prod" }))
        #expect(prod.shape == [6, 2])
        #expect(prod.data == [10, 13, 28, 40, 46, 67, 64, 94, 82, 121, 100, 148])
        let vec = try #require(Self.values(report.outputs.first { $0.name == "vec" }))
        #expect(vec.shape == [6])
        #expect(vec.data == [5, 14, 23, 32, 41, 50])
        guard case .scalar(let total)? = report.outputs.first(where: { $0.name == "total" })?.data else {
            Issue.record("total is not a scalar")
            return
        }
        #expect(total == .f64(813))
    }

    @Test func narrowObjectDtypesWrapAsNumpyCasts() throws {
        // np.arange(300).astype(np.int8)[[0, 127, 128, 200, 255, 299]] == [0, 127, -128, -56, -1, 43]
        let report = try runText("""
        pipeline: narrow
        version: 1
        cluster: {scheduler: threads, workers: 1, threads_per_worker: 1}
        objects:
          codes: {series: {range: 30000, dtype: int8}}
          small: {ndarray: {shape: [300], dtype: uint8, fill: range}}
          flags: {series: {values: [0, 2.5, -1], dtype: bool}}
          halves: {ndarray: {shape: [300], dtype: float32, fill: random, seed: 3}}
        functions:
          f: {params: [block, t], kernel: take}
        arrays:
          x: {shape: [300], chunks: [100], dtype: int64, source: range}
          i: {shape: [3], chunks: [3], dtype: int64, source: range}
        steps:
          a: {map_blocks: f, over: [x], args: [codes]}
          b: {map_blocks: f, over: [x], args: [small]}
          c: {map_blocks: f, over: [i], args: [flags]}
          d: {map_blocks: f, over: [x], args: [halves]}
        outputs: {a: compute, b: compute, c: compute, d: compute}
        """, asWritten: true)
        let a = try #require(Self.values(report.outputs.first { $0.name == "a" })).data
        #expect([0, 127, 128, 200, 255, 299].map { a[$0] } == [0, 127, -128, -56, -1, 43])
        let b = try #require(Self.values(report.outputs.first { $0.name == "b" })).data
        #expect([0, 127, 128, 200, 255, 299].map { b[$0] } == [0, 127, 128, 200, 255, 43])
        #expect(try #require(Self.values(report.outputs.first { $0.name == "c" })).data == [0, 1, 1])
        // float32 values are float32-representable (numpy rounds the float64 draws).
        let d = try #require(Self.values(report.outputs.first { $0.name == "d" })).data
        #expect(d.allSatisfy { Double(Float($0)) == $0 })
        #expect(d.contains { $0 != 0 })
    }
}
