import Foundation
import PipelineIR

/// A reduction's partial result, as Dask's chunk/combine functions hold it.
public enum Partial: Sendable, Equatable {
    /// sum/min/max/count: one number.
    case value(Scalar)
    /// mean: Float64 total and Float64 element count (Dask's `mean_chunk`).
    case mean(total: Double, count: Double)
    /// A frame column's mean (Dask's `sum / count`): the sum (int64 or float64) and the count.
    case sumCount(sum: Scalar, count: Int64)
    /// A float32 frame column's sum: pandas sums float32 in float32 (`nansum`, numpy's pairwise
    /// loop with float32 accumulators), partials too (a float32 Series of them).
    case float32Sum(Float)
    /// A float32 frame column's mean: the float32 sum and the count (`s / n` in float64).
    case float32Mean(sum: Float, count: Int64)
}

/// Reductions, specified bit-for-bit so a Dask export agrees on floats
/// (docs/kernels.md, "Reductions"): chunk partials use numpy's pairwise
/// summation; groups combine in row-major order of the group.
public enum Reductions {
    /// numpy's `pairwise_sum` (loops_utils.h): below 8 elements a plain loop
    /// from 0.0; up to 128 eight accumulators; above, split at n/2 rounded
    /// down to a multiple of 8 and recurse (`KernelLoops.pairwiseSum`, the
    /// accumulators in `SIMD8` lanes).
    public static func pairwiseSum(_ a: UnsafeBufferPointer<Double>) -> Double {
        guard let p = a.baseAddress else { return 0 }
        return KernelLoops.pairwiseSum(p, a.count)
    }

    /// `np.sum(a)` of Float64: `0.0 + pairwise(a)`.
    public static func sum(_ a: [Double]) -> Double {
        a.withUnsafeBufferPointer { 0.0 + pairwiseSum($0) }
    }

    /// `np.sum(a)` of Int64: the wrapping sum.
    public static func sum(_ a: [Int64]) -> Int64 {
        a.withUnsafeBufferPointer { KernelLoops.wrappingSum($0) }
    }

    /// `np.sum(a, dtype=float64)` of Int64: numpy casts through a buffer of
    /// 8,192 elements and adds each buffer's pairwise sum to the total in order.
    public static func sumAsDouble(_ a: [Int64]) -> Double {
        let size = 8192
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: Swift.min(size, Swift.max(a.count, 1))) { buf in
            a.withUnsafeBufferPointer { src in
                var total = 0.0
                var start = 0
                while start < src.count {
                    let n = Swift.min(size, src.count &- start)
                    for i in 0..<n { buf[i] = Double(src[start &+ i]) }
                    total += pairwiseSum(UnsafeBufferPointer(rebasing: buf[0..<n]))
                    start &+= n
                }
                return total
            }
        }
    }

    /// The partial of one chunk.
    public static func partial(_ r: Reduction, _ c: Column) -> Partial {
        switch (r, c) {
        case (.sum, .f64(let a)): return .value(.f64(sum(a)))
        case (.sum, .i64(let a)): return .value(.i64(sum(a)))
        case (.mean, .f64(let a)): return .mean(total: sum(a), count: Double(a.count))
        case (.mean, .i64(let a)): return .mean(total: sumAsDouble(a), count: Double(a.count))
        case (.count, .f64(let a)): return .value(.i64(Int64(a.reduce(0) { $0 + ($1.isNaN ? 0 : 1) })))
        case (.count, .i64(let a)): return .value(.i64(Int64(a.count)))
        case (.min, .f64(let a)): return .value(.f64(a.isEmpty ? .nan : a.dropFirst().reduce(a[0]) { Kernels.npMin($0, $1) }))
        case (.max, .f64(let a)): return .value(.f64(a.isEmpty ? .nan : a.dropFirst().reduce(a[0]) { Kernels.npMax($0, $1) }))
        case (.min, .i64(let a)): return .value(.i64(a.min() ?? 0))
        case (.max, .i64(let a)): return .value(.i64(a.max() ?? 0))
        default:
            // `pipelint run` refuses reductions over complex and nanosecond values before planning.
            return partial(r, .f64(c.asDoubles))
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
        case .sumCount(let s, let c): .f64(s.double / Double(c))
        case .float32Sum(let s): .f64(Double(s))
        case .float32Mean(let s, let c): .f64(Double(s) / Double(c))
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
