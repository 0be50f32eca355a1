import PipelineIR
import Testing
@testable import PipelineYAML

@Suite struct SourcePositionTests {
    @Test func columnsCountCodePointsNotBytes() {
        let src = SourceFile(path: "t", text: "a: é😀x\n")
        // "x" is at byte 9 (a,:,space = 3; é = 2; 😀 = 4): column 6.
        #expect(src.position(of: 9) == .init(line: 1, column: 6))
    }

    @Test func bomIsNotAColumn() {
        let src = SourceFile(path: "t", bytes: [0xEF, 0xBB, 0xBF] + Array("ab: 1\n".utf8))
        #expect(src.position(of: 3) == .init(line: 1, column: 1))
        #expect(src.position(of: 7) == .init(line: 1, column: 5))
    }

    @Test func crlfAndCRLineBreaks() {
        let src = SourceFile(path: "t", text: "a\r\nb\rc\n")
        #expect(src.position(of: 3) == .init(line: 2, column: 1))
        #expect(src.position(of: 5) == .init(line: 3, column: 1))
        #expect(src.lineText(0) == "a")
    }
}

@Suite struct SyntaxTreeTests {
    func parse(_ s: String) -> (SyntaxTree, SourceFile) {
        let src = SourceFile(path: "t", text: s)
        let r = YAMLParser.parse(src)
        #expect(r.diagnostics.isEmpty)
        return (r.tree, src)
    }

    @Test func scalarRangesAreByteOffsetsAfterAstralCharacters() throws {
        let (tree, src) = parse("k: 😀\nname: 'q#x' # c😀\n")
        let root = try #require(tree.root)
        let e = tree.entries(root)
        #expect(tree.scalar(e[1].value) == "q#x")
        #expect(src.text(tree[e[1].value].range) == "'q#x'")
        #expect(tree[e[1].value].scalarStyle == .singleQuoted)
        #expect(tree.comments.count == 1)
        #expect(src.text(tree.comments[0].range) == "# c😀")
    }

    @Test func blockMappingEndsAtItsLastEntryNotAfterTrailingComments() throws {
        let text = "objects:\n  m:\n    a: 1\n    b: 2\n  # trailing\n\nsteps: {}\n"
        let (tree, src) = parse(text)
        let root = try #require(tree.root)
        let objects = tree.entries(root)[0].value
        let m = tree.entries(objects)[0].value
        #expect(src.text(tree[m].range) == "a: 1\n    b: 2")
        #expect(tree[m].collectionStyle == .block)
        #expect(tree.comments.map { src.text($0.range) } == ["# trailing"])
        #expect(tree.comments[0].ownLine)
    }

    @Test func flowMappingRangeIncludesBraces() throws {
        let (tree, src) = parse("m: {a: 1, b: [2, 3]}\n")
        let root = try #require(tree.root)
        let m = tree.entries(root)[0].value
        #expect(src.text(tree[m].range) == "{a: 1, b: [2, 3]}")
        #expect(tree[m].collectionStyle == .flow)
    }

    @Test func hashInsideBlockAndQuotedScalarsIsNotAComment() throws {
        let (tree, src) = parse("a: |\n  not # a comment\n  x\nb: \"# nor\" # yes\nc: d#e\n")
        #expect(tree.comments.map { src.text($0.range) } == ["# yes"])
    }

    @Test func aliasesAreKeptAndResolved() throws {
        let (tree, _) = parse("a: &x {k: 1}\nb: *x\n")
        let root = try #require(tree.root)
        let b = tree.entries(root)[1].value
        #expect(tree[b].kind == .alias)
        #expect(tree[tree.resolved(b)].kind == .mapping)
    }

    @Test func bomIsSkippedAndOffsetsStayInBytes() throws {
        let src = SourceFile(path: "t", bytes: [0xEF, 0xBB, 0xBF] + Array("k: v\n".utf8))
        let r = YAMLParser.parse(src)
        let root = try #require(r.tree.root)
        let v = r.tree.entries(root)[0].value
        #expect(r.tree[v].range == SourceRange(start: 6, end: 7))
    }
}
