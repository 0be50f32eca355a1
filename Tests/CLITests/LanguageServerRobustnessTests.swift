import Foundation
import Testing

/// `pipelint server` under what editors and hostile files send: other position
/// encodings, broken framing and JSON, requests out of order, cancellations,
/// configuration changes, hostile documents, a closed input.
@Suite(.serialized) struct LanguageServerRobustnessTests {
    typealias T = LanguageServerTests

    /// The seed with `表 😀` before the object on the finding's line.
    static let wideText = (try? String(contentsOf: CLI.root.appendingPathComponent("samples/seed-argument.yaml"), encoding: .utf8))?
        .replacingOccurrences(of: "  looked_up: {map_blocks", with: "  looked_up: {lint: {ignore: [PL008], reason: \"表 😀\"}, map_blocks") ?? ""

    /// The same finding in UTF-16 units and in UTF-8 bytes: 表 is 1 unit and 3 bytes, 😀 2 units and 4 bytes.
    @Test(arguments: [("utf-16", 88), ("utf-8", 92)])
    func positionsCountInTheNegotiatedEncoding(encoding: String, column: Int) throws {
        let c = try LSPClient()
        let caps = try T.initialize(c, encodings: encoding == "utf-8" ? ["utf-32", "utf-8", "utf-16"] : ["utf-16"])
        #expect(caps["positionEncoding"] as? String == encoding)
        let uri = "file:///nonexistent/wide.yaml"
        T.open(c, uri, Self.wideText)
        let diags = try c.diagnostics(uri, version: 1)
        #expect(diags.map { $0["code"] as? String ?? "" } == ["PL013", "PL001"])
        #expect(diags.map { EditorText.range($0["range"]) } == [[13, 30, 13, 35], [13, column, 13, column + 6]])
        // Hover and rename at the same token, in the same units; the edit lands on `mapper` in the editor's text.
        let hover = try c.call("textDocument/hover", T.at(uri, 13, column + 3)) as? [String: Any]
        #expect(EditorText.range(hover?["range"]) == [13, column, 13, column + 6])
        let rename = try c.call("textDocument/rename", T.at(uri, 13, column + 6).merging(["newName": "m2"]) { a, _ in a }) as? [String: Any]
        let edits = (rename?["changes"] as? [String: Any])?[uri] as? [[String: Any]] ?? []
        let renamed = EditorText.apply(edits, to: Self.wideText, utf8: encoding == "utf-8").components(separatedBy: "\n")
        #expect(renamed[4] == "  m2:")
        #expect(renamed[13].hasSuffix("reason: \"表 😀\"}, map_blocks: f, over: [x], args: [m2]}"))
        // An incremental edit after the emoji, in the same units: `nothing` typed over `mapper` is not an object.
        T.change(c, uri, version: 2, [["range": T.range(13, column, 13, column + 6), "newText": "nothing"]])
        let after = try c.diagnostics(uri, version: 2)
        #expect(after.map { $0["code"] as? String ?? "" } == ["PL901"])
        #expect(after.map { EditorText.range($0["range"]) } == [[13, column, 13, column + 7]])
        _ = try c.call("shutdown", [:])
        c.notify("exit", [:])
        #expect(try c.waitForExit() == 0)
    }

