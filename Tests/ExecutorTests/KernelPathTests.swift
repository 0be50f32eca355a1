import Testing
@testable import Executor
import PipelineIR

/// The C loops (Sources/CKernels) in every instruction set this CPU has and with
/// and without streaming stores, against the scalar definitions of docs/kernels.md,
/// bit for bit: the path a kernel takes must never change its result.
@Suite struct KernelPathTests {
    static let lengths = [0, 1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 130, 1000, 1031]

    static let ints: [Int64] = [.min, .min + 1, -30001, -1, 0, 1, 2, 3, 29999, 30000, 1 << 53, (1 << 53) + 1, .max - 1, .max]

    static func intValues(_ n: Int, seed: UInt64) -> [Int64] {
        (0..<n).map { i in
            let u = RandomValues.bits(seed: seed, index: UInt64(i))
            return u % 3 == 0 ? ints[Int(u >> 8) % ints.count] : Int64(bitPattern: u) >> (u % 64)
        }
    }

    /// Every (instruction set, streaming) pair: streaming from 8 bytes makes every
    /// output of one element or more stream.
    static var paths: [(level: Int, stream: Int)] {
        (0...KernelLoops.level).flatMap { [($0, KernelLoops.streamBytes), ($0, 8)] }
    }

    static func doubles(_ c: Chunk) -> [Double] { if case .f64(let v) = c.data { v } else { [] } }
    static func int64s(_ c: Chunk) -> [Int64] { if case .i64(let v) = c.data { v } else { [] } }

    static func expectSame(_ got: [Double], _ want: [Double], _ what: String) {
        #expect(got.count == want.count, "\(what): \(got.count) elements, want \(want.count)")
        for (i, (g, w)) in zip(got, want).enumerated() where !KernelLoopTests.same(g, w) {
            Issue.record("\(what) at \(i): \(g) ≠ \(w)")
            return
        }
    }

    @Test func everyPathGivesTheScalarDefinition() throws {
        for (level, stream) in Self.paths {
            try KernelLoops.forcing(level: level, streamBytes: stream) {
                for n in Self.lengths {
                    let tag = "level \(level), stream from \(stream) B, n = \(n)"
                    try checkFloats(n, tag)
                    try checkInts(n, tag)
                    checkTake(n, tag)
                }
            }
        }
    }

    func checkFloats(_ n: Int, _ tag: String) throws {
        let x = KernelLoopTests.values(n, seed: 3), y = KernelLoopTests.values(n, seed: 4)
        let ops: [(Kernel, (Double, Double) -> Double)] = [(.add, +), (.sub, -), (.mul, *), (.div, /)]
        for (k, f) in ops {
            let got = try Kernels.arithmetic(k, Chunk(shape: [n], data: .f64(x)), .column(.f64(y)))
            Self.expectSame(Self.doubles(got), zip(x, y).map(f), "\(k.rawValue) f64, \(tag)")
            let scaled = try Kernels.arithmetic(k, Chunk(shape: [n], data: .f64(x)), .scalar(.f64(-0.75)))
            Self.expectSame(Self.doubles(scaled), x.map { f($0, -0.75) }, "\(k.rawValue) f64 by a number, \(tag)")
        }
        Self.expectSame(Self.doubles(Kernels.squareRoot(Chunk(shape: [n], data: .f64(x)))), x.map { $0.squareRoot() }, "sqrt f64, \(tag)")
        for (lo, hi) in [(0.25, 0.75), (0.0, -0.0), (.nan, 1), (1, -1)] {
            let got = Kernels.clip(Chunk(shape: [n], data: .f64(x)), low: .f64(lo), high: .f64(hi))
            Self.expectSame(Self.doubles(got), x.map { Kernels.npMin(Kernels.npMax($0, lo), hi) }, "clip f64 \(lo)…\(hi), \(tag)")
        }
    }

    func checkInts(_ n: Int, _ tag: String) throws {
        let a = Self.intValues(n, seed: 5), b = Self.intValues(n, seed: 6)
        let ops: [(Kernel, (Int64, Int64) -> Int64)] = [(.add, { $0 &+ $1 }), (.sub, { $0 &- $1 }), (.mul, { $0 &* $1 })]
        for (k, f) in ops {
            let got = try Kernels.arithmetic(k, Chunk(shape: [n], data: .i64(a)), .column(.i64(b)))
            #expect(Self.int64s(got) == zip(a, b).map(f), "\(k.rawValue) i64, \(tag)")
            let scaled = try Kernels.arithmetic(k, Chunk(shape: [n], data: .i64(a)), .scalar(.i64(-3)))
            #expect(Self.int64s(scaled) == a.map { f($0, -3) }, "\(k.rawValue) i64 by a number, \(tag)")
        }
        Self.expectSame(Self.doubles(Kernels.squareRoot(Chunk(shape: [n], data: .i64(a)))), a.map { Double($0).squareRoot() }, "sqrt i64, \(tag)")
        for (lo, hi) in [(Int64(0), Int64(30000)), (10, 0), (.min, .max)] {
            let got = Kernels.clip(Chunk(shape: [n], data: .i64(a)), low: .i64(lo), high: .i64(hi))
            #expect(Self.int64s(got) == a.map { Swift.min(Swift.max($0, lo), hi) }, "clip i64 \(lo)…\(hi), \(tag)")
        }
    }

    func checkTake(_ n: Int, _ tag: String) {
        let idx = Self.intValues(n, seed: 7).map { $0 % 2 == 0 ? $0 % 40 : $0 }  // valid, negative and past the end
        let ti = (0..<30).map { Int64($0) * 7 - 100 }, tf = (0..<30).map { Double($0) * 0.5 - 3 }
        let valid = { (v: Int64) in v >= 0 && v < 30 }
        #expect(Self.int64s(Kernels.take(Chunk(shape: [n], data: .i64(idx)), .i64(ti))) == idx.map { valid($0) ? ti[Int($0)] : 0 },
                "take i64, \(tag)")
        Self.expectSame(Self.doubles(Kernels.take(Chunk(shape: [n], data: .i64(idx)), .f64(tf))), idx.map { valid($0) ? tf[Int($0)] : .nan },
                        "take f64, \(tag)")
    }
}
