internal import CKernels

/// The inner loops of the kernels that need more than "one expression per
/// element" to vectorize: written over raw buffer pointers with wrapping index
/// arithmetic (`&+`, `&*`: the indices never exceed the buffer's count), so the
/// compiler emits no bounds check or overflow trap inside them, and with
/// explicit `SIMD2`/`SIMD8` lanes where the per-element form would compile to
/// branches. The map loops are C (Sources/CKernels: streaming stores, AVX2 and
/// AVX-512 chosen at run time). Each loop gives, element for element, exactly what
/// the scalar definition in docs/kernels.md gives (the tests compare both on edge values).
enum KernelLoops {
    /// The instruction set the C loops run in: 0 baseline x86-64 (or not x86), 1 AVX2, 2 AVX-512.
    static var level: Int { Int(pk_level()) }

    /// Output bytes from which the C loops write with non-temporal stores.
    static var streamBytes: Int { pk_stream_bytes() }

    /// Runs `body` with the C loops forced to instruction set `level` (at most the
    /// CPU's) and streaming from `streamBytes` up. For tests: every path must give the
    /// same bits, so a kernel running meanwhile elsewhere is not affected.
    static func forcing<R>(level: Int, streamBytes: Int, _ body: () throws -> R) rethrows -> R {
        pk_force(Int32(level), streamBytes)
        defer { pk_force(-1, 0) }
        return try body()
    }

    /// Lanes per vector step: 8 doubles, which also matches numpy's eight
    /// pairwise-sum accumulators, so one `SIMD8` holds `r[0] … r[7]`.
    static let lanes = 8

    @inline(__always)
    static func load(_ p: UnsafeRawPointer, _ i: Int) -> SIMD8<Double> {
        p.loadUnaligned(fromByteOffset: i &* 8, as: SIMD8<Double>.self)
    }

    /// `Double(v)`, correctly rounded, in operations baseline x86-64 has in
    /// vector form (it has no packed Int64 → Double conversion): with `v = hi·2³² + lo`,
    /// `(2⁸⁴ + (hi + 2³¹)·2³²) − (2⁸⁴ + 2⁶³ + 2⁵²)` is `hi·2³² − 2⁵²` exactly, and adding
    /// `2⁵² + lo` rounds once, as the conversion does.
    @inline(__always)
    static func double(_ v: Int64) -> Double {
        let bits = UInt64(bitPattern: v)
        let hi = Double(bitPattern: 0x4530_0000_0000_0000 | ((bits >> 32) ^ 0x8000_0000))
        let lo = Double(bitPattern: 0x4330_0000_0000_0000 | (bits & 0xFFFF_FFFF))
        return (hi - (0x1p84 + 0x1p63 + 0x1p52)) + lo
    }

    /// The number of edges `e[0..<count]` for which `before(edge, v)` holds, when it
    /// holds for a prefix of them (sorted edges): the window is halved a fixed number
    /// of times, which `count` alone decides. The four-key loops below run the same
    /// steps without a branch; this one serves their last keys.
    @inline(__always)
    static func lowerBound<T>(_ e: UnsafePointer<T>, _ count: Int, _ v: T, _ before: (T, T) -> Bool) -> Int {
        guard count > 0 else { return 0 }
        var base = 0, len = count
        while len > 1 {
            let half = len >> 1
            if before(e[base &+ half], v) { base &+= half }
            len &-= half
        }
        return before(e[base], v) ? base &+ 1 : base
    }

    /// All ones when `a < b`, else zero, in integer arithmetic only (Hacker's Delight
    /// 2-12: the sign of `(a − b) ⊕ ((a ⊕ b) ∧ ((a − b) ⊕ a))`, exact under
    /// wrapping). A comparison would be compiled to a branch here, which a search
    /// mispredicts half the time.
    @inline(__always)
    static func lessMask(_ a: Int64, _ b: Int64) -> Int {
        let d = a &- b
        return Int(truncatingIfNeeded: (d ^ ((a ^ b) & (d ^ a))) >> 63)
    }

