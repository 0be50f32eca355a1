import PipelineIR
import Testing

/// `TerminalSafe` on the byte-scan shortcut's boundaries: every ASCII byte, and clipping
/// where the UTF-8 length and the scalar count fall on opposite sides of the limit.
@Suite struct TerminalSafeTests {
    @Test func everyASCIIByteIsEscapedExactlyWhenUnsafe() {
        for b in UInt8(0)...UInt8(0x7F) {
            let s = "a\(Character(Unicode.Scalar(b)))b"
            let unsafe = (b < 0x20 && b != 0x09) || b == 0x7F
            let want = unsafe ? "a\\u{\(String(b, radix: 16, uppercase: true))}b" : s
            #expect(TerminalSafe.escape(s) == want, "byte \(b)")
        }
        #expect(TerminalSafe.escape("tab\there") == "tab\there")
        #expect(TerminalSafe.escape("é\u{202E}x\u{85}") == "é\\u{202E}x\\u{85}")
        #expect(TerminalSafe.escape("plain → arrow") == "plain → arrow")
    }

    @Test func clipCountsScalarsNotBytes() {
        // 4 scalars in 8 bytes: over a limit of 5 in bytes, not in scalars.
        #expect(TerminalSafe.clip("éééé", 5, fromEnd: false) == "éééé")
        #expect(TerminalSafe.clip("éééé", 3, fromEnd: false) == "ééé…")
        #expect(TerminalSafe.clip("abcdé", 4, fromEnd: true) == "…bcdé")
        #expect(TerminalSafe.clip("abcd", 4, fromEnd: true) == "abcd")
    }
}
