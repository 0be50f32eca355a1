import Foundation
import Testing
@testable import pipelint

/// `check` parsed by hand must mean exactly what argument-parser makes of the same arguments,
/// and anything unusual must be left to argument-parser.
@Suite struct FastPathTests {
    static let cases: [[String]] = [
        ["check"],
        ["check", "a.yaml", "b"],
        ["check", "--format", "json", "x"],
        ["check", "x", "--format", "concise", "y"],
        ["check", "--format=sarif", "--select", "PL001", "--select=PL00,PL01", "--ignore", "embedded-object", "--extend-select", "ALL", "."],
        ["check", "--fail-on", "info", "--exit-zero", "--statistics", "--quiet", "--verbose", "--fail-on-empty", "--no-ignore", "--force-exclude", "p"],
        ["check", "--baseline", "b.json", "--write-baseline", "w.json", "--output-file", "o.txt", "--color", "never", "--stdin-filename", "s.yaml", "-"],
        ["check", "--config", "c.yml", "--", "--odd-name.yaml", "-"],
        ["check", "--color=always", "--fail-on=error", "samples"],
    ]

    @Test(arguments: cases)
    func sameRequestAsArgumentParser(_ arguments: [String]) throws {
        let fast = try #require(FastPath.checkRequest(arguments))
        let parsed = try #require(try Pipelint.parseAsRoot(arguments) as? Check)
        #expect(fast == parsed.request)
    }

    static let fallbacks: [[String]] = [
        ["check", "--help"], ["check", "-h"], ["check", "--format", "xml", "x"], ["check", "--format", "json", "--format", "text"],
        ["check", "--bogus"], ["check", "--config"], ["check", "--config", "--quiet"], ["check", "--exit-zero", "--exit-zero"],
        ["check", "--quiet=yes"], ["fix", "x"], ["--version", "x"], ["help", "check"],
    ]

    @Test(arguments: fallbacks)
    func anythingUnusualGoesToArgumentParser(_ arguments: [String]) {
        #expect(FastPath.checkRequest(arguments) == nil)
    }
}

/// Messages built from Foundation errors are reworded.
@Suite struct FoundationWordingTests {
    @Test func cocoaCodesBecomeTheSystemsWords() {
        #expect(withoutFoundationCodes("cannot write to out: The operation could not be completed. (NSCocoaErrorDomain error 4.)") == "cannot write to out: No such file or directory")
        #expect(withoutFoundationCodes("a: (NSCocoaErrorDomain error 640.); b") == "a: No space left on device; b")
        #expect(withoutFoundationCodes("nothing to change") == "nothing to change")
    }
}

/// gitignore patterns as git matches them, in linear time.
@Suite struct IgnorePatternTests {
    func matches(_ pattern: String, _ path: String, directory: Bool = false) -> Bool {
        IgnorePattern(line: Array(pattern.utf8))?.matches(path, isDirectory: directory) ?? false
    }

    @Test func starsSlashesAndClasses() {
        #expect(matches("*.yaml", "a/b.yaml") && !matches("*.yaml", "a/b.yml"))
        #expect(matches("**/gen", "gen") && matches("**/gen", "x/gen") && matches("**/gen", "x/y/gen") && !matches("**/gen", "xgen"))
        #expect(matches("a/**/b", "a/b") && matches("a/**/b", "a/x/y/b") && !matches("a/**/b", "a/xb") && !matches("a/**/b", "ab"))
        #expect(matches("a/**", "a/x") && matches("a/**", "a/x/y") && !matches("a/**", "a"))
        #expect(matches("doc/*.yaml", "doc/a.yaml") && !matches("doc/*.yaml", "doc/x/a.yaml") && !matches("doc/*.yaml", "x/doc/a.yaml"))
        #expect(matches("/top.yaml", "top.yaml") && !matches("/top.yaml", "s/top.yaml"))
        #expect(matches("[a-c]x.yaml", "d/bx.yaml") && !matches("[a-c]x.yaml", "dx.yaml") && matches("[!a-c]x", "dx"))
        #expect(matches("?.yaml", "a.yaml") && !matches("?.yaml", "ab.yaml"))
        #expect(matches("\\#x", "#x") && IgnorePattern(line: Array("# comment".utf8)) == nil)
        #expect(matches("build/", "build", directory: true) && !matches("build/", "build"))
        #expect(IgnorePattern(line: Array("!keep.yaml".utf8))?.negated == true)
        #expect(matches("x.yaml  ", "x.yaml") && matches("x.yaml\\ ", "x.yaml "))
    }

    @Test func manyStarsDoNotBacktrack() {
        let pattern = String(repeating: "*a", count: 40) + "*b"
        let path = String(repeating: "a", count: 5_000)
        let start = Date()
        #expect(!matches(pattern, path))
        #expect(Date().timeIntervalSince(start) < 5)
    }
}
