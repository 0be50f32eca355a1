import Foundation
import Testing

/// `pipelint server` driven over stdio by a scripted editor, with exact positions.
@Suite(.serialized) struct LanguageServerTests {
    static let sampleURI = CLI.root.appendingPathComponent("samples/seed-argument.yaml").absoluteString

    static func initialize(_ c: LSPClient, encodings: [String] = ["utf-16"], debounceMs: Int = 100) throws -> [String: Any] {
        let result = try c.call("initialize", [
            "processId": NSNull(), "rootUri": CLI.root.absoluteString,
            "capabilities": ["general": ["positionEncodings": encodings]],
            "initializationOptions": ["debounceMilliseconds": debounceMs],
        ]) as? [String: Any] ?? [:]
        c.notify("initialized", [:])
        return result["capabilities"] as? [String: Any] ?? [:]
    }

    static func open(_ c: LSPClient, _ uri: String, _ text: String, version: Int = 1) {
        c.notify("textDocument/didOpen", ["textDocument": ["uri": uri, "languageId": "yaml", "version": version, "text": text]])
    }

    static func change(_ c: LSPClient, _ uri: String, version: Int, _ edits: [[String: Any]]) {
        // As editors do: later edits first, so each range is still valid when it is applied.
        let ordered = edits.sorted { EditorText.range($0["range"]).lexicographicallyPrecedes(EditorText.range($1["range"])) }.reversed()
        c.notify("textDocument/didChange", ["textDocument": ["uri": uri, "version": version],
                                             "contentChanges": ordered.map { ["range": $0["range"]!, "text": $0["newText"]!] }])
    }

    static func range(_ l0: Int, _ c0: Int, _ l1: Int, _ c1: Int) -> [String: Any] {
        ["start": ["line": l0, "character": c0], "end": ["line": l1, "character": c1]]
    }

    static func at(_ uri: String, _ line: Int, _ character: Int) -> [String: Any] {
        ["textDocument": ["uri": uri], "position": ["line": line, "character": character]]
    }

    @Test func anEditorSessionOnTheSeed() throws {
        let c = try LSPClient()
        let caps = try Self.initialize(c)
        #expect(caps["positionEncoding"] as? String == "utf-16")
        let uri = Self.sampleURI
        var text = try String(contentsOf: CLI.root.appendingPathComponent("samples/seed-argument.yaml"), encoding: .utf8)
        Self.open(c, uri, text)

        // PL001 at `mapper` in `args: [mapper]` (line 14, columns 48–53), linking the rule page,
        // the object's definition and the step that copies it.
        var diags = try c.diagnostics(uri, version: 1)
        #expect(diags.count == 1)
        let d = diags.first ?? [:]
        #expect(d["code"] as? String == "PL001")
        #expect(d["severity"] as? Int == 2)
        #expect(EditorText.range(d["range"]) == [13, 47, 13, 53])
        #expect((d["codeDescription"] as? [String: Any])?["href"] as? String == "https://github.com/pipelint/pipelint/blob/main/rules/PL001-embedded-object.md")
        let related = d["relatedInformation"] as? [[String: Any]] ?? []
        #expect(related.map { $0["message"] as? String ?? "" } == ["object `mapper`", "step `looked_up`"])
        #expect(related.map { EditorText.range(($0["location"] as? [String: Any])?["range"]) } == [[4, 2, 4, 8], [13, 2, 13, 11]])

        // Typing `placement: delayed` under the class: the finding goes away.
        let placement: [String: Any] = ["range": Self.range(6, 0, 6, 0), "newText": "    placement: delayed\n"]
        Self.change(c, uri, version: 2, [placement])
        #expect(try c.diagnostics(uri, version: 2).isEmpty)
        // Deleting it again (two quick edits inside the debounce: only the last is published).
        Self.change(c, uri, version: 3, [["range": Self.range(6, 0, 6, 4), "newText": ""]])
        Self.change(c, uri, version: 4, [["range": Self.range(6, 0, 7, 0), "newText": ""]])
        diags = try c.diagnostics(uri, version: 4)
        #expect(diags.map { $0["code"] as? String } == ["PL001"])
        #expect(try c.all().allSatisfy { (($0["params"] as? [String: Any])?["version"] as? Int) != 3 }, "a stale version was published")

        // The quick fixes at the finding: the safe one preferred, the unsafe one labelled, a suppression.
        let actions = try c.call("textDocument/codeAction", ["textDocument": ["uri": uri], "range": Self.range(13, 50, 13, 50),
                                                             "context": ["diagnostics": diags]]) as? [[String: Any]] ?? []
        let titles = actions.map { $0["title"] as? String ?? "" }
        #expect(actions.filter { $0["isPreferred"] as? Bool == true }.count == 1)
        #expect(titles.contains { $0.contains("(unsafe") })
        #expect(titles.contains("Suppress PL001 on this line (give a reason)"))
        #expect(actions.contains { $0["kind"] as? String == "source.fixAll.pipelint" })
        let suppress = actions.first { ($0["title"] as? String)?.hasPrefix("Suppress") == true }
        let suppressEdits = ((suppress?["edit"] as? [String: Any])?["changes"] as? [String: Any])?[uri] as? [[String: Any]] ?? []
        #expect(EditorText.apply(suppressEdits, to: text).components(separatedBy: "\n")[13]
                == "  looked_up: {map_blocks: f, over: [x], args: [mapper]}  # pipelint: ignore[PL001] TODO: say why this finding does not apply")

