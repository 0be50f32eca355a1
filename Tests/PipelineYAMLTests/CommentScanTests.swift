import Foundation
import PipelineIR
import Testing
@testable import PipelineYAML

/// The comment scan's line-by-line path (files without CR) finds exactly what the byte-by-byte
/// walk finds: on every sample, fuzz seed and cross-check case, and on mutations of them.
@Suite struct CommentScanTests {
    static let corpus: [(name: String, bytes: [UInt8])] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var out: [(String, [UInt8])] = []
        for dir in ["samples", "samples/fixed", "Fuzz/corpus/frontend", "crosscheck/cases", "crosscheck/frames"] {
            let url = root.appendingPathComponent(dir)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
            for n in names {
                if let d = read(url.appendingPathComponent(n).path) { out.append(("\(dir)/\(n)", d)) }
            }
        }
        return out
    }()

    /// A file's bytes, read with stdio: Foundation's `contents(atPath:)` leaks a 4 KiB buffer
    /// reading an empty file (the empty fuzz seed), which the AddressSanitizer run reports.
    static func read(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n == 0 { break }
            out += buffer[0..<n]
        }
        return out
    }

    /// The ranges the scan skips: the quoted and block scalars of the (possibly partial) tree.
    static func scalarRanges(_ bytes: [UInt8]) -> [SourceRange] {
        let tree = YAMLParser.parse(SourceFile(path: "t.yaml", bytes: bytes)).tree
        return tree.nodes.filter { $0.kind == .scalar && !$0.scalarStyle.isPlain }.map(\.range).sorted()
    }

    static func both(_ bytes: [UInt8], from first: Int = 0) -> (byLine: [PipelineYAML.Comment], byByte: [PipelineYAML.Comment]) {
        let ranges = scalarRanges(bytes)
        return bytes.withUnsafeBufferPointer { b in
            (CommentScan.byLine(b, from: first, outside: ranges), CommentScan.byByte(b, from: first, outside: ranges))
        }
    }

    @Test func corpusIsThere() {
        #expect(Self.corpus.count > 100)
        #expect(Self.corpus.contains { $0.bytes.contains(0x23) })
    }

    @Test func sameCommentsOnEveryFile() {
        for file in Self.corpus where !file.bytes.contains(0x0D) {
            let source = SourceFile(path: file.name, bytes: file.bytes)
            let (fast, slow) = Self.both(file.bytes, from: source.hasBOM ? 3 : 0)
            #expect(fast == slow, "\(file.name)")
            // And the parser stores exactly those (after the BOM, when there is one).
            let parsed = YAMLParser.parse(source)
            if parsed.isComplete { #expect(parsed.tree.comments == slow, "\(file.name)") }
        }
    }

    /// Every file with `#`, a space, a quote, a line break or a tab put at a few places each.
    @Test func sameCommentsOnMutations() {
        let inserts: [[UInt8]] = [[0x23], [0x20, 0x23], [0x0A, 0x23], [0x27], [0x22], [0x0A], [0x09, 0x23, 0x23], [0x23, 0x0A, 0x20]]
        var checked = 0
        for file in Self.corpus where !file.bytes.contains(0x0D) && !file.bytes.isEmpty {
            let n = file.bytes.count
            for (k, insert) in inserts.enumerated() {
                for at in [0, n / 7, n / 3, n / 2, (n * 5) / 7, n - 1, n] {
                    var b = file.bytes
                    b.insert(contentsOf: insert, at: min(at + k, n))
                    let (fast, slow) = Self.both(b)
                    #expect(fast == slow, "\(file.name) with \(insert) at \(min(at + k, n))")
                    checked += 1
                }
            }
        }
        #expect(checked > 5_000)
    }

    @Test func exactCommentsAndLines() {
        let text = "# top\na: 1 # one\nb: 'x # not'   # two\n  # own line\nc: d#not\n\n#last"
        let (fast, slow) = Self.both(Array(text.utf8))
        #expect(fast == slow)
        #expect(fast.map(\.line) == [0, 1, 2, 3, 6])
        #expect(fast.map(\.ownLine) == [true, false, false, true, true])
        let bytes = Array(text.utf8)
        #expect(fast.map { String(decoding: bytes[$0.range.start..<$0.range.end], as: UTF8.self) } == ["# top", "# one", "# two", "# own line", "#last"])
    }

    /// A CR anywhere takes the byte-by-byte walk (CR and CRLF end lines there); a BOM is skipped.
    @Test func carriageReturnsAndBOM() {
        let crlf = Array("a: 1 # one\r\nb: 2\r# two\n# three".utf8)
        let found = CommentScan.comments(in: crlf, from: 0, outside: [])
        #expect(found.map(\.line) == [0, 2, 3])
        #expect(found.map(\.range.start) == [5, 17, 23])
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("# c\nx: 1 # d".utf8)
        let withBOM = CommentScan.comments(in: bom, from: 3, outside: [])
        #expect(withBOM.map(\.range) == [SourceRange(start: 3, end: 6), SourceRange(start: 12, end: 15)])
        #expect(withBOM.map(\.ownLine) == [true, false])
        let parsed = YAMLParser.parse(SourceFile(path: "t.yaml", bytes: bom))
        #expect(parsed.tree.comments == withBOM)
    }

    /// The eight-bytes-at-a-time search finds the first match at every offset and alignment.
    @Test func firstIndexAtEveryOffset() {
        for length in 0..<40 {
            for at in 0..<length {
                var b = [UInt8](repeating: 0x61, count: length)
                b[at] = 0x23
                if at + 3 < length { b[at + 3] = 0x23 }
                b.withUnsafeBufferPointer { p in
                    for from in 0..<length {
                        let expected = from <= at ? at : (at + 3 < length && from <= at + 3 ? at + 3 : nil)
                        #expect(CommentScan.firstIndex(of: 0x23, in: p, from: from) == expected, "length \(length) at \(at) from \(from)")
                    }
                    #expect(CommentScan.firstIndex(of: 0x23, in: p, from: 0, to: at) == nil)
                }
            }
        }
    }

    /// The ASCII test the parser uses to skip converting libyaml's character marks: a byte of
    /// 0x80 or more at any offset, in the eight-byte words or the tail, is found.
    @Test func isASCIIAtEveryOffset() {
        for length in 0..<30 {
            let plain = [UInt8](repeating: 0x7F, count: length)
            #expect(plain.withUnsafeBufferPointer { EncodingCheck.isASCII($0) })
            for at in 0..<length {
                for high: UInt8 in [0x80, 0xC3, 0xFF] {
                    var b = plain
                    b[at] = high
                    #expect(!b.withUnsafeBufferPointer { EncodingCheck.isASCII($0) }, "length \(length) at \(at)")
                }
            }
        }
    }
}
