import Testing

/// A short diff of a golden file against what the tool printed: the lines around the first
/// and last differences only (common prefix and suffix dropped), so a failing golden of a
/// 500-line program shows a few lines, not the whole file.
enum GoldenDiff {
    /// nil when equal; else `@@ line N @@` and at most `limit` removed (`-`) and added (`+`) lines.
    static func diff(expected: String, actual: String, limit: Int = 12) -> String? {
        guard expected != actual else { return nil }
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var start = 0
        while start < e.count, start < a.count, e[start] == a[start] { start += 1 }
        var eEnd = e.count, aEnd = a.count
        while eEnd > start, aEnd > start, e[eEnd - 1] == a[aEnd - 1] { eEnd -= 1; aEnd -= 1 }
        func lines(_ s: ArraySlice<Substring>, _ mark: String) -> [String] {
            let shown = s.prefix(limit).map { mark + $0 }
            return s.count > limit ? shown + ["\(mark)… \(s.count - limit) more lines"] : shown
        }
        let context = start > 0 ? [" " + e[start - 1]] : []
        let body = context + lines(e[start..<eEnd], "-") + lines(a[start..<aEnd], "+")
        return "@@ line \(start + 1) (golden \(e.count) lines, output \(a.count)) @@\n" + body.joined(separator: "\n")
    }

    /// Fails the test with the short diff when `actual` differs from the golden text.
    static func expectEqual(_ actual: String, golden expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let d = diff(expected: expected, actual: actual)
        #expect(d == nil, "\(d ?? "")\nregenerate with PIPELINT_UPDATE_GOLDEN=1 and review the diff", sourceLocation: sourceLocation)
    }
}

@Suite struct GoldenDiffTests {
    @Test func equalTextsHaveNoDiff() {
        #expect(GoldenDiff.diff(expected: "a\nb\n", actual: "a\nb\n") == nil)
    }

    @Test func showsOnlyTheChangedLinesWithOneLineOfContext() {
        let expected = (1...500).map { "line \($0)" }.joined(separator: "\n")
        let actual = expected.replacingOccurrences(of: "line 250\n", with: "line 250 changed\n")
        #expect(GoldenDiff.diff(expected: expected, actual: actual) == "@@ line 250 (golden 500 lines, output 500) @@\n line 249\n-line 250\n+line 250 changed")
    }

    @Test func longChangesAreCut() throws {
        let d = try #require(GoldenDiff.diff(expected: "x\n", actual: (1...40).map { "\($0)" }.joined(separator: "\n") + "\n", limit: 3))
        #expect(d == "@@ line 1 (golden 2 lines, output 41) @@\n-x\n+1\n+2\n+3\n+… 37 more lines")
    }
}
