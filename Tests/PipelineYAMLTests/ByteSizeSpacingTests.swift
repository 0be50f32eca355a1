import Testing
@testable import PipelineYAML

/// Byte sizes with and without spacing: printable ASCII skips the trimming, anything else is
/// trimmed of tabs and Unicode spaces (`.whitespaces`) exactly as before.
@Suite struct ByteSizeSpacingTests {
    @Test func plainSizesParseWithoutTrimming() {
        #expect(parseByteSize("8GiB") == 8 << 30)
        #expect(parseByteSize("0.5MB") == 500_000)
        #expect(parseByteSize("7B") == 7)
        #expect(parseByteSize("GiB") == nil)
        #expect(parseByteSize("8gib") == nil)
        #expect(parseByteSize("8GiB~") == nil)
    }

    @Test func tabsAndUnicodeSpacesAreTrimmed() {
        #expect(parseByteSize(" 8GiB ") == 8 << 30)
        #expect(parseByteSize("\t2KB\t") == 2_000)
        #expect(parseByteSize("3\u{00A0}MiB") == 3 << 20)
        #expect(parseByteSize("\u{3000}1TB") == 1_000_000_000_000)
        #expect(parseByteSize("1\u{2003}\u{2003}KiB\u{202F}") == 1024)
    }

    @Test func otherControlCharactersAreNotSpaces() {
        #expect(parseByteSize("8\nGiB") == nil)
        #expect(parseByteSize("\r8GiB") == nil)
        #expect(parseByteSize("8\u{7F}") == nil)
        #expect(parseByteSize("") == nil)
        #expect(parseByteSize(" ") == nil)
    }
}
