/// Otherwise valid pipelines with one integer replaced by an extreme value: the
/// generator behind the extreme-number test (`Tests/HostileInputTests`) and the
/// `extreme` fuzz target. Every arithmetic on a number from the file must be
/// checked or saturating, so none of these may trap.
public enum ExtremeNumbers {
    /// 0, ±1, the int64 bounds and their neighbours, powers of two where 32-bit and
    /// 53-bit (float-exact) arithmetic breaks.
    public static let values: [String] = [
        "0", "1", "-1", "2", "9223372036854775807", "-9223372036854775808", "9223372036854775806",
        "4294967296", "4294967295", "2147483648", "-2147483649", "9007199254740993", "4611686018427387904",
        "3037000500", "-4611686018427387905",
    ]

    /// Byte ranges of the integer literals in `text` (digits with an optional leading
    /// `-`, not part of a word, a float or a size such as `10MB`).
    public static func integerRanges(in text: [UInt8]) -> [Range<Int>] {
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        func isWord(_ b: UInt8) -> Bool {
            isDigit(b) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x5F || b == 0x2E || b == 0x2D || b >= 0x80
        }
        var out: [Range<Int>] = []
        var i = 0
        while i < text.count {
            let b = text[i]
            if b == 0x23, i == 0 || text[i - 1] == 0x20 || text[i - 1] == 0x0A {
                while i < text.count, text[i] != 0x0A { i += 1 }
                continue
            }
            guard isWord(b) else { i += 1; continue }
            // A token: a maximal run of word characters; it is an integer when it is `-?digits`.
            let start = i
            while i < text.count, isWord(text[i]) { i += 1 }
            let token = text[start..<i]
            let digits = token.first == 0x2D ? token.dropFirst() : token[...]
            if !digits.isEmpty, digits.allSatisfy(isDigit) { out.append(start..<i) }
        }
        return out
    }

    /// `text` with the literal at `range` replaced by `value`.
    public static func replacing(_ text: [UInt8], _ range: Range<Int>, with value: String) -> [UInt8] {
        Array(text[..<range.lowerBound]) + Array(value.utf8) + Array(text[range.upperBound...])
    }

    /// Every variant of `text`: each integer literal replaced by each extreme value.
    public static func variants(of text: [UInt8]) -> [(description: String, bytes: [UInt8])] {
        var out: [(String, [UInt8])] = []
        for r in integerRanges(in: text) {
            let line = text[..<r.lowerBound].filter { $0 == 0x0A }.count + 1
            for v in values {
                out.append(("line \(line) byte \(r.lowerBound): \(v)", replacing(text, r, with: v)))
            }
        }
        return out
    }

    /// The variant `selector` picks (fuzzing): literal `selector % literals`, value `selector / literals % values`.
    public static func variant(of text: [UInt8], selector: Int) -> [UInt8] {
        let ranges = integerRanges(in: text)
        guard !ranges.isEmpty else { return text }
        let s = selector & Int.max
        return replacing(text, ranges[s % ranges.count], with: values[(s / ranges.count) % values.count])
    }
}

extension ExtremeNumbers {
    /// Structure-aware mutation for fuzzing: `data[0]` picks one of `samples`, then
    /// each 3-byte group replaces one integer literal (two bytes pick it) by an extreme
    /// value (the third byte picks one of `values`, or, when its high bit is set, the
    /// next 8 bytes are a raw Int64). At most 16 replacements.
    public static func mutate(_ samples: [[UInt8]], _ data: [UInt8]) -> [UInt8]? {
        guard let first = data.first, !samples.isEmpty else { return nil }
        var text = samples[Int(first) % samples.count]
        var i = 1
        var done = 0
        while i + 3 <= data.count, done < 16 {
            let ranges = integerRanges(in: text)
            guard !ranges.isEmpty else { break }
            let pick = (Int(data[i]) << 8 | Int(data[i + 1])) % ranges.count
            let mode = data[i + 2]
            i += 3
            let value: String
            if mode & 0x80 != 0, i + 8 <= data.count {
                var raw: UInt64 = 0
                for k in 0..<8 { raw = raw << 8 | UInt64(data[i + k]) }
                value = String(Int64(bitPattern: raw))
                i += 8
            } else {
                value = values[Int(mode & 0x7F) % values.count]
            }
            text = replacing(text, ranges[pick], with: value)
            done += 1
        }
        return text
    }
}