    /// numpy's `searchsorted(edges, x, side='left')` over Int64 edges and keys, for
    /// sorted edges: the number of edges `< x[i]`. Four keys at a time, so that their
    /// searches' loads overlap (each step of one search waits for its last load).
    static func searchsorted(_ x: UnsafeBufferPointer<Int64>, _ edges: UnsafeBufferPointer<Int64>, _ out: UnsafeMutableBufferPointer<Int64>) {
        let n = Swift.min(x.count, out.count), m = edges.count
        guard n > 0, let k = x.baseAddress, let dst = out.baseAddress else { return }
        guard m > 0, let e = edges.baseAddress else {
            dst.initialize(repeating: 0, count: n)
            return
        }
        var i = 0
        while i &+ 4 <= n {
            let v0 = k[i], v1 = k[i &+ 1], v2 = k[i &+ 2], v3 = k[i &+ 3]
            var b0 = 0, b1 = 0, b2 = 0, b3 = 0, len = m
            while len > 1 {
                let half = len >> 1
                b0 &+= half & lessMask(e[b0 &+ half], v0)
                b1 &+= half & lessMask(e[b1 &+ half], v1)
                b2 &+= half & lessMask(e[b2 &+ half], v2)
                b3 &+= half & lessMask(e[b3 &+ half], v3)
                len &-= half
            }
            dst[i] = Int64(b0 &- lessMask(e[b0], v0))
            dst[i &+ 1] = Int64(b1 &- lessMask(e[b1], v1))
            dst[i &+ 2] = Int64(b2 &- lessMask(e[b2], v2))
            dst[i &+ 3] = Int64(b3 &- lessMask(e[b3], v3))
            i &+= 4
        }
        while i < n {
            dst[i] = Int64(lowerBound(e, m, k[i]) { $0 < $1 })
            i &+= 1
        }
    }

    /// numpy's `searchsorted(edges, x, side='left')` over Float64, NaN sorting after
    /// every number, for sorted edges: a number counts the edges `< x` (IEEE, so a NaN
    /// edge never counts and −0.0 ties 0.0), a NaN counts the edges that are not NaN
    /// (searched once). Four keys at a time in two `SIMD2` lanes: the compare and the
    /// select stay in vector registers, so no branch is left to mispredict.
    static func searchsorted(_ x: UnsafeBufferPointer<Double>, _ edges: UnsafeBufferPointer<Double>, _ out: UnsafeMutableBufferPointer<Int64>) {
        let n = Swift.min(x.count, out.count), m = edges.count
        guard n > 0, let k = x.baseAddress, let dst = out.baseAddress else { return }
        guard m > 0, let e = edges.baseAddress else {
            dst.initialize(repeating: 0, count: n)
            return
        }
        @inline(__always) func at(_ p: SIMD2<Int64>) -> SIMD2<Double> {
            SIMD2(e[Int(truncatingIfNeeded: p[0])], e[Int(truncatingIfNeeded: p[1])])
        }
        var i = 0
        while i &+ 4 <= n {
            let va = SIMD2(k[i], k[i &+ 1]), vb = SIMD2(k[i &+ 2], k[i &+ 3])
            var ba = SIMD2<Int64>(repeating: 0), bb = SIMD2<Int64>(repeating: 0), len = m
            while len > 1 {
                let half = len >> 1
                let h = SIMD2<Int64>(repeating: Int64(truncatingIfNeeded: half))
                let pa = ba &+ h, pb = bb &+ h
                ba.replace(with: pa, where: at(pa) .< va)
                bb.replace(with: pb, where: at(pb) .< vb)
                len &-= half
            }
            ba.replace(with: ba &+ 1, where: at(ba) .< va)
            bb.replace(with: bb &+ 1, where: at(bb) .< vb)
            dst[i] = ba[0]
            dst[i &+ 1] = ba[1]
            dst[i &+ 2] = bb[0]
            dst[i &+ 3] = bb[1]
            i &+= 4
        }
        while i < n {
            dst[i] = Int64(lowerBound(e, m, k[i]) { $0 < $1 })
            i &+= 1
        }
        let numbers = Int64(lowerBound(e, m, 0) { a, _ in !a.isNaN })
        i = 0
        while i < n {
            if k[i].isNaN { dst[i] = numbers }
            i &+= 1
        }
    }

    /// numpy's `pairwise_sum` (loops_utils.h) over `n` doubles at `p`: below 8 a
    /// plain loop from 0.0; up to 128 the eight accumulators `r[j] += a[i + j]`
    /// (one `SIMD8`, lane j = accumulator j, so every lane adds in numpy's
    /// order), combined as `((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))`,
    /// then the remainder in order; above 128 split at `n/2` rounded down to a
    /// multiple of 8.
    static func pairwiseSum(_ p: UnsafePointer<Double>, _ n: Int) -> Double {
        if n < 8 {
            var r = 0.0
            var i = 0
            while i < n {
                r += p[i]
                i &+= 1
            }
            return r
        }
        if n <= 128 {
            let s = UnsafeRawPointer(p)
            var r = load(s, 0)
            var i = lanes
            let end = n &- n % lanes
            while i < end {
                r += load(s, i)
                i &+= lanes
            }
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                res += p[i]
                i &+= 1
            }
            return res
        }
        var n2 = n / 2
        n2 &-= n2 % 8
        return pairwiseSum(p, n2) + pairwiseSum(p + n2, n &- n2)
    }

    /// The wrapping Int64 sum (numpy's `sum` of int64 wraps modulo 2⁶⁴).
    static func wrappingSum(_ x: UnsafeBufferPointer<Int64>) -> Int64 {
        guard let p = x.baseAddress else { return 0 }
        var s: Int64 = 0
        var i = 0
        while i < x.count {
            s &+= p[i]
            i &+= 1
        }
        return s
    }
}
