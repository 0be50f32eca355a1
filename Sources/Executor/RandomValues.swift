/// The counter-based generator of docs/pipeline-format.md ("Random values"):
/// element `i` of a random source with seed `s` is `mix64(s ^ mix64(i + 1))`,
/// so a value depends only on (seed, global element index), never on chunking,
/// and numpy reproduces it with uint64 arithmetic.
public enum RandomValues {
    /// The SplitMix64 finalizer (all arithmetic modulo 2⁶⁴).
    @inline(__always)
    public static func mix64(_ x: UInt64) -> UInt64 {
        var z = x
        z ^= z >> 30
        z &*= 0xBF58_476D_1CE4_E5B9
        z ^= z >> 27
        z &*= 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return z
    }

    /// The raw 64 random bits of element `index`.
    @inline(__always)
    public static func bits(seed: UInt64, index: UInt64) -> UInt64 {
        mix64(seed ^ mix64(index &+ 1))
    }

    /// `low + (u >> 11) · 2⁻⁵³ · (high − low)`, evaluated left to right after
    /// the product: `low + (((u >> 11) · 2⁻⁵³) · (high − low))`.
    @inline(__always)
    public static func double(_ u: UInt64, low: Double, high: Double) -> Double {
        low + (Double(u >> 11) * 0x1p-53) * (high - low)
    }

    /// `low + u mod (high − low)` with `low` and `high` truncated to integers;
    /// a span ≤ 0 gives `low`.
    @inline(__always)
    public static func int(_ u: UInt64, low: Int64, span: UInt64) -> Int64 {
        span == 0 ? low : low &+ Int64(bitPattern: u % span)
    }

    /// Integer bounds as the generator uses them.
    public static func intBounds(low: Double, high: Double) -> (low: Int64, span: UInt64) {
        func clamp(_ d: Double) -> Int64 {
            if d.isNaN { return 0 }
            if d >= 9.223372036854775807e18 { return .max }
            if d <= -9.223372036854775808e18 { return .min }
            return Int64(d.rounded(.towardZero))
        }
        let lo = clamp(low)
        let hi = clamp(high)
        return (lo, hi > lo ? UInt64(bitPattern: hi &- lo) : 0)
    }

    /// Floats for global indices `start ..< start + count`.
    public static func doubles(seed: UInt64, start: Int, count: Int, low: Double, high: Double) -> [Double] {
        [Double](unsafeUninitializedCapacity: count) { buf, n in
            adviseHugePages(buf)
            let base = UInt64(start)
            for k in 0..<count { buf[k] = double(bits(seed: seed, index: base &+ UInt64(k)), low: low, high: high) }
            n = count
        }
    }

    /// Integers for global indices `start ..< start + count`.
    public static func ints(seed: UInt64, start: Int, count: Int, low: Double, high: Double) -> [Int64] {
        let (lo, span) = intBounds(low: low, high: high)
        return [Int64](unsafeUninitializedCapacity: count) { buf, n in
            adviseHugePages(buf)
            let base = UInt64(start)
            for k in 0..<count { buf[k] = int(bits(seed: seed, index: base &+ UInt64(k)), low: lo, span: span) }
            n = count
        }
    }
}
