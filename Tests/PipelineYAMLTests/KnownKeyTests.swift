import PipelineIR
import Testing
@testable import PipelineYAML

/// Keys recognised from their bytes (`KnownKey.recognise`) mean exactly what comparing the decoded
/// text with each key meant, and however a key is written the lowering reads the same pipeline.
@Suite struct KnownKeyTests {
    /// The oracle: the decoded text compared with every raw value.
    func byText(_ bytes: [UInt8]) -> KnownKey? {
        KnownKey(rawValue: String(decoding: bytes, as: UTF8.self))
    }

    /// Recognises `bytes` placed at every offset of buffers with 0 to 9 bytes after it (the table
    /// reads whole words where the buffer allows, bytes near its end).
    func expectRecognised(_ bytes: [UInt8], as expected: KnownKey?, sourceLocation: SourceLocation = #_sourceLocation) {
        for before in 0..<3 {
            for after in 0..<10 {
                let buffer = [UInt8](repeating: 0x61, count: before) + bytes + [UInt8](repeating: 0x7A, count: after)
                let got = KnownKey.recognise(buffer, start: before, count: bytes.count)
                #expect(got == expected, "\(String(decoding: bytes, as: UTF8.self)) at \(before), \(after) after", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func everyKeyIsRecognisedFromItsBytes() {
        #expect(KnownKey.allCases.count == 86)
        for key in KnownKey.allCases {
            expectRecognised(Array(key.rawValue.utf8), as: key)
        }
        #expect(KnownKey.recognise(Array("threads_per_worker".utf8), start: 0, count: 18) == .threadsPerWorker)
        #expect(KnownKey.mapBlocks.rawValue == "map_blocks")
    }

    @Test func nearMissesAreNotKeys() {
        for key in KnownKey.allCases {
            let bytes = Array(key.rawValue.utf8)
            var variants: [[UInt8]] = [bytes + [0x73], [0x5F] + bytes, Array(bytes.dropLast()), Array(bytes.dropFirst()),
                                       bytes.map { $0 & ~0x20 }, bytes + [0x00], bytes + Array("\u{301}".utf8)]
            for i in bytes.indices {
                var flipped = bytes
                flipped[i] ^= 0x01
                variants.append(flipped)
                var high = bytes
                high[i] |= 0x80
                variants.append(high)
            }
            for v in variants {
                expectRecognised(v, as: byText(v))
            }
        }
        for text in ["", "x", "a_key_longer_than_twenty_four_bytes", "\u{212A}ernel", "kernel ", "K"] {
            let bytes = Array(text.utf8)
            expectRecognised(bytes, as: nil)
        }
    }

    @Test func perItemFormsAreKnownKeys() {
        #expect(Lowerer.perItemKinds.map(\.rawValue) == PerItemForm.allCases.map(\.rawValue))
    }

    /// The model without its source ranges (which move when a key is spelled otherwise) and its
    /// name index (a dictionary, in hash order), which `positions(of:)` gives name by name.
    func shape(_ p: Pipeline) -> String {
        var text = ""
        dump(p, to: &text)
        var kept: [Substring] = []
        var skipBelow: Int?
        for line in text.split(separator: "\n") {
            let indent = line.prefix { $0 == " " }.count
            if let depth = skipBelow, indent > depth { continue }
            skipBelow = line.contains("positionsByName") ? indent : nil
            if skipBelow != nil || line.contains("ange") || line.contains("..<") || line.contains("- start:") || line.contains("- end:") { continue }
            kept.append(line)
        }
        let names = p.objects.map(\.name) + p.functions.map(\.name) + p.arrays.map(\.name) + p.steps.map(\.name)
        return (kept + names.map { "\($0) \(p.positions(of: $0))"[...] }).joined(separator: "\n")
    }

    /// The seed with keys quoted, single-quoted or escaped lowers to the same pipeline.
    @Test func quotedAndEscapedKeysLowerAlike() throws {
        let expected = shape(try #require(LoadedPipeline.load(SourceFile(path: "t", text: validSeed)).pipeline))
        #expect(expected.contains("looked_up"))
        let spellings = [
            validSeed.replacingOccurrences(of: "steps:", with: "\"steps\":").replacingOccurrences(of: "map_blocks:", with: "'map_blocks':"),
            validSeed.replacingOccurrences(of: "kernel:", with: "\"k\\x65rnel\":").replacingOccurrences(of: "shape:", with: "\"\\u0073hape\":"),
        ]
        for text in spellings {
            let loaded = LoadedPipeline.load(SourceFile(path: "t", text: text))
            #expect(loaded.diagnostics.map(\.message) == [])
            let got = shape(try #require(loaded.pipeline))
            #expect(got == expected)
        }
    }

    /// A key reached through an alias (the libyaml path) is recognised like one written in place;
    /// an alias to a list is not a key.
    @Test func aliasedKeys() throws {
        let aliased = validSeed.replacingOccurrences(of: "\nsteps:", with: "\nx-names: [&k steps]\n*k :")
        #expect(frontEnd(aliased) == ["13:1: unknown key `x-names` in the top level"])
        let toList = validSeed.replacingOccurrences(of: "\nsteps:", with: "\nx-names: &k [steps]\n*k :")
        #expect(frontEnd(toList) == ["1:1: missing required key `steps`", "13:1: unknown key `x-names` in the top level",
                                     "14:1: keys in the top level must be strings, not a list",
                                     "17:3: output `looked_up` is not an array or step"])
    }

    /// Names that happen to be keys are names: an object called `value`, a step called `map_blocks`.
    @Test func namesThatAreKeysStayNames() throws {
        let text = validSeed.replacingOccurrences(of: "mapper", with: "value").replacingOccurrences(of: "looked_up", with: "map_blocks")
        let loaded = LoadedPipeline.load(SourceFile(path: "t", text: text))
        #expect(loaded.diagnostics.isEmpty)
        let p = try #require(loaded.pipeline)
        #expect(p.objects.map(\.name) == ["value"])
        #expect(p.steps.map(\.name) == ["map_blocks"])
        #expect(p.outputs.map(\.target.name) == ["map_blocks"])
    }

    @Test func unknownKeysKeepTheirTextAndSuggestion() {
        let text = validSeed.replacingOccurrences(of: "chunks: [1000]", with: "\"chunkz\": [1000], 'Shape': 1")
        let src = SourceFile(path: "t", text: text)
        let ds = LoadedPipeline.load(src).diagnostics.map { "\(src.position(of: $0.range.start)): \($0.message) | \($0.help ?? "-")" }
        #expect(ds == ["12:6: array `x` needs `chunks` | give a chunk size per dimension, e.g. `chunks: [1000]`",
                       "12:25: unknown key `chunkz` in array `x` | did you mean `chunks`?",
                       "12:43: unknown key `Shape` in array `x` | did you mean `shape`?"])
    }
}