    @Test func brokenMessagesGetErrorsAndTheServerCarriesOn() throws {
        let c = try LSPClient()
        // Before `initialize`: refused, not dropped.
        let early = try c.response(c.request("textDocument/hover", T.at("file:///x.yaml", 0, 0)))
        #expect((early["error"] as? [String: Any])?["code"] as? Int == -32002)
        _ = try T.initialize(c)
        // A header without a number, a body that is not JSON, one that is not UTF-8, an unknown method.
        c.write(raw: Data("Content-Length: many\r\n\r\n".utf8))
        var e = try c.wait("parse error") { $0["error"] != nil }
        #expect((e["error"] as? [String: Any])?["code"] as? Int == -32700)
        #expect(e["id"] is NSNull)
        c.write(raw: Data("Content-Length: 8\r\n\r\n{\"jsonrp".utf8))
        e = try c.wait("parse error") { $0["error"] != nil }
        #expect((e["error"] as? [String: Any])?["code"] as? Int == -32700)
        c.write(raw: Data("Content-Length: 4\r\n\r\n".utf8) + Data([0x22, 0xFF, 0xFE, 0x22]))
        e = try c.wait("parse error") { $0["error"] != nil }
        #expect((e["error"] as? [String: Any])?["code"] as? Int == -32700)
        let unknown = try c.response(c.request("pipelint/nothing", [:]))
        #expect((unknown["error"] as? [String: Any])?["code"] as? Int == -32601)

        // YAML that is not a pipeline (a CI workflow) is left alone.
        T.open(c, "file:///nonexistent/workflow.yaml", "name: ci\non: [push]\njobs: {build: {runs-on: ubuntu-latest}}\n")
        #expect(try c.diagnostics("file:///nonexistent/workflow.yaml", version: 1).isEmpty)

        // A document the front end cannot read: its located errors as diagnostics.
        T.open(c, "file:///nonexistent/broken.yaml", "pipeline: broken\nversion: [1\nobjects: {}\n")
        let broken = try c.diagnostics("file:///nonexistent/broken.yaml", version: 1)
        #expect(broken.map { $0["code"] as? String ?? "" } == ["PL900"])
        #expect(broken.map { EditorText.range($0["range"]) } == [[2, 7, 2, 8]])
        #expect(try c.call("textDocument/hover", T.at("file:///nonexistent/broken.yaml", 0, 2)) is NSNull)

        // Hostile documents stay within the parse limits.
        var bomb = "pipeline: bomb\nversion: 1\ncluster: {scheduler: distributed, workers: 2}\n"
        bomb += "x0: &x0 [" + Array(repeating: "\"lol\"", count: 10).joined(separator: ",") + "]\n"
        for i in 1..<9 { bomb += "x\(i): &x\(i) [" + Array(repeating: "*x\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        T.open(c, "file:///nonexistent/bomb.yaml", bomb)
        let b = try c.diagnostics("file:///nonexistent/bomb.yaml", version: 1)
        #expect(b.map { $0["code"] as? String ?? "" } == ["PL900"])
        #expect(b.map { EditorText.range($0["range"]) } == [[7, 44, 7, 48]])
        let big = "pipeline: big\nversion: 1\nx: \"" + String(repeating: "a", count: 17 << 20) + "\"\n"
        T.open(c, "file:///nonexistent/big.yaml", big)
        let g = try c.diagnostics("file:///nonexistent/big.yaml", version: 1)
        #expect(g.map { $0["message"] as? String ?? "" }.first?.hasPrefix("scalar of 17825792 bytes is over the 16777216-byte limit") == true)

        // A request cancelled while waiting behind another is answered with RequestCancelled.
        let uri = "file:///nonexistent/seed.yaml"
        T.open(c, uri, LanguageServerRobustnessTests.wideText)
        _ = try c.diagnostics(uri, version: 1)
        T.change(c, uri, version: 2, [["range": T.range(0, 0, 0, 0), "newText": "# edited\n"]])
        let first = 1000, second = 1001
        func frame(_ o: [String: Any]) -> Data {
            let body = try! JSONSerialization.data(withJSONObject: o)
            return Data("Content-Length: \(body.count)\r\n\r\n".utf8) + body
        }
        c.write(raw: frame(["jsonrpc": "2.0", "id": first, "method": "textDocument/documentSymbol", "params": ["textDocument": ["uri": uri]]])
                + frame(["jsonrpc": "2.0", "id": second, "method": "textDocument/documentSymbol", "params": ["textDocument": ["uri": uri]]])
                + frame(["jsonrpc": "2.0", "method": "$/cancelRequest", "params": ["id": second]]))
        #expect((try c.response(first)["result"] as? [Any])?.count == 4)
        #expect(((try c.response(second))["error"] as? [String: Any])?["code"] as? Int == -32800)

        // Requests after `shutdown` are refused; closing stdin ends the server cleanly.
        _ = try c.call("shutdown", [:])
        let late = try c.response(c.request("textDocument/hover", T.at(uri, 0, 0)))
        #expect((late["error"] as? [String: Any])?["code"] as? Int == -32600)
        c.closeInput()
        #expect(try c.waitForExit() == 0)
        _ = try c.all()  // nothing but whole protocol messages on stdout
    }

    @Test func aChangedConfigurationIsReadAgain() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-lsp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("seed.yaml")
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("samples/seed-argument.yaml"), to: file)
        let text = try String(contentsOf: file, encoding: .utf8)
        let c = try LSPClient()
        _ = try T.initialize(c)
        T.open(c, file.absoluteString, text)
        #expect(try c.diagnostics(file.absoluteString, version: 1).map { $0["code"] as? String } == ["PL001"])
        let config = dir.appendingPathComponent(".pipelint.yml")
        try "severity: {PL001: error}\n".write(to: config, atomically: true, encoding: .utf8)
        c.notify("workspace/didChangeWatchedFiles", ["changes": [["uri": config.absoluteString, "type": 1]]])
        #expect(try c.diagnostics(file.absoluteString).map { $0["severity"] as? Int } == [1])
        try "ignore: [PL001]\n".write(to: config, atomically: true, encoding: .utf8)
        c.notify("textDocument/didSave", ["textDocument": ["uri": file.absoluteString]])
        #expect(try c.diagnostics(file.absoluteString).isEmpty)
        try "ignore: [PL999]\n".write(to: config, atomically: true, encoding: .utf8)
        c.notify("workspace/didChangeWatchedFiles", ["changes": [["uri": config.absoluteString, "type": 2]]])
        let broken = try c.diagnostics(file.absoluteString)
        #expect((broken.first?["message"] as? String)?.hasPrefix("configuration: ") == true)
        #expect(broken.map { $0["code"] as? String } == [nil, "PL001"])
        c.closeInput()
        #expect(try c.waitForExit() == 0)
    }
}

