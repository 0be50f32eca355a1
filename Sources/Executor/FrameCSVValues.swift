import PipelineIR

/// Numeric and bool columns of a CSV block converted as pandas 3.1's C parser converts them with a
/// declared dtype (docs/executor.md, "CSV frames"). Leading and trailing spaces and tabs are
/// ignored. Floats: `[+-]digits[.digits][e[+-]digits]` (a digit on either side of the point),
/// `inf`/`infinity` in any case, correctly rounded (pandas 3.1's parser is: checked against
/// Python's `float` on 300,000 values including halfway cases); float32 rounds that float64 once.
/// Integers: decimal digits with a sign, in the dtype's range; a block whose values are not all
/// integers is read as floats, kept when every one is a whole number (pandas' safe cast: `1.0`
/// reads as 1). Bools: `True`/`TRUE`/`true`, `False`/`FALSE`/`false`, or numbers that are all 0 or 1. A missing value in
/// an integer or bool column is an error, as in pandas.
enum CSVValues {
    struct Problem: Error {
        var message: String
        var row: Int?
    }

    static func convert(_ s: FrameStrings, _ t: NumericType) throws(Problem) -> FrameColumnData {
        switch t {
        case .float64: return .float64(try floats(s))
        case .float32: return .float32(try floats(s).map { Float($0) })
        case .bool: return .bool(try bools(s))
        case .datetime64, .timedelta64, .complex64, .complex128:
            throw Problem(message: "`pipelint run` does not read \(t.rawValue) columns from CSV files", row: nil)
        default: return .integer(try integers(s, t), t)
        }
    }

    static func trimmed(_ v: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var lo = v.startIndex, hi = v.endIndex
        while lo < hi && (v[lo] == 32 || v[lo] == 9) { lo += 1 }
        while hi > lo && (v[hi - 1] == 32 || v[hi - 1] == 9) { hi -= 1 }
        return v[lo..<hi]
    }

    static func text(_ v: ArraySlice<UInt8>) -> String { String(decoding: v, as: UTF8.self) }

    /// Where a number's digits start after its optional `+` or `-`, and whether it is `-`.
    @inline(__always)
    static func sign(_ v: ArraySlice<UInt8>) -> (start: Int, negative: Bool) {
        guard let c = v.first, c == 43 || c == 45 else { return (v.startIndex, false) }
        return (v.startIndex + 1, c == 45)
    }

    /// The float64 a text means, or nil when pandas does not read it as a number.
    static func float(_ raw: ArraySlice<UInt8>) -> Double? {
        let v = trimmed(raw)
        let (digitsStart, negative) = sign(v)
        var i = digitsStart
        if i < v.endIndex && (v[i] | 0x20) == UInt8(ascii: "i") {
            let word = String(decoding: v[i...], as: UTF8.self).lowercased()
            return word == "inf" || word == "infinity" ? (negative ? -.infinity : .infinity) : nil
        }
        // The digits as an integer `mantissa` (while it stays exact) times 10^`scale`.
        var digits = 0, mantissa: UInt64 = 0, significant = 0, scale = 0
        func digit(_ d: UInt8, fraction: Bool) {
            digits += 1
            if mantissa == 0 && d == 0 {
                if fraction { scale -= 1 }
                return
            }
            significant += 1
            if significant <= 19 {
                mantissa = mantissa * 10 + UInt64(d)
                if fraction { scale -= 1 }
            } else if !fraction {
                scale += 1
            }
        }
        while i < v.endIndex && v[i] >= 48 && v[i] <= 57 { digit(v[i] - 48, fraction: false); i += 1 }
        if i < v.endIndex && v[i] == 46 {
            i += 1
            while i < v.endIndex && v[i] >= 48 && v[i] <= 57 { digit(v[i] - 48, fraction: true); i += 1 }
        }
        guard digits > 0 else { return nil }
        var exponent = 0
        if i < v.endIndex && (v[i] == 101 || v[i] == 69) {
            i += 1
            var minus = false
            if i < v.endIndex && (v[i] == 43 || v[i] == 45) { minus = v[i] == 45; i += 1 }
            var e = 0
            while i < v.endIndex && v[i] >= 48 && v[i] <= 57 {
                exponent = min(exponent * 10 + Int(v[i] - 48), 100_000)
                i += 1; e += 1
            }
            guard e > 0 else { return nil }
            if minus { exponent = -exponent }
        }
        guard i == v.endIndex else { return nil }
        // Clinger's fast path: an exact integer below 2^53 times or divided by an exact power of ten
        // is one correctly rounded operation; anything else goes through the correctly rounded parser.
        let e10 = scale + exponent
        if significant <= 19, mantissa < 1 << 53, abs(e10) <= 22 {
            let m = Double(mantissa), p = exactPowersOfTen[abs(e10)]
            let x = e10 < 0 ? m / p : m * p
            return negative ? -x : x
        }
        return Double(String(decoding: v, as: UTF8.self))
    }

