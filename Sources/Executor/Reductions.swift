import Foundation
import PipelineIR

/// A reduction's partial result, as Dask's chunk/combine functions hold it.
public enum Partial: Sendable, Equatable {
    /// sum/min/max/count: one number.
    case value(Scalar)
    /// mean: Float64 total and Float64 element count (Dask's `mean_chunk`).
    case mean(total: Double, count: Double)
}

/// Reductions, specified bit-for-bit so a Dask export agrees on floats
/// (docs/kernels.md, "Reductions"): chunk partials use numpy's pairwise
/// summation; groups combine in row-major order of the group.
public enum Reductions {
    /// numpy's `pairwise_sum` (loops_utils.h): below 8 elements a plain loop
    /// from 0.0; up to 128 eight accumulators; above, split at n/2 rounded
    /// down to a multiple of 8 and recurse.
    public static func pairwiseSum(_ a: UnsafeBufferPointer<Double>) -> Double {
        let n = a.count
        if n < 8 {
            var r = 0.0
            for i in 0..<n { r += a[i] }
            return r
        }
        if n <= 128 {
            var r0 = a[0], r1 = a[1], r2 = a[2], r3 = a[3], r4 = a[4], r5 = a[5], r6 = a[6], r7 = a[7]
            var i = 8
            let end = n - n % 8
            while i < end {
                r0 += a[i]; r1 += a[i + 1]; r2 += a[i + 2]; r3 += a[i + 3]
                r4 += a[i + 4]; r5 += a[i + 5]; r6 += a[i + 6]; r7 += a[i + 7]
                i += 8
            }
            var res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
            while i < n {
                res += a[i]
                i += 1
            }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return pairwiseSum(UnsafeBufferPointer(rebasing: a[0..<n2])) + pairwiseSum(UnsafeBufferPointer(rebasing: a[n2..<n]))
    }

    /// `np.sum(a)` of Float64: `0.0 + pairwise(a)`.
    public static func sum(_ a: [Double]) -> Double {
        a.withUnsafeBufferPointer { 0.0 + pairwiseSum($0) }
    }

    /// `np.sum(a, dtype=float64)` of Int64: numpy casts through a buffer of
    /// 8,192 elements and adds each buffer's pairwise sum to the total in order.
    public static func sumAsDouble(_ a: [Int64]) -> Double {
        var total = 0.0
        var buf = [Double](repeating: 0, count: Swift.min(8192, a.count))
        var start = 0
        while start < a.count {
            let end = Swift.min(start + 8192, a.count)
            let n = end - start
            for i in 0..<n { buf[i] = Double(a[start + i]) }
            total += buf.withUnsafeBufferPointer { pairwiseSum(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            start = end
        }
        return total
    }

    /// The partial of one chunk.
    public static func partial(_ r: Reduction, _ c: Column) -> Partial {
        switch (r, c) {
        case (.sum, .f64(let a)): return .value(.f64(sum(a)))
        case (.sum, .i64(let a)): return .value(.i64(a.reduce(0, &+)))
        case (.mean, .f64(let a)): return .mean(total: sum(a), count: Double(a.count))
        case (.mean, .i64(let a)): return .mean(total: sumAsDouble(a), count: Double(a.count))
        case (.count, .f64(let a)): return .value(.i64(Int64(a.reduce(0) { $0 + ($1.isNaN ? 0 : 1) })))
        case (.count, .i64(let a)): return .value(.i64(Int64(a.count)))
        case (.min, .f64(let a)): return .value(.f64(a.isEmpty ? .nan : a.dropFirst().reduce(a[0]) { Kernels.npMin($0, $1) }))
        case (.max, .f64(let a)): return .value(.f64(a.isEmpty ? .nan : a.dropFirst().reduce(a[0]) { Kernels.npMax($0, $1) }))
        case (.min, .i64(let a)): return .value(.i64(a.min() ?? 0))
        case (.max, .i64(let a)): return .value(.i64(a.max() ?? 0))
        }
    }

    /// Combines a group's partials (in row-major order of the group) the way
    /// numpy reduces the concatenated partials: sums are pairwise over the group.
    public static func combine(_ r: Reduction, _ parts: [Partial]) -> Partial {
        switch r {
        case .mean:
            var totals: [Double] = []
            var counts: [Double] = []
            for p in parts { if case .mean(let t, let c) = p { totals.append(t); counts.append(c) } }
            return .mean(total: sum(totals), count: sum(counts))
        case .sum, .count:
            let values = parts.compactMap { p -> Scalar? in if case .value(let s) = p { s } else { nil } }
            var ints: Int64 = 0
            var allInts = true
            for v in values {
                if case .i64(let i) = v { ints = ints &+ i } else { allInts = false }
            }
            if allInts { return .value(.i64(ints)) }
            return .value(.f64(sum(values.map(\.double))))
        case .min, .max:
            let values = parts.compactMap { p -> Scalar? in if case .value(let s) = p { s } else { nil } }
            guard let first = values.first else { return .value(.f64(.nan)) }
            if case .i64 = first {
                let ints: [Int64] = values.map { v -> Int64 in if case .i64(let i) = v { return i } else { return 0 } }
                return .value(.i64((r == .min ? ints.min() : ints.max()) ?? 0))
            }
            let ds = values.map(\.double)
            return .value(.f64(ds.dropFirst().reduce(ds[0]) { r == .min ? Kernels.npMin($0, $1) : Kernels.npMax($0, $1) }))
        }
    }

    /// The final value from the last partial: mean divides total by count.
    public static func finish(_ p: Partial) -> Scalar {
        switch p {
        case .value(let s): s
        case .mean(let t, let c): .f64(t / c)
        }
    }

    /// Group size per axis for an `ndim`-dimensional grid, as Dask computes it:
    /// `max(int(split_every ** (1 / ndim)), 2)`.
    public static func groupSize(splitEvery: Int, ndim: Int) -> Int {
        let s = Double(Swift.max(splitEvery, 2))
        // `split_every` near 2⁶³ rounds up to 2⁶³ as a Double: clamp before converting.
        return Swift.max(Int(Swift.min(pow(s, 1.0 / Double(Swift.max(ndim, 1))), 0x1p62)), 2)
    }
}