/// Hover on steps and suppressions, document symbols, and the fix-all action, on the seed.
@Suite(.serialized) struct LanguageServerFeatureTests {
    typealias T = LanguageServerTests

    @Test func fixAllHoverSymbolsAndSuppressions() throws {
        let c = try LSPClient()
        _ = try T.initialize(c)
        let uri = T.sampleURI
        let text = try String(contentsOf: CLI.root.appendingPathComponent("samples/seed-argument.yaml"), encoding: .utf8)
        T.open(c, uri, text)
        _ = try c.diagnostics(uri, version: 1)

        // `source.fixAll.pipelint` writes what `pipelint fix` writes (samples/fixed/).
        let all = try c.call("textDocument/codeAction", ["textDocument": ["uri": uri], "range": T.range(0, 0, 0, 0),
                                                         "context": ["diagnostics": [], "only": ["source.fixAll"]]]) as? [[String: Any]] ?? []
        #expect(all.map { $0["kind"] as? String } == ["source.fixAll.pipelint"])
        let edits = ((all.first?["edit"] as? [String: Any])?["changes"] as? [String: Any])?[uri] as? [[String: Any]] ?? []
        let fixed = try String(contentsOf: CLI.root.appendingPathComponent("samples/fixed/seed-argument.yaml"), encoding: .utf8)
        #expect(EditorText.apply(edits, to: text) == fixed)

        // A step: its tasks, bytes per task and chunk size.
        let step = try c.call("textDocument/hover", T.at(uri, 13, 5)) as? [String: Any]
        let stepText = (step?["contents"] as? [String: Any])?["value"] as? String ?? ""
        #expect(stepText.contains("**step `looked_up`**"))
        #expect(stepText.contains("| tasks | 100 |"))
        #expect(stepText.contains("| chunk size | 7.8 KiB |"))
        #expect(stepText.contains("| object `mapper` | copied into each task (≈ 236 KiB) |"))

        // Symbols: one per definition, the object's field and method inside it.
        let symbols = try c.call("textDocument/documentSymbol", ["textDocument": ["uri": uri]]) as? [[String: Any]] ?? []
        #expect(symbols.map { $0["name"] as? String ?? "" } == ["mapper", "f", "x", "looked_up"])
        #expect((symbols.first?["children"] as? [[String: Any]])?.map { $0["name"] as? String ?? "" } == ["series", "lookup"])

        // A rule ID in a suppression comment: the rule's summary.
        T.change(c, uri, version: 2, [["range": T.range(13, 55, 13, 55), "newText": "  # pipelint: ignore[PL001] sized for tests"]])
        #expect(try c.diagnostics(uri, version: 2).isEmpty)
        let rule = try c.call("textDocument/hover", T.at(uri, 13, 78)) as? [String: Any]
        #expect(((rule?["contents"] as? [String: Any])?["value"] as? String)?.hasPrefix("**PL001 embedded-object** (warning)") == true)
        #expect(EditorText.range(rule?["range"]) == [13, 76, 13, 81])

        // Definition of a field path and a method; rename refuses a field and a taken name.
        var lines = text.components(separatedBy: "\n")
        lines[11] = "  f: {params: [block, table], kernel: take, with: {table: table}}"
        lines[13] = "  looked_up: {map_blocks: f, over: [x], args: [mapper.series]}"
        lines.insert("  via_method: {map_blocks: mapper.lookup, over: [x]}", at: 14)
        c.notify("textDocument/didChange", ["textDocument": ["uri": uri, "version": 3], "contentChanges": [["text": lines.joined(separator: "\n")]]])
        #expect(try c.diagnostics(uri, version: 3).allSatisfy { $0["code"] as? String != "PL901" })
        let method = try c.call("textDocument/definition", T.at(uri, 14, 36)) as? [String: Any]
        #expect(EditorText.range(method?["range"]) == [9, 6, 9, 12])
        let field = try c.call("textDocument/definition", T.at(uri, 13, 56)) as? [String: Any]
        #expect(EditorText.range(field?["range"]) == [7, 6, 7, 12])
        let refused = try c.response(c.request("textDocument/rename", T.at(uri, 13, 56).merging(["newName": "s"]) { a, _ in a }))
        #expect((refused["error"] as? [String: Any])?["code"] as? Int == -32803)
        let taken = try c.response(c.request("textDocument/rename", T.at(uri, 13, 4).merging(["newName": "x"]) { a, _ in a }))
        #expect(((taken["error"] as? [String: Any])?["message"] as? String) == "an array or step named `x` already exists")
        c.closeInput()
        #expect(try c.waitForExit() == 0)
    }
}
