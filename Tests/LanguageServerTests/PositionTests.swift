import JSONRPC
@testable import LanguageServer
import PipelineIR
import Testing

/// Byte offsets ↔ protocol positions in each encoding, with a CJK character and an
/// astral-plane emoji before the token, and incremental edits in those units.
@Suite struct PositionTests {
    // `a: 表😀 x` — 表 is 3 bytes / 1 UTF-16 unit, 😀 4 bytes / 2 units / 1 code point.
    static let source = SourceFile(path: "t.yaml", text: "first\na: 表😀 x\r\nlast")
    static let xOffset = 6 + 3 + 3 + 4 + 1  // line start + "a: " + 表 + 😀 + " "

    @Test(arguments: [(PositionEncoding.utf8, 11), (.utf16, 7), (.utf32, 6)])
    func theSameByteIsADifferentCharacterInEachEncoding(encoding: PositionEncoding, character: Int) {
        let conv = PositionConverter(Self.source, encoding)
        #expect(conv.position(of: Self.xOffset) == LSPPosition(line: 1, character: character))
        #expect(conv.offset(of: LSPPosition(line: 1, character: character)) == Self.xOffset)
    }

    @Test func positionsPastTheLineOrInsideACharacterAreClamped() {
        let conv = PositionConverter(Self.source, .utf16)
        // Past the end of line 1: its end, before the CRLF.
        #expect(conv.offset(of: LSPPosition(line: 1, character: 99)) == 18)
        // Between the two halves of 😀's surrogate pair: after the emoji.
        #expect(conv.offset(of: LSPPosition(line: 1, character: 5)) == 16)
        // A line past the end: the end of the file.
        #expect(conv.offset(of: LSPPosition(line: 9, character: 0)) == Self.source.bytes.count)
        #expect(conv.position(of: Self.source.bytes.count) == LSPPosition(line: 2, character: 4))
    }

    @Test func theClientsOfferDecidesTheEncoding() {
        #expect(PositionEncoding.negotiate([]) == .utf16)
        #expect(PositionEncoding.negotiate(["utf-32", "utf-16"]) == .utf16)
        #expect(PositionEncoding.negotiate(["utf-16", "utf-8"]) == .utf8)
    }

    @Test func incrementalChangesApplyInOrderInTheClientsUnits() throws {
        var doc = TextDocument(uri: "file:///tmp/t.yaml", version: 1, text: "a: 表😀 x\nb: 2\n")
        #expect(doc.path == "/tmp/t.yaml")
        func change(_ l0: Int, _ c0: Int, _ l1: Int, _ c1: Int, _ text: String) -> JSON {
            ["range": ["start": ["line": .number(l0), "character": .number(c0)], "end": ["line": .number(l1), "character": .number(c1)]],
             "text": .string(text)]
        }
        // UTF-16: replace `x` (character 7), then insert on line 1 of the text the first change left.
        try doc.apply([change(0, 7, 0, 8, "yz"), change(1, 3, 1, 4, "3")], version: 2, encoding: .utf16)
        #expect(String(decoding: doc.bytes, as: UTF8.self) == "a: 表😀 yz\nb: 3\n")
        #expect(doc.version == 2)
        try doc.apply([change(0, 3, 0, 10, "q")], version: 3, encoding: .utf8)
        #expect(String(decoding: doc.bytes, as: UTF8.self) == "a: q yz\nb: 3\n")
        try doc.apply([["text": "whole"]], version: 4, encoding: .utf8)
        #expect(String(decoding: doc.bytes, as: UTF8.self) == "whole")
        #expect(throws: RPCError.self) { try doc.apply([["range": "nope", "text": "x"]], version: 5, encoding: .utf8) }
    }

    @Test func aFixAllEditCoversOnlyTheChangedCharacters() {
        let e = CodeActions.minimalEdit(from: Array("ab表cd".utf8), to: Array("ab😀cd".utf8))
        #expect(e.range == SourceRange(start: 2, end: 5))
        #expect(e.replacement == "😀")
        let same = CodeActions.minimalEdit(from: Array("abc".utf8), to: Array("abXc".utf8))
        #expect(same.range == SourceRange(start: 2, end: 2))
        #expect(same.replacement == "X")
    }
}