        let preferred = actions.first { $0["isPreferred"] as? Bool == true } ?? [:]
        let edits = ((preferred["edit"] as? [String: Any])?["changes"] as? [String: Any])?[uri] as? [[String: Any]] ?? []
        #expect(!edits.isEmpty)
        text = EditorText.apply(edits, to: text)
        Self.change(c, uri, version: 5, edits)
        #expect(try c.diagnostics(uri, version: 5).isEmpty)
        #expect(text.contains("    placement: delayed"))

        // Hover on the object's name: sizes, copies, memory per worker, what another placement changes.
        let hover = try c.call("textDocument/hover", Self.at(uri, 4, 4)) as? [String: Any]
        let markdown = (hover?["contents"] as? [String: Any])?["value"] as? String ?? ""
        #expect(markdown.contains("**object `mapper`**: `__main__` class, placement `delayed` on a distributed scheduler"))
        #expect(markdown.contains("| wire size (pickled) | ≈ 236 KiB |"))
        #expect(markdown.contains("| `dask.sizeof` | 56 B"))
        #expect(markdown.contains("- `placement: embed`: 100 copies, ≈ 11.7 MiB per worker"))
        #expect(EditorText.range(hover?["range"]) == [4, 2, 4, 8])

        // Rename from the reference: the definition and `args: [mapper]` only — not the parameter
        // `mapper` of `f`, nor `mapper.series` inside its `with:` (a parameter, not the object).
        let fixedLines = text.components(separatedBy: "\n")
        let argsLine = fixedLines.firstIndex { $0.hasPrefix("  looked_up:") } ?? -1
        #expect(argsLine == 14)
        let rename = try c.call("textDocument/rename", Self.at(uri, argsLine, 49).merging(["newName": "lookup"]) { a, _ in a }) as? [String: Any]
        let renameEdits = (rename?["changes"] as? [String: Any])?[uri] as? [[String: Any]] ?? []
        #expect(renameEdits.map { EditorText.range($0["range"]) } == [[4, 2, 4, 8], [14, 47, 14, 53]])
        let renamed = EditorText.apply(renameEdits, to: text)
        #expect(renamed.contains("  lookup:\n") && renamed.contains("args: [lookup]}") && renamed.contains("params: [block, mapper]"))

        // Definition and references of the step named in `outputs:`.
        let def = try c.call("textDocument/definition", Self.at(uri, 19, 4)) as? [String: Any]
        #expect(EditorText.range(def?["range"]) == [14, 2, 14, 11])
        let refs = try c.call("textDocument/references", Self.at(uri, 14, 3).merging(["context": ["includeDeclaration": true]]) { a, _ in a }) as? [[String: Any]] ?? []
        #expect(refs.map { EditorText.range($0["range"]) } == [[14, 2, 14, 11], [19, 2, 19, 11]])

        #expect(try c.call("shutdown", [:]) is NSNull)
        c.notify("exit", [:])
        #expect(try c.waitForExit() == 0)
        _ = try c.all()
    }
}
