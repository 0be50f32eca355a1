import enum PipelineIR.Sat

/// Python int helpers shared by the three models.
enum PyInt {
    /// Bytes of the pickle opcode for one int (BININT1/BININT2/BININT/LONG1).
    static func pickleBytes(_ x: Int64) -> Int64 {
        if x >= 0 && x < 256 { return 2 }
        if x >= 0 && x < 65536 { return 3 }
        if x >= Int64(Int32.min) && x <= Int64(Int32.max) { return 5 }
        return 2 + Int64(twosComplementBytes(x))
    }

    /// Minimal k with -2^(8k-1) <= x < 2^(8k-1) (what LONG1 writes).
    static func twosComplementBytes(_ x: Int64) -> Int {
        var k = 1
        while k < 8 {
            let lim = Int64(1) << (8 * k - 1)
            if x >= -lim && x < lim { return k }
            k += 1
        }
        return 8
    }

    /// `sys.getsizeof(x)` on CPython 3.11: 28 below 2**30 in magnitude, 32 below 2**60, else 36.
    static func getsizeof(_ x: Int64) -> Int64 {
        let m = x.magnitude
        if m < (1 << 30) { return 28 }
        if m < (1 << 60) { return 32 }
        return 36
    }

    /// Bytes a freshly unpickled int occupies (tracemalloc): 0 for the cached
    /// small ints -5...256, `sizeof(PyLongObject)` = 32 up to two 30-bit digits, 36 for three.
    static func resident(_ x: Int64) -> Int64 {
        if x >= -5 && x <= 256 { return 0 }
        return x.magnitude < (1 << 60) ? 32 : 36
    }

    /// Sum of `f` over the half-open Int64 interval [lo, hi), where `f` is constant on
    /// each piece of `pieces` (sorted, half-open boundaries). O(pieces).
    static func piecewiseSum(lo: Int64, hi: Int64, boundaries: [Int64], value: (Int64) -> Int64) -> Int64 {
        if hi <= lo { return 0 }
        var total: Int64 = 0
        var cuts = boundaries.filter { $0 > lo && $0 < hi }
        cuts.insert(lo, at: 0)
        cuts.append(hi)
        for i in 0..<(cuts.count - 1) {
            let a = cuts[i], b = cuts[i + 1]
            let (n, o) = b.subtractingReportingOverflow(a)
            let count = o ? Int64.max : n
            total = Sat.add(total, Sat.mul(count, value(a)))
        }
        return total
    }

    /// Every boundary at which one of the int size functions changes value.
    static let boundaries: [Int64] = {
        var b: [Int64] = [-5, 0, 257, 256, 65536, Int64(Int32.max) + 1, Int64(Int32.min)]
        for k in 1...7 { b.append(Int64(1) << (8 * k - 1)); b.append(-(Int64(1) << (8 * k - 1))) }
        b.append(contentsOf: [1 << 30, -(1 << 30) + 1, 1 << 60, -(1 << 60) + 1])
        return Array(Set(b)).sorted()
    }()
}
