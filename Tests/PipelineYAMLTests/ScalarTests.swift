import Testing
@testable import PipelineYAML

/// Plain scalars resolve as the YAML 1.2 core schema says; quoted ones stay strings.
@Suite struct ScalarResolutionTests {
    func plain(_ text: String) -> ScalarValue { ScalarValue.resolve(text, style: .plain, tag: nil) }

    @Test func specialWords() {
        for t in ["", "~", "null", "Null", "NULL"] { #expect(plain(t) == .null) }
        for t in ["true", "True", "TRUE"] { #expect(plain(t) == .bool(true)) }
        for t in ["false", "False", "FALSE"] { #expect(plain(t) == .bool(false)) }
        #expect(plain(".inf") == .float(.infinity))
        #expect(plain("+.Inf") == .float(.infinity))
        #expect(plain("-.INF") == .float(-.infinity))
        if case .float(let d) = plain(".nan") { #expect(d.isNaN) } else { Issue.record("`.nan` is not a float") }
    }

    @Test func names() {
        for t in ["table_1", "nope", "trueish", "False_", "F", "_x", "mapper.series", "1abc", "12-3", "-", "+x", ".x"] {
            #expect(plain(t) == .string(t))
        }
    }

    /// Words of four or five letters that start like `null`, `true` or `false` but are not them
    /// (`take`, `table`: kernel and parameter names) are names.
    @Test func nearSpecialWordsAreNames() {
        for t in ["take", "table", "nope", "tRUX", "trues", "nUll", "Nulls", "fast", "FALSy", "fA1se", "tr\u{E9}", "nu", "n\u{FC}ll"] {
            #expect(plain(t) == .string(t))
        }
        for t in ["nULL", "tRUE", "fALSE"] { #expect(plain(t) == .string(t)) }
    }

    @Test func numbers() {
        #expect(plain("0") == .int(0))
        #expect(plain("1000") == .int(1000))
        #expect(plain("1_000") == .int(1000))
        #expect(plain("-12") == .int(-12))
        #expect(plain("+7") == .int(7))
        #expect(plain("0x1F") == .int(31))
        #expect(plain("0o17") == .int(15))
        #expect(plain("1.5") == .float(1.5))
        #expect(plain(".5") == .float(0.5))
        #expect(plain("1e3") == .float(1000))
        #expect(plain("-2.5e-1") == .float(-0.25))
        #expect(plain("123456789012345678901234") == .float(1.2345678901234568e23))
    }

    @Test func quotedAndTaggedStayStrings() {
        #expect(ScalarValue.resolve("1", style: .doubleQuoted, tag: nil) == .string("1"))
        #expect(ScalarValue.resolve("true", style: .singleQuoted, tag: nil) == .string("true"))
        #expect(ScalarValue.resolve("null", style: .plain, tag: .str) == .string("null"))
    }
}
