import Foundation
import PipelineIR

/// A frame output written as pandas writes `frame.to_csv(path, index_label="index",
/// lineterminator="\n")`, byte for byte (docs/executor.md, "Results"), so its CRC-32 is the
/// exported program's: a header `index,NAME…`, then one line per row: the RangeIndex label, then
/// each value: integers in decimal, bools `True`/`False`, floats as Python's `repr` (numpy's
/// shortest round-trip text), strings and categories as their text, datetimes as pandas formats a
/// whole column (dates only when every value is midnight, else `YYYY-MM-DD HH:MM:SS` with the
/// fraction the column needs: 3, 6 or 9 digits); a missing value is empty. A field holding a comma,
/// a double quote or a line break is quoted (Python's csv, QUOTE_MINIMAL).
public enum FrameCSV {
    /// The CSV text of the partitions, in order.
    public static func bytes(_ parts: [FramePart], indexLabel: String? = "index") -> [UInt8] {
        var out: [UInt8] = []
        _ = stream(parts, indexLabel: indexLabel) {
            out.append(contentsOf: $0)
            return true
        }
        return out
    }

    /// The same bytes handed to `emit` a piece at a time: the header, then each partition's rows in
    /// pieces of about 1 MiB, so a writer never holds the whole text. `emit` returns false to stop
    /// (then so does this). `indexLabel` heads the index column (`""`: Dask's `to_csv` of a frame
    /// whose index has no name); nil writes no index column: the first column is the index (a
    /// groupby's Series saved with `to_frame().to_csv`).
    public static func stream(_ parts: [FramePart], indexLabel: String? = "index", _ emit: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        let parts = FrameConcat.unified(parts)
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20 + 4096)
        if let indexLabel { field(Array(indexLabel.utf8), &out) }
        for (k, n) in (parts.first?.names ?? []).enumerated() {
            if indexLabel != nil || k > 0 { out.append(UInt8(ascii: ",")) }
            field(Array(n.utf8), &out)
        }
        out.append(10)
        let styles = (parts.first?.columns ?? []).indices.map { c in datetimeStyle(parts.compactMap { p in
            if case .datetime(let a) = p.columns[c] { a } else { nil }
        }) }
        for p in parts {
            for r in 0..<p.rows {
                if indexLabel != nil { digits(p.label(r), &out) }
                for (c, col) in p.columns.enumerated() {
                    if indexLabel != nil || c > 0 { out.append(UInt8(ascii: ",")) }
                    value(col, r, styles[c], &out)
                }
                out.append(10)
                if out.count >= 1 << 20 {
                    guard out.withUnsafeBytes(emit) else { return false }
                    out.removeAll(keepingCapacity: true)
                }
            }
        }
        return out.withUnsafeBytes(emit)
    }

    static func field<C: Collection>(_ text: C, _ out: inout [UInt8]) where C.Element == UInt8 {
        guard text.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else {
            out.append(contentsOf: text)
            return
        }
        out.append(UInt8(ascii: "\""))
        for b in text {
            if b == UInt8(ascii: "\"") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Decimal digits of `v`, appended without an intermediate String.
    static func digits(_ v: UInt64, negative: Bool = false, _ out: inout [UInt8]) {
        if negative { out.append(UInt8(ascii: "-")) }
        var buf: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &buf) { b in
            var i = b.count
            var x = v
            repeat {
                i -= 1
                b[i] = UInt8(ascii: "0") + UInt8(x % 10)
                x /= 10
            } while x > 0
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[i...]))
        }
    }

    static func digits(_ v: Int64, _ out: inout [UInt8]) { digits(v.magnitude, negative: v < 0, &out) }

    static func value(_ col: FrameColumnData, _ r: Int, _ style: Int, _ out: inout [UInt8]) {
        switch col {
        case .float64(let a): if !a[r].isNaN { out.append(contentsOf: a[r].description.utf8) }
        case .float32(let a): if !a[r].isNaN { out.append(contentsOf: float32Text(a[r]).utf8) }
        case .integer(let a, let t): if t == .uint64 { digits(UInt64(bitPattern: a[r]), &out) } else { digits(a[r], &out) }
        case .bool(let a): out.append(contentsOf: (a[r] ? "True" : "False").utf8)
        case .datetime(let a): if a[r] != Int64.min { out.append(contentsOf: datetimeText(a[r], style: style).utf8) }
        case .string(let s): if s.isValid(r) { field(s.slice(r), &out) }
        case .category(let codes, _):
            if codes[r] >= 0 {
                out.append(UInt8(ascii: "c"))
                digits(Int64(codes[r]), &out)
            }
        }
    }

    /// numpy's `str` of a float32: its shortest round-trip digits, positional when
    /// `1e-4 <= |x| < 1e6` (or 0), else scientific with a two-digit exponent (`1.6777216e+07`, `1e-05`).
    static func float32Text(_ f: Float) -> String {
        if f.isInfinite { return f < 0 ? "-inf" : "inf" }
        if f.isNaN { return "nan" }
        let (digits, point) = shortestDigits(f.magnitude)
        let sign = f.sign == .minus ? "-" : ""
        let a = Double(f.magnitude)
        if f == 0 || (a >= 1e-4 && a < 1e6) {
            let n = digits.count
            if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
            if point >= n { return sign + digits + String(repeating: "0", count: point - n) + ".0" }
            return sign + String(digits.prefix(point)) + "." + String(digits.dropFirst(point))
        }
        let e = point - 1
        let rest = digits.dropFirst()
        return sign + String(digits.prefix(1)) + (rest.isEmpty ? "" : "." + rest) + "e" + (e < 0 ? "-" : "+") + (abs(e) < 10 ? "0" : "") + String(abs(e))
    }

    /// The shortest round-trip decimal digits of `f` (no leading or trailing zeros; "0" for zero)
    /// and the decimal point's place: the value is `0.DIGITS × 10^point`.
    static func shortestDigits(_ f: Float) -> (digits: String, point: Int) {
        let text = f.description.lowercased()
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts[0]
        var exponent = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
        let dot = mantissa.firstIndex(of: ".")
        let intPart = dot.map { mantissa[..<$0] } ?? mantissa[...]
        let fracPart = dot.map { mantissa[mantissa.index(after: $0)...] } ?? ""
        exponent += intPart.count
        var digits = Substring(intPart + fracPart)
        while let c = digits.first, c == "0" {
            digits = digits.dropFirst()
            exponent -= 1
        }
        while let c = digits.last, c == "0" { digits = digits.dropLast() }
        return digits.isEmpty ? ("0", 1) : (String(digits), exponent)
    }

    /// How pandas formats a datetime column: 0 dates only, 1 seconds, 2 milliseconds,
    /// 3 microseconds, 4 nanoseconds (NaT ignored).
    static func datetimeStyle(_ chunks: [[Int64]]) -> Int {
        var dates = true, ms = false, us = false, ns = false
        for a in chunks {
            for v in a where v != Int64.min {
                if floorMod(v, 86_400_000_000_000) != 0 { dates = false }
                if floorMod(v, 1000) != 0 { ns = true } else if floorMod(v, 1_000_000) != 0 { us = true } else if floorMod(v, 1_000_000_000) != 0 { ms = true }
            }
        }
        if ns { return 4 }
        if us { return 3 }
        if ms { return 2 }
        return dates ? 0 : 1
    }

    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
        let m = a % b
        return m < 0 ? m + b : m
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// `YYYY-MM-DD[ HH:MM:SS[.fraction]]` of nanoseconds since the epoch (proleptic Gregorian).
    static func datetimeText(_ ns: Int64, style: Int) -> String {
        let day = Int64(86_400_000_000_000)
        let days = (ns - floorMod(ns, day)) / day
        let rest = floorMod(ns, day)
        // Howard Hinnant's days_from_civil, inverted.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        var s = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
        guard style > 0 else { return s }
        let secs = rest / 1_000_000_000
        let frac = rest % 1_000_000_000
        s += " \(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))"
        switch style {
        case 2: s += "." + pad(frac / 1_000_000, 3)
        case 3: s += "." + pad(frac / 1000, 6)
        case 4: s += "." + pad(frac, 9)
        default: break
        }
        return s
    }
}
