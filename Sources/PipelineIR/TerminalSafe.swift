/// Text from a checked file, made safe to print on a terminal: control characters
/// (ESC, BEL, NUL, CR, DEL, C1), bidirectional controls (U+202E…) and invisible
/// separators are shown as `\u{…}` escapes, so a file cannot move the cursor,
/// recolour the screen or reorder what a reviewer reads. Tabs stay.
public enum TerminalSafe {
    /// Whether `u` is shown escaped.
    public static func isUnsafe(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2069, 0xFEFF, 0xFFF9...0xFFFB: true
        default: false
        }
    }

    /// `s` with every unsafe scalar written as `\u{1B}`.
    public static func escape(_ s: String) -> String {
        guard !isPrintableASCII(s), s.unicodeScalars.contains(where: isUnsafe) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if isUnsafe(u) {
                out.append(contentsOf: "\\u{\(String(u.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(u)
            }
        }
        return String(out)
    }

    /// Whether `s` is only printable ASCII and tabs (then nothing in it is unsafe): a byte
    /// scan, cheaper than decoding scalars, for the common case.
    static func isPrintableASCII(_ s: String) -> Bool {
        s.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 }
    }

    /// At most `limit` scalars of `s`: its start (`fromEnd` false) or its end, with `…`
    /// where it was cut.
    public static func clip(_ s: String, _ limit: Int, fromEnd: Bool) -> String {
        // A str has no more scalars than UTF-8 bytes, and its byte count costs nothing.
        guard s.utf8.count > limit else { return s }
        let scalars = s.unicodeScalars
        guard scalars.count > limit else { return s }
        if fromEnd { return "…" + String(String.UnicodeScalarView(scalars.suffix(limit))) }
        return String(String.UnicodeScalarView(scalars.prefix(limit))) + "…"
    }
}
