import Foundation
import PipelineIR
import Testing
@testable import PipelineYAML

/// Every way a file can be unreadable gets one error at an exact position.
@Suite struct BadYAMLTests {
    @Test func syntaxError() {
        #expect(frontEnd("pipeline: t\nversion: 1\nsteps: {a: [1, 2}\n")
            == ["3:17: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at line 3, column 12)"])
    }

    @Test func duplicateKey() {
        #expect(frontEnd("pipeline: t\nversion: 1\npipeline: u\nsteps: {}\n")
            == ["3:1: duplicate key `pipeline` (first defined at line 1, column 1)"])
    }

    @Test func duplicateKeysInALargeMapping() {
        // Over 16 keys the check hashes the keys; each repeat names its first occurrence.
        let keys = (0..<40).map { "  k\($0): 1\n" }.joined()
        let text = "pipeline: t\nversion: 1\nobjects:\n" + keys + "  k7: 2\n  \"k3\": 3\n  k7: 4\nsteps: {}\n"
        #expect(frontEnd(text) == [
            "44:3: duplicate key `k7` (first defined at line 11, column 3)",
            "45:3: duplicate key `k3` (first defined at line 7, column 3)",
            "46:3: duplicate key `k7` (first defined at line 11, column 3)",
        ])
    }

    @Test func duplicateKeysCompareDecodedText() {
        #expect(frontEnd("pipeline: t\nversion: 1\nsteps: {\"a\\x62\": 1, ab: 2, abc: 3}\n")
            == ["3:21: duplicate key `ab` (first defined at line 3, column 9)"])
    }

    @Test func customTagsAreRefusedNotExecuted() {
        #expect(frontEnd("pipeline: t\nobjects: !!python/object:os.system {a: 1}\n")
            == ["2:10: tag `!!python/object:os.system` is not allowed; pipelint never constructs tagged objects"])
        #expect(frontEnd("pipeline: !secret t\n")
            == ["1:11: tag `!secret` is not allowed; pipelint never constructs tagged objects"])
    }

    @Test func billionLaughsFailsAtTheAliasQuickly() {
        let bomb = """
            a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
            b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
            c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
            d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
            e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
            f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
            g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
            h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
            i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
            """
        // CPU time of this thread (a hang guard that a loaded machine cannot fail).
        func cpu() -> Double {
            var t = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
        }
        let start = cpu()
        #expect(frontEnd(bomb) == ["6:8: alias `*e` expands past the budget of 100000 nodes (an alias bomb?)"])
        #expect(cpu() - start < 2)
    }

    @Test func ordinaryAliasReusePasses() {
        let text = validSeed.replacingOccurrences(of: "cluster: {scheduler: distributed, workers: 2}", with: "cluster: &c {scheduler: distributed, workers: 2}\nx_cluster_copy: *c")
        #expect(frontEnd(text) == ["4:1: unknown key `x_cluster_copy` in the top level"])
    }

    @Test func aliasCycle() {
        #expect(frontEnd("a: &x [1, *x]\n") == ["1:11: alias `*x` refers to a node that contains it (a reference cycle)"])
    }

    @Test func undefinedAlias() {
        #expect(frontEnd("a: *nope\n") == ["1:4: alias `*nope` refers to no anchor defined before it"])
    }

    @Test func deepFlowNesting() {
        let deep = "a: " + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000) + "\n"
        #expect(frontEnd(deep) == ["1:67: nesting deeper than 64 levels"])
    }

    @Test func deepBlockNesting() {
        var s = ""
        for i in 0..<3000 { s += String(repeating: " ", count: i) + "k:\n" }
        s += String(repeating: " ", count: 3000) + "v\n"
        #expect(frontEnd(s) == ["65:65: nesting deeper than 64 levels"])
    }

    @Test func invalidUTF8() {
        #expect(frontEnd(bytes: Array("pipeline: t\nname: ab".utf8) + [0xFF] + Array("\n".utf8)) == ["2:9: invalid UTF-8 byte 0xFF"])
    }

    @Test func nulByte() {
        #expect(frontEnd(bytes: Array("pipeline: t\nx: a".utf8) + [0] + Array("\n".utf8)) == ["2:5: NUL byte in file; pipelines are UTF-8 text"])
    }

    @Test func nulAndInvalidBytesAreFoundAtEveryAlignment() {
        // The ASCII scan reads eight bytes at a time; a bad byte anywhere in a word is still found.
        for k in 0..<24 {
            let prefix = Array("pipeline: t\nname: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: k)
            let column = 7 + k
            #expect(frontEnd(bytes: prefix + [0] + Array("bcdefghijklmnop\n".utf8)) == ["2:\(column): NUL byte in file; pipelines are UTF-8 text"])
            #expect(frontEnd(bytes: prefix + [0xC3, 0x28] + Array("bcdefghijklmnop\n".utf8)) == ["2:\(column): invalid UTF-8 sequence starting with byte 0xC3"])
        }
    }

    @Test func utf16IsRejected() {
        let utf16: [UInt8] = [0xFF, 0xFE] + Array("pipeline: t\n".utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(frontEnd(bytes: utf16) == ["1:1: file is UTF-16; pipelines must be UTF-8"])
    }

    @Test func severalDocuments() {
        #expect(frontEnd("pipeline: t\n---\npipeline: u\n") == ["2:1: several YAML documents in one file; a pipeline file holds exactly one"])
    }

    @Test func limitsAreConfigurableAndTestedAtTheEdge() {
        let two = "a: [[1]]\n"
        #expect(frontEnd(two, limits: ParseLimits(maxDepth: 3)) == ["1:1: missing required key `pipeline` (the pipeline's name)",
                                                                    "1:1: missing required key `steps`",
                                                                    "1:1: missing required key `version`",
                                                                    "1:1: unknown key `a` in the top level"])
        #expect(frontEnd(two, limits: ParseLimits(maxDepth: 2)) == ["1:5: nesting deeper than 2 levels"])
        #expect(frontEnd("a: 12345\n", limits: ParseLimits(maxScalarBytes: 4)) == ["1:4: scalar of 5 bytes is over the 4-byte limit"])
        #expect(frontEnd("a: 1\n", limits: ParseLimits(maxFileBytes: 4)) == ["1:1: file is 5 bytes, over the 4-byte limit"])
    }

    /// An astral character before the offending token moves the column by exactly one.
    @Test(arguments: [
        "pipeline: t\nversion: 1\nsteps: {a: [↓1, 2}\n",
        "pipeline: t\nk: {x: \"↓\", x: 2}\n",
        "pipeline: t\nobjects: [↓a, !!python/object:os.system {a: 1}]\n",
        "a: &x [↓1, *x]\n",
        "a: [↓1, [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n",
        "a: \"↓b\u{0}\"\n",
        "{pipeline: \"↓t\", version: 1, cluster: {scheduler: distributed, workerz: 2}, steps: {}}\n",
        "{pipeline: \"↓t\", version: 1, steps: {s: {map_blocks: f, over: [x, nope]}}, arrays: {x: {shape: [1], chunks: [1]}}, functions: {f: {params: [a], kernel: abs}}}\n",
    ])
    func astralPrefixMovesColumnByOne(_ marked: String) throws {
        let (text, offsets) = stripMarkers(marked)
        let plain = positions(text)
        let first = try #require(plain.first)
        let at = offsets[0]
        let shifted = String(decoding: Array(text.utf8)[..<at] + Array("😀".utf8) + Array(text.utf8)[at...], as: UTF8.self)
        let moved = try #require(positions(shifted).first)
        #expect(moved.line == first.line)
        #expect(moved.column == first.column + 1, "\(marked)")
    }
}
