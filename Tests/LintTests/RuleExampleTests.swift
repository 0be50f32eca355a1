import Foundation
import Lint
import PipelineIR
import PipelineYAML
import Rules
import Testing

/// Every rule's examples are its tests: triggering examples fire exactly at
/// their `↓` markers, non-triggering ones stay silent, fix examples produce the
/// exact text. Each is run again with 😀 prefixed to every line so that byte,
/// code-point and UTF-16 column bugs cannot hide.
@Suite struct RuleExampleTests {
    static let ruleNames = allRules.map { $0.description.id }

    func rule(_ id: String) -> any Rule.Type { allRules.first { $0.description.id == id }! }

    func lint(_ text: String, _ r: any Rule.Type) -> (SourceFile, [Finding]) {
        let src = SourceFile(path: "example.yaml", text: text)
        // All rules run (suppression rules need to know every ID); each test looks at its own rule.
        var linter = Linter(rules: makeAllRules())
        linter.files = .listed(Set(allRules.flatMap { $0.description.exampleFiles }))
        return (src, linter.lint(src).findings.filter { $0.code.id == r.description.id || $0.code == .invalidYAML || $0.code == .invalidPipeline })
    }

    @Test(arguments: ruleNames)
    func triggeringExamplesFireAtTheirMarkers(_ id: String) throws {
        let r = rule(id)
        for example in r.description.triggeringExamples {
            let (text, offsets) = RulePage.stripMarkers(example)
            let (src, findings) = lint(text, r)
            let mine = findings.filter { $0.code.id == id }
            #expect(findings.allSatisfy { $0.code.id == id }, "\(findings.map(\.message))")
            #expect(!mine.isEmpty)
            #expect(mine.map(\.range.start) == offsets, "\(example)")
            // Same example below a comment line holding astral characters.
            let shifted = insertAstral(text, offsets: offsets)
            let (src2, findings2) = lint(shifted.text, r)
            let mine2 = findings2.filter { $0.code.id == id }
            #expect(mine2.count == mine.count)
            for (a, b) in zip(mine, mine2) {
                let p1 = src.position(of: a.range.start)
                let p2 = src2.position(of: b.range.start)
                #expect(p2.line == p1.line + shifted.addedLines)
                #expect(p2.column == p1.column)
                #expect(b.range.start == a.range.start + shifted.addedBytes)
            }
        }
    }

    /// Adds a comment line holding 😀 at the top: lines shift by one, byte offsets by the comment's length,
    /// columns not at all — a mixed-up byte/column conversion shows up as a column change.
    func insertAstral(_ text: String, offsets: [Int]) -> (text: String, addedLines: Int, addedBytes: Int) {
        let prefix = "# 😀😀 astral\n"
        return (prefix + text, 1, prefix.utf8.count)
    }

    /// Every triggering example again with `lint: {reason: "😀"}, ` inserted after the first `{` before each
    /// marker on its line (a neutral entry: a reason without IDs suppresses nothing): the finding keeps its
    /// line and moves right by the inserted code points — 21 — while its byte offset moves by 24.
    @Test(arguments: ruleNames)
    func astralCharacterBeforeTheTokenMovesTheColumn(_ id: String) throws {
        let r = rule(id)
        let inserted = "lint: {reason: \"😀\"}, "
        var tested = 0
        for example in r.description.triggeringExamples {
            let (text, offsets) = RulePage.stripMarkers(example)
            let bytes = Array(text.utf8)
            let src = SourceFile(path: "example.yaml", bytes: bytes)
            // Insertion points: the first `{` before each marker on the marker's line.
            var points: [Int] = []
            for o in offsets {
                let lineStart = src.lineStarts[src.lineIndex(of: o)]
                if let brace = bytes[lineStart..<o].firstIndex(of: UInt8(ascii: "{")), !points.contains(brace + 1) { points.append(brace + 1) }
            }
            guard !points.isEmpty else { continue }
            var shifted = bytes
            for p in points.sorted(by: >) { shifted.insert(contentsOf: Array(inserted.utf8), at: p) }
            let (_, before) = lint(text, r)
            let (src2, after) = lint(String(decoding: shifted, as: UTF8.self), r)
            let mine = before.filter { $0.code.id == id }, mine2 = after.filter { $0.code.id == id }
            #expect(mine2.count == mine.count, "\(example)")
            for (a, b) in zip(mine, mine2) {
                let moved = points.filter { $0 <= a.range.start }.count
                #expect(b.range.start == a.range.start + moved * inserted.utf8.count)
                let p1 = src.position(of: a.range.start), p2 = src2.position(of: b.range.start)
                let sameLine = points.filter { $0 <= a.range.start && src.lineIndex(of: $0) == p1.line - 1 }.count
                #expect(p2.line == p1.line)
                #expect(p2.column == p1.column + sameLine * inserted.unicodeScalars.count, "\(example)")
            }
            tested += 1
        }
        // Rules whose markers sit before any `{` (a key, a comment) are covered by the comment-line test
        // above; they are listed, so a rule cannot skip this test by accident, and the list cannot go stale.
        if Self.markersBeforeAnyBrace.contains(id) {
            #expect(tested == 0, "\(id) has a marker after a `{` now: take it off `markersBeforeAnyBrace`")
        } else {
            #expect(tested > 0, "no triggering example of \(id) has a marker after a `{` on its line")
        }
    }

    /// Rules none of whose markers has a `{` before it on its line.
    static let markersBeforeAnyBrace: Set<String> = ["PL007", "PL009", "PL010", "PL019"]
    // PL019 compares a CSV file's rows: rule examples list files without contents, so it has no
    // triggering example; Tests/CLITests/CSVRowsCommandTests.swift checks it on real files.

    @Test(arguments: ruleNames)
    func nonTriggeringExamplesStaySilent(_ id: String) {
        let r = rule(id)
        for example in r.description.nonTriggeringExamples {
            let (_, findings) = lint(example, r)
            #expect(findings.isEmpty, "\(example)\n\(findings.map(\.message))")
        }
    }

    @Test(arguments: ruleNames)
    func fixExamplesProduceTheExactText(_ id: String) throws {
        let r = rule(id)
        for (before, after) in r.description.fixExamples {
            let (_, findings) = lint(before, r)
            let fix = try #require(findings.first { $0.fix.map { !$0.edits.isEmpty } ?? false }?.fix, "\(before)")
            let fixed = try #require(YAMLEdits.apply(fix.edits, to: Array(before.utf8)))
            #expect(String(decoding: fixed, as: UTF8.self) == after)
        }
    }

    @Test func astralCharactersOnTheMarkedLineMoveTheColumnByOne() throws {
        // The first PL001 example with an astral character before the marked token on the same line.
        let r = EmbeddedObjectRule.self
        let (text, offsets) = RulePage.stripMarkers(r.description.triggeringExamples[0])
        let (src, f1) = lint(text, r)
        let inserted = "lint: {reason: \"😀\"}, "
        let shifted = text.replacingOccurrences(of: "looked_up: {map_blocks", with: "looked_up: {\(inserted)map_blocks")
        let (src2, f2) = lint(shifted, r)
        let a = try #require(f1.first)
        let b = try #require(f2.first)
        #expect(a.range.start == offsets[0])
        #expect(src2.position(of: b.range.start).column == src.position(of: a.range.start).column + inserted.unicodeScalars.count)
        #expect(b.range.start == a.range.start + inserted.utf8.count)
    }
}
