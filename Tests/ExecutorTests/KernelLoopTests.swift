import Testing
@testable import Executor
import PipelineIR

/// The vectorized loops against the scalar definitions of docs/kernels.md,
/// bit for bit, on edge values and at every length around the vector width
/// (the tails) and the pairwise-sum block boundaries.
@Suite struct KernelLoopTests {
    static let edges: [Double] = [0.0, -0.0, 1.0, -1.0, 0.25, 0.75, 0.5, .nan, -.nan, .infinity, -.infinity,
                                  .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude, 2.0, 1e-300, -3.5]

    /// Edge values repeated and shuffled deterministically to `n` elements.
    static func values(_ n: Int, seed: UInt64 = 7) -> [Double] {
        (0..<n).map { i in
            let u = RandomValues.bits(seed: seed, index: UInt64(i))
            return u % 3 == 0 ? edges[Int(u >> 8) % edges.count] : RandomValues.double(u, low: -2, high: 2)
        }
    }

    static func same(_ a: Double, _ b: Double) -> Bool { a.bitPattern == b.bitPattern || (a.isNaN && b.isNaN) }

    /// numpy's pairwise_sum as written in loops_utils.h, scalar.
    static func referencePairwise(_ a: ArraySlice<Double>) -> Double {
        let n = a.count, s = a.startIndex
        if n < 8 { return a.reduce(0.0, +) }
        if n <= 128 {
            var r = (0..<8).map { a[s + $0] }
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += a[s + i + j] }
                i += 8
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                res += a[s + i]
                i += 1
            }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return referencePairwise(a[s..<(s + n2)]) + referencePairwise(a[(s + n2)...])
    }

    @Test func clipMatchesTheScalarDefinition() {
        let bounds: [(Double, Double)] = [(0.25, 0.75), (-0.0, 0.0), (0.0, -0.0), (1, -1), (.nan, 1), (0, .nan), (-.infinity, .infinity)]
        for n in [0, 1, 7, 8, 9, 15, 16, 17, 100, 1000] {
            let x = Self.values(n)
            for (lo, hi) in bounds {
                let got = Kernels.clip(Chunk(shape: [n], data: .f64(x)), low: .f64(lo), high: .f64(hi))
                guard case .f64(let r) = got.data else { Issue.record("clip changed the dtype"); return }
                for i in 0..<n {
                    let want = Kernels.npMin(Kernels.npMax(x[i], lo), hi)
                    #expect(Self.same(r[i], want), "clip(\(x[i]), \(lo), \(hi)) at \(i) of \(n): \(r[i]) ≠ \(want)")
                }
            }
        }
    }

    @Test func integerClipMatchesMinOfMax() {
        let x: [Int64] = [.min, -5, 0, 3, 7, 10, 11, .max] + (0..<37).map { Int64($0) - 18 }
        for (lo, hi) in [(Int64(0), Int64(10)), (10, 0), (.min, .max), (-3, -3)] {
            let got = Kernels.clip(Chunk(shape: [x.count], data: .i64(x)), low: .i64(lo), high: .i64(hi))
            #expect(got.data == .i64(x.map { Swift.min(Swift.max($0, lo), hi) }))
        }
    }

    @Test func squareRootIsIEEESqrtWithoutLibm() {
        for n in [0, 1, 2, 3, 8, 17, 1000] {
            let x = Self.values(n)
            guard case .f64(let r) = Kernels.squareRoot(Chunk(shape: [n], data: .f64(x))).data else { Issue.record("dtype"); return }
            for i in 0..<n {
                #expect(Self.same(r[i], x[i].squareRoot()), "sqrt(\(x[i])) = \(r[i])")
            }
        }
        guard case .f64(let z) = Kernels.squareRoot(Chunk(shape: [2], data: .f64([-0.0, 0.0]))).data else { return }
        #expect(z[0].bitPattern == (-0.0).bitPattern && z[1].bitPattern == 0.0.bitPattern)
        let ints: [Int64] = [.min, -1, 0, 1, 4, 1 << 53 + 1, .max]
        guard case .f64(let s) = Kernels.squareRoot(Chunk(shape: [ints.count], data: .i64(ints))).data else { return }
        for (v, got) in zip(ints, s) { #expect(Self.same(got, Double(v).squareRoot())) }
    }

    @Test func integerToDoubleIsTheRoundedConversion() {
        var values: [Int64] = [.min, .min + 1, -1, 0, 1, .max, .max - 1, 1 << 53, (1 << 53) + 1, -(1 << 53) - 1, .max - 1023,
                               Int64(UInt32.max), -Int64(UInt32.max), 1 << 32, -(1 << 32)]
        values += (0..<10_000).map { Int64(bitPattern: RandomValues.bits(seed: 5, index: UInt64($0))) >> ($0 % 64) }
        for v in values {
            #expect(KernelLoops.double(v).bitPattern == Double(v).bitPattern, "Double(\(v))")
        }
    }

    @Test func takeWithInvalidIndicesAndAnEmptyTable() {
        let idx: [Int64] = [-1, 0, 2, 3, .min, .max, 1]
        let t = Kernels.take(Chunk(shape: [7], data: .i64(idx)), .i64([10, 20, 30]))
        #expect(t.data == .i64([0, 10, 30, 0, 0, 0, 20]))
        guard case .f64(let f) = Kernels.take(Chunk(shape: [7], data: .i64(idx)), .f64([1.5, 2.5, 3.5])).data else { return }
        #expect(f[1] == 1.5 && f[2] == 3.5 && f[6] == 2.5 && f[0].isNaN && f[3].isNaN && f[4].isNaN && f[5].isNaN)
        #expect(Kernels.take(Chunk(shape: [2], data: .i64([0, 1])), .i64([])).data == .i64([0, 0]))
        guard case .f64(let e) = Kernels.take(Chunk(shape: [2], data: .i64([0, 1])), .f64([])).data else { return }
        #expect(e.allSatisfy { $0.isNaN })
    }

    @Test func pairwiseSumIsNumpysOrderAtEveryLength() {
        let x = Self.values(5000, seed: 11).map { $0.isFinite ? $0 * 1e3 : 1 }
        for n in Array(0...300) + [511, 512, 513, 1023, 1024, 1025, 4099, 5000] {
            let got = x.withUnsafeBufferPointer { Reductions.pairwiseSum(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            let want = Self.referencePairwise(x[0..<n])
            #expect(got.bitPattern == want.bitPattern, "pairwise sum of \(n) elements: \(got) ≠ \(want)")
        }
    }

    @Test func integerSumsWrapAndMeanCastsThroughBuffers() {
        let x: [Int64] = [.max, 1, .min, -1, 5] + (0..<20_000).map { Int64($0) * 1_000_003 }
        #expect(Reductions.sum(x) == x.reduce(0, &+))
        var total = 0.0
        var start = 0
        while start < x.count {
            let chunk = x[start..<Swift.min(start + 8192, x.count)].map(Double.init)
            total += Self.referencePairwise(chunk[...])
            start += 8192
        }
        #expect(Reductions.sumAsDouble(x).bitPattern == total.bitPattern)
        #expect(Reductions.sumAsDouble([]) == 0)
    }

    /// The bisection docs/kernels.md describes (numpy's `side='left'` loop): the
    /// first index whose edge does not sort before the key.
    static func referenceSearch<T>(_ edges: [T], _ v: T, _ before: (T, T) -> Bool) -> Int64 {
        var lo = 0, hi = edges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if before(edges[mid], v) { lo = mid + 1 } else { hi = mid }
        }
        return Int64(lo)
    }

    /// Sorted edge lists of every length up to 70 and a few longer ones, with repeats.
    static func sortedEdges<T>(_ pool: [T], _ less: (T, T) -> Bool) -> [[T]] {
        (Array(0...70) + [127, 128, 129, 1000, 4097]).map { m in
            (0..<m).map { pool[Int(RandomValues.bits(seed: 13, index: UInt64($0 + 31 * m)) % UInt64(pool.count))] }.sorted(by: less)
        }
    }

    @Test func integerSearchsortedMatchesTheBisection() {
        let pool: [Int64] = [.min, .min + 1, -1_000_000, -3, -1, 0, 1, 2, 3, 7, 42, 1 << 40, .max - 1, .max]
            + (0..<50).map { Int64($0) * 37 - 900 }
        let keys = pool + (0..<101).map { Int64(bitPattern: RandomValues.bits(seed: 17, index: UInt64($0))) >> ($0 % 64) }
        for edges in Self.sortedEdges(pool, <) {
            for n in [0, 1, 3, 4, 5, 8, 11, keys.count] {
                let x = Array(keys[0..<n])
                let got = Kernels.searchsorted(Chunk(shape: [n], data: .i64(x)), edges: .i64(edges))
                #expect(got.data == .i64(x.map { Self.referenceSearch(edges, $0, <) }), "\(edges.count) edges, \(n) keys")
            }
        }
    }

    @Test func floatSearchsortedMatchesTheBisectionWithNaNLast() {
        let pool: [Double] = [-.infinity, -1e300, -2.5, -1, -0.0, 0.0, .leastNonzeroMagnitude, 0.25, 0.5, 1, 1, 3.75, 1e300, .infinity, .nan]
            + (0..<40).map { Double($0) * 0.125 - 2 }
        let keys = pool + [-.nan, 0.3, 2.0, -7, .leastNonzeroMagnitude * 3] + Self.values(97, seed: 19)
        // numpy's order: numbers ascending (−0.0 and 0.0 tie), then NaN.
        let sorted = Self.sortedEdges(pool) { a, b in b.isNaN ? !a.isNaN : a < b }
        for edges in sorted {
            for n in [0, 1, 3, 4, 5, 8, 11, keys.count] {
                let x = Array(keys[0..<n])
                let got = Kernels.searchsorted(Chunk(shape: [n], data: .f64(x)), edges: .f64(edges))
                let want = x.map { v in Self.referenceSearch(edges, v) { a, v in a < v || (v.isNaN && !a.isNaN) } }
                #expect(got.data == .i64(want), "\(edges.count) edges, \(n) keys")
            }
        }
    }
}
