import Lint
import PipelineIR
import PipelineYAML
import Testing

/// `YAMLEdits.setEntry` on layouts a person writes: each case is the exact
/// text before and after, with `⟦…⟧` marking what the edit inserts.
@Suite struct YAMLEditTests {
    /// Parses `marked` without the inserted text, adds `placement: delayed` to the mapping at `path`, and compares.
    func check(_ marked: String, path: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        let before = marked.replacingOccurrences(of: "⟦[^⟧]*⟧", with: "", options: .regularExpression)
        let after = marked.replacingOccurrences(of: "⟦", with: "").replacingOccurrences(of: "⟧", with: "")
        let src = SourceFile(path: "t.yaml", text: before)
        let parsed = YAMLParser.parse(src)
        guard var node = parsed.tree.root else {
            Issue.record("no document", sourceLocation: sourceLocation)
            return
        }
        for key in path {
            guard let v = parsed.tree.entries(parsed.tree.resolved(node)).first(where: { parsed.tree.scalar($0.key) == key })?.value else {
                Issue.record("no key \(key)", sourceLocation: sourceLocation)
                return
            }
            node = parsed.tree.resolved(v)
        }
        guard let edit = YAMLEdits.setEntry("placement", "delayed", in: node, tree: parsed.tree, source: src),
              let out = YAMLEdits.apply([edit], to: src.bytes) else {
            Issue.record("no edit", sourceLocation: sourceLocation)
            return
        }
        #expect(String(decoding: out, as: UTF8.self) == after, sourceLocation: sourceLocation)
        #expect(YAMLParser.parse(SourceFile(path: "t.yaml", bytes: out)).diagnostics.isEmpty, sourceLocation: sourceLocation)
    }

    @Test func flowMappingGetsTheKeyInsideTheBraces() {
        check("o:\n  m: {series: {range: 3}⟦, placement: delayed⟧}   # {a, b}\nnext: 1\n", path: ["o", "m"])
        check("o:\n  m: {series: {range: 3}⟦, placement: delayed⟧ }\n", path: ["o", "m"])
        check("o:\n  m: &a {⟦placement: delayed⟧}\n", path: ["o", "m"])
        check("o:\n  m: {\n    a: 1,\n    b: [1, 2]⟦, placement: delayed⟧   # last\n  }\n", path: ["o", "m"])
    }

    @Test func trailingCommentStaysOnItsLineAndCommentsAfterStayAfter() {
        check("o:\n  m:\n    a: 1   # the a\n⟦    placement: delayed\n⟧    # about m\n\n# top\nnext: 1\n", path: ["o", "m"])
    }

    @Test func anyIndentationWidthAndQuotedKeys() {
        check("o:\n     m:\n         \"a\": 1\n         'b': x\n⟦         placement: delayed\n⟧", path: ["o", "m"])
        check("o:\n - m\nm2:\n   a: 1\n⟦   placement: delayed\n⟧", path: ["m2"])
    }

    @Test func lineBreaksAreTheFilesAndAMissingFinalNewlineStaysMissing() {
        check("o:\r\n  m:\r\n    a: 1⟦\r\n    placement: delayed⟧\r\nz: 2\r\n", path: ["o", "m"])
        check("o:\n  m:\n    a: 1⟦\n    placement: delayed⟧", path: ["o", "m"])
        check("\u{FEFF}m:\n  a: 1⟦\n  placement: delayed⟧\n", path: ["m"])
        check("\u{FEFF}m: {a: 1⟦, placement: delayed⟧}", path: ["m"])
    }

    @Test func blockScalarsKeepTheirContent() {
        // Clip and strip: trailing blank lines are not content; the key goes before them.
        check("m:\n  a: |\n    text\n⟦  placement: delayed\n⟧\n  # c\nz: 1\n", path: ["m"])
        check("m:\n  a: >-\n    text\n⟦  placement: delayed\n⟧\n\nz: 1\n", path: ["m"])
        // Keep: they are content; the key goes after them.
        check("m:\n  a: |+\n    text\n\n⟦  placement: delayed\n⟧z: 1\n", path: ["m"])
        // At the end of a file without a final newline.
        check("m:\n  a: |\n    text⟦\n  placement: delayed⟧", path: ["m"])
    }

    @Test func nestedBlockMappingAndSequenceAsLastValue() {
        check("m:\n  a:\n    b:\n      c: 1   # deep\n⟦  placement: delayed\n⟧  # after\nz: 1\n", path: ["m"])
        check("m:\n  a:\n  - 1\n  - 2\n⟦  placement: delayed\n⟧z: 1\n", path: ["m"])
        check("m:\n  a: 1\n  b:\n⟦  placement: delayed\n⟧z: 1\n", path: ["m"])
    }

    @Test func anAnchoredMappingIsEditedOnceAtItsAnchor() {
        check("o:\n  a: &m\n    x: 1\n⟦    placement: delayed\n⟧  b: *m\n", path: ["o", "b"])
    }

    @Test func anExistingValueIsReplacedInPlace() {
        let src = SourceFile(path: "t.yaml", text: "m: {placement: \"embed\", a: 1}\n")
        let tree = YAMLParser.parse(src).tree
        let m = tree.entries(tree.root!)[0].value
        let edit = YAMLEdits.setEntry("placement", "delayed", in: m, tree: tree, source: src)
        #expect(edit.flatMap { YAMLEdits.apply([$0], to: src.bytes) }.map { String(decoding: $0, as: UTF8.self) } == "m: {placement: delayed, a: 1}\n")
    }

    @Test func overlappingEditsAreRefusedAndIdenticalOnesCountOnce() {
        let bytes = Array("abcdef".utf8)
        #expect(YAMLEdits.apply([Edit(range: SourceRange(start: 1, end: 3), replacement: "X"), Edit(range: SourceRange(start: 2, end: 4), replacement: "Y")], to: bytes) == nil)
        #expect(YAMLEdits.apply([.insert("X", at: 2), .insert("Y", at: 2)], to: bytes) == nil)
        #expect(YAMLEdits.apply([.insert("X", at: 2), .insert("X", at: 2)], to: bytes) == Array("abXcdef".utf8))
        #expect(YAMLEdits.apply([.insert("X", at: 7)], to: bytes) == nil)
    }
}
