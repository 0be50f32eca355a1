/// Saturating integer arithmetic: sizes and counts clamp at the type's bounds
/// instead of trapping. Shared by the size model and the graph figures.
public enum Sat {
    /// `a + b`, clamped.
    @inlinable public static func add<T: FixedWidthInteger & SignedInteger>(_ a: T, _ b: T) -> T {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? (b > 0 ? T.max : T.min) : r
    }

    /// `a × b`, clamped.
    @inlinable public static func mul<T: FixedWidthInteger & SignedInteger>(_ a: T, _ b: T) -> T {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return o ? ((a < 0) != (b < 0) ? T.min : T.max) : r
    }

    /// ⌈a / b⌉ for a ≥ 0, without overflow; `a` itself when b ≤ 0.
    @inlinable public static func ceilDiv<T: FixedWidthInteger & SignedInteger>(_ a: T, _ b: T) -> T {
        b <= 0 ? a : a / b + (a % b == 0 ? 0 : 1)
    }

    /// The clamped sum of `xs`.
    @inlinable public static func sum(_ xs: Int64...) -> Int64 { xs.reduce(0) { add($0, $1) } }

    /// Product of non-negative dimensions, clamped; nil when a dimension is negative.
    @inlinable public static func product(_ dims: [Int]) -> Int64? {
        var p: Int64 = 1
        for d in dims {
            if d < 0 { return nil }
            p = mul(p, Int64(d))
        }
        return p
    }
}
