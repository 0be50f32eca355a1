import Foundation

/// A plain or quoted scalar resolved as the YAML 1.2 core schema does (plain
/// scalars only become numbers, booleans or null; quoted ones stay strings).
public enum ScalarValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)

    /// Resolves `text` written in `style`.
    public static func resolve(_ text: String, style: ScalarStyle, tag: SyntaxTree.StandardTag?) -> ScalarValue {
        if tag == .str || !style.isPlain { return .string(text) }
        let first = text.utf8.first
        // Most plain scalars are names: a first byte that starts no special word or number decides at once.
        if let b = first, (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F {
            // `null`, `true` and `false` in their three spellings: four or five bytes (`table_1` is a name),
            // and the second letter theirs (`take` and `table` are names too).
            let second: UInt8
            switch b {
            case UInt8(ascii: "n"), UInt8(ascii: "N"): second = UInt8(ascii: "u")
            case UInt8(ascii: "t"), UInt8(ascii: "T"): second = UInt8(ascii: "r")
            case UInt8(ascii: "f"), UInt8(ascii: "F"): second = UInt8(ascii: "a")
            default: return .string(text)
            }
            let n = text.utf8.count
            if n != 4 && n != 5 { return .string(text) }
            // ASCII letters: bit 0x20 set is the lower case.
            if let c = text.utf8.dropFirst().first, c | 0x20 != second { return .string(text) }
        }
        // No special word starts with a digit: numbers skip the comparisons.
        if let b = first, b >= 0x30 && b <= 0x39 {
            return number(text) ?? .string(text)
        }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
        case ".nan", ".NaN", ".NAN": return .float(.nan)
        default: break
        }
        // Only text that starts like a number can be one: skip the parse for names.
        guard let first, first == 0x2D || first == 0x2B || first == 0x2E else {
            return .string(text)
        }
        return number(text) ?? .string(text)
    }

    /// `text` as an integer or a float, when it is one.
    private static func number(_ text: String) -> ScalarValue? {
        let digits = text.utf8.contains(0x5F) ? String(text.filter { $0 != "_" }) : text
        if let i = Int64(digits) { return .int(i) }
        if digits.hasPrefix("0x"), let i = Int64(digits.dropFirst(2), radix: 16) { return .int(i) }
        if digits.hasPrefix("0o"), let i = Int64(digits.dropFirst(2), radix: 8) { return .int(i) }
        if looksNumeric(digits), let d = Double(digits) {
            // An integer too large for 64 bits is still a number, not a name.
            return .float(d)
        }
        return nil
    }

    private static func looksNumeric(_ s: String) -> Bool {
        var sawDigit = false
        for (i, c) in s.enumerated() {
            if c.isASCII, c.isNumber { sawDigit = true; continue }
            if c == "." || c == "e" || c == "E" { continue }
            if (c == "-" || c == "+"), i == 0 || s[s.index(s.startIndex, offsetBy: i - 1)].lowercased() == "e" { continue }
            return false
        }
        return sawDigit
    }

    /// A name for the kind of value, for messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int: "an integer"
        case .float: "a number"
        case .string: "a string"
        }
    }
}

/// Parses a byte size: an integer, or `<number><unit>` with B, KB, MB, GB, TB
/// (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024). Nil when malformed
/// or over `Int64.max`.
public func parseByteSize(_ text: String) -> Int64? { parseByteSize(text, allowHuge: false) }

/// `allowHuge`: returns nil for sizes over `Int64.max` only when false (the caller tells the two cases apart).
func parseByteSize(_ text: String, allowHuge: Bool) -> Int64? {
    // Printable ASCII holds none of `.whitespaces` (tab and the Unicode spaces), so the common
    // `8GiB` skips Foundation's trimming, which costs more than the parse on a cold start.
    let plain = text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    let t = plain ? text : text.trimmingCharacters(in: .whitespaces)
    var numberEnd = t.startIndex
    while numberEnd < t.endIndex, (t[numberEnd].isASCII && t[numberEnd].isNumber) || t[numberEnd] == "." { numberEnd = t.index(after: numberEnd) }
    let number = String(t[t.startIndex..<numberEnd])
    let unit = plain ? String(t[numberEnd...]) : t[numberEnd...].trimmingCharacters(in: .whitespaces)
    guard !number.isEmpty, let value = Double(number) else { return nil }
    let scale: Double
    switch unit {
    case "", "B": scale = 1
    case "KB", "kB": scale = 1e3
    case "MB": scale = 1e6
    case "GB": scale = 1e9
    case "TB": scale = 1e12
    case "KiB": scale = 1024
    case "MiB": scale = 1_048_576
    case "GiB": scale = 1_073_741_824
    case "TiB": scale = 1_099_511_627_776
    default: return nil
    }
    let bytes = (value * scale).rounded()
    guard bytes.isFinite, bytes >= 0 else { return nil }
    guard bytes < 9.2e18 else { return allowHuge ? Int64.max : nil }
    return Int64(bytes)
}

/// Names longer than this get no "did you mean": the work per comparison is bounded.
let suggestionMaxLength = 64

/// Edit distance, for "did you mean" suggestions, or nil when it is over `limit`:
/// only a band of width 2 × limit + 1 around the diagonal is computed, and the
/// scan stops as soon as a row is over the limit.
func editDistance(_ a: String, _ b: String, limit: Int = .max) -> Int? {
    let a = Array(a.lowercased().unicodeScalars), b = Array(b.lowercased().unicodeScalars)
    if abs(a.count - b.count) > limit { return nil }
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) <= limit ? max(a.count, b.count) : nil }
    let big = Int.max / 2
    let band = min(limit, max(a.count, b.count))
    var prev = [Int](repeating: big, count: b.count + 1)
    var cur = prev
    for j in 0...min(b.count, band) { prev[j] = j }
    for i in 1...a.count {
        for j in cur.indices { cur[j] = big }
        let lo = max(1, i - band), hi = min(b.count, i + band)
        if i <= band { cur[0] = i }
        var rowMin = cur[0]
        if lo <= hi {
            for j in lo...hi {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                rowMin = min(rowMin, cur[j])
            }
        }
        if rowMin > limit { return nil }
        swap(&prev, &cur)
    }
    return prev[b.count] <= limit ? prev[b.count] : nil
}

/// The closest candidate to `word`, when one is close enough to suggest ("did you mean"); of
/// equally close ones, the first in code-point order, so the answer does not depend on the
/// candidates' order (a dictionary's differs from process to process).
/// Names over `suggestionMaxLength` characters are never compared.
public func suggestion(for word: String, among candidates: [String]) -> String? {
    guard word.utf8.count <= suggestionMaxLength * 4, word.unicodeScalars.count <= suggestionMaxLength else { return nil }
    let length = word.unicodeScalars.count
    var best: (String, Int)?
    for c in candidates where c.utf8.count <= suggestionMaxLength * 4 {
        let limit = max(1, min(3, c.count / 3))
        // Cheap length test first: most candidates are too long or too short to be close.
        if abs(c.unicodeScalars.count - length) > limit { continue }
        guard let d = editDistance(word, c, limit: min(limit, best?.1 ?? Int.max)) else { continue }
        if let b = best, d > b.1 || d == b.1 && !c.unicodeScalars.lexicographicallyPrecedes(b.0.unicodeScalars) { continue }
        best = (c, d)
    }
    return best?.0
}