    static let exactPowersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { a, _ in a * 10 } }

    static func floats(_ s: FrameStrings) throws(Problem) -> [Double] {
        var out = [Double](repeating: .nan, count: s.count)
        for r in 0..<s.count where s.isValid(r) {
            guard let d = float(s.slice(r)) else { throw Problem(message: "`\(text(s.slice(r)))` is not a number (pandas: \"could not convert string to float\")", row: r) }
            out[r] = d
        }
        return out
    }

    /// pandas' bools: every value a bool word, or else a column of numbers that are all 0 or 1.
    static func bools(_ s: FrameStrings) throws(Problem) -> [Bool] {
        var out = [Bool](repeating: false, count: s.count)
        var words = true
        for r in 0..<s.count {
            guard s.isValid(r) else { throw Problem(message: "a missing value in a bool column (pandas: \"Bool column has NA values\")", row: r) }
            switch text(s.slice(r)) {
            case "True", "TRUE", "true": out[r] = true
            case "False", "FALSE", "false": out[r] = false
            default: words = false
            }
        }
        guard !words else { return out }
        // Numbers: pandas reads the column as integers (or floats), then keeps it when each is 0 or 1.
        for r in 0..<s.count {
            guard let d = float(s.slice(r)), d == 0 || d == 1 else {
                throw Problem(message: "`\(text(s.slice(r)))` is not a bool (pandas reads True, False, true, false, TRUE, FALSE, or a column of numbers 0 and 1: \"cannot safely convert\")", row: r)
            }
            out[r] = d == 1
        }
        return out
    }

    /// An integer's text as a sign and magnitude, or nil when it is not `[+-]digits`.
    static func integer(_ raw: ArraySlice<UInt8>) -> (negative: Bool, magnitude: UInt64)?? {
        let v = trimmed(raw)
        let (digitsStart, negative) = sign(v)
        var i = digitsStart
        guard i < v.endIndex else { return nil }
        var m: UInt64 = 0
        var overflow = false
        while i < v.endIndex {
            guard v[i] >= 48 && v[i] <= 57 else { return nil }
            let (a, o1) = m.multipliedReportingOverflow(by: 10)
            let (b, o2) = a.addingReportingOverflow(UInt64(v[i] - 48))
            overflow = overflow || o1 || o2
            m = b
            i += 1
        }
        return .some(overflow ? nil : (negative, m))
    }

    static func integers(_ s: FrameStrings, _ t: NumericType) throws(Problem) -> [Int64] {
        var out = [Int64](repeating: 0, count: s.count)
        let (lo, hi) = range(t)
        var asFloats = false
        for r in 0..<s.count {
            guard s.isValid(r) else { throw Problem(message: "a missing value in an integer column (pandas: \"Integer column has NA values\")", row: r) }
            guard case .some(let parsed) = integer(s.slice(r)) else {
                asFloats = true
                break
            }
            guard let (negative, m) = parsed else { throw Problem(message: "`\(text(s.slice(r)))` is out of range for \(t.rawValue) (pandas: \"Overflow\")", row: r) }
            guard let v = value(negative, m, lo, hi) else { throw Problem(message: "`\(text(s.slice(r)))` is out of range for \(t.rawValue)", row: r) }
            out[r] = v
        }
        guard asFloats else { return out }
        // pandas reads the block's column as float64, then casts it when that loses nothing.
        for r in 0..<s.count {
            guard let d = float(s.slice(r)) else { throw Problem(message: "`\(text(s.slice(r)))` is not an integer (pandas: \"invalid literal for int()\")", row: r) }
            guard d.isFinite, d == d.rounded(), d >= -9.223372036854775808e18, d < 1.8446744073709552e19,
                  let v = value(d < 0, UInt64(d.magnitude), lo, hi) else {
                throw Problem(message: "`\(text(s.slice(r)))` is not a whole number in range for \(t.rawValue) (pandas: \"cannot safely convert\")", row: r)
            }
            out[r] = v
        }
        return out
    }

    /// The dtype's range as (lowest, highest magnitude) bounds: signed values in Int64, uint64 by bit pattern.
    static func range(_ t: NumericType) -> (Int64, UInt64) {
        switch t {
        case .int8: (-128, 127)
        case .int16: (-32768, 32767)
        case .int32: (-2_147_483_648, 2_147_483_647)
        case .uint8: (0, 255)
        case .uint16: (0, 65535)
        case .uint32: (0, 4_294_967_295)
        case .uint64: (0, UInt64.max)
        default: (Int64.min, UInt64(Int64.max))
        }
    }

    static func value(_ negative: Bool, _ m: UInt64, _ lo: Int64, _ hi: UInt64) -> Int64? {
        if negative {
            guard m <= lo.magnitude else { return nil }
            return m == 0 ? 0 : Int64(truncatingIfNeeded: 0 &- m)
        }
        guard m <= hi else { return nil }
        return Int64(bitPattern: m)
    }
}
