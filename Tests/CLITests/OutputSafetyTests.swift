import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Output that a hostile file cannot turn against a terminal or a parser.
@Suite struct OutputSafetyTests {
    static func folder(_ files: [String: [UInt8]]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (rel, bytes) in files { try Data(bytes).write(to: url.appendingPathComponent(rel)) }
        return url
    }

    static let head = "pipeline: p\nversion: 1\narrays:\n  x: {shape: [10], chunks: [5], dtype: int64}\nsteps:\n  s: {reduce: sum, over: x}\noutputs:\n"

    @Test func controlAndBidiCharactersAreEscapedInMessagesAndSnippets() throws {
        let text = Self.head + "  \"\\e[2J\\a\\rx\\u202Eevil\": compute\n  s\u{202E}y: compute\n"
        let dir = try Self.folder(["a.yaml": Array(text.utf8)])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["check", "a.yaml"], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout == """
            a.yaml:8:4: error: output `\\u{1B}[2J\\u{7}\\u{D}x\\u{202E}evil` is not an array or step [PL901 invalid-pipeline]
              |
            8 |   "\\e[2J\\a\\rx\\u202Eevil": compute
              |    ^~~~~~~~~~~~~~~~~~~~
            a.yaml:9:3: error: output `s\\u{202E}y` is not an array or step [PL901 invalid-pipeline]
              |
            9 |   s\\u{202E}y: compute
              |   ^~~~~~~~~~
            Found 2 errors in 1 of 1 file.

            """)
        #expect(!r.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E || $0.value == 0x07 })
        // GitHub's log viewer interprets ANSI escapes in annotations too.
        let github = try CLI.run(["check", "a.yaml", "--format", "github"], cwd: dir)
        #expect(github.stdout.hasPrefix("::error file=a.yaml,line=8,col=4,endLine=8,endColumn=24,title=PL901 invalid-pipeline::output `\\u{1B}[2J\\u{7}\\u{D}x\\u{202E}evil` is not an array or step\n"))
    }

    @Test func aTenMebibyteLineIsCutAroundTheCaret() throws {
        let pad = String(repeating: "a", count: 10 << 20)
        let text = Self.head + "  s: compute\nlint: {ignore: [PL001], reason: \"\(pad)\", bogus: 1}\n"
        let dir = try Self.folder(["a.yaml": Array(text.utf8)])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["check", "a.yaml"], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout.utf8.count < 2_000, "\(r.stdout.utf8.count) bytes")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("9 | …") && $0.hasSuffix("\", bogus: 1}") })
    }

    @Test func junitStaysValidXMLForNonCharacters() throws {
        let text = Self.head + "  \"a\\uFFFEb\\uFFFFc\\u0001\": compute\n"
        let dir = try Self.folder(["a.yaml": Array(text.utf8)])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["check", "a.yaml", "--format", "junit"], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout.contains("a\u{FFFD}b\u{FFFD}c\u{FFFD}"))
        let parser = XMLParser(data: Data(r.stdout.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    }

    @Test func failedWritesToStandardOutputExitTwo() throws {
        for closedPipe in [false, true] {
            let p = Process()
            p.executableURL = CLI.binary
            p.arguments = ["check", "samples/seed-argument.yaml"]
            p.currentDirectoryURL = CLI.root
            let err = Pipe()
            p.standardError = err
            if closedPipe {
                let out = Pipe()
                try out.fileHandleForReading.close()
                p.standardOutput = out
            } else {
                p.standardOutput = FileHandle(forWritingAtPath: "/dev/full")
            }
            try p.run()
            let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationReason == .exit)
            #expect(p.terminationStatus == 2)
            #expect(e == "pipelint: error: cannot write to standard output: \(closedPipe ? "Broken pipe" : "No space left on device")\n")
        }
    }
}
