import JSONRPC
import PipelineIR

/// Go to definition, find references, rename and document symbols, all from the
/// `SymbolIndex` (names the front end resolved), never from text search.
enum Navigation {
    static func location(_ a: DocumentAnalysis, _ r: SourceRange, _ conv: PositionConverter) -> JSON {
        ["uri": .string(a.uri), "range": conv.range(r)]
    }

    static func definition(_ a: DocumentAnalysis, at offset: Int, _ conv: PositionConverter) -> JSON {
        guard let index = a.index, let occ = index.occurrence(at: offset),
              let def = index.definition(occ.kind, occ.name) else { return .null }
        return location(a, def.range, conv)
    }

    static func references(_ a: DocumentAnalysis, at offset: Int, includeDeclaration: Bool, _ conv: PositionConverter) -> JSON {
        guard let index = a.index, let occ = index.occurrence(at: offset) else { return .null }
        return .array(index.occurrences(of: occ.kind, occ.name)
            .filter { includeDeclaration || !$0.isDefinition }
            .map { location(a, $0.range, conv) })
    }

    /// The names rename can change: objects, functions, arrays and steps (a field or method
    /// is also named inside `with:` paths the front end does not locate).
    static let renamable: Set<SymbolIndex.Kind> = [.object, .function, .array, .step]

    static func prepareRename(_ a: DocumentAnalysis, at offset: Int, _ conv: PositionConverter) -> JSON {
        guard let occ = a.index?.occurrence(at: offset), renamable.contains(occ.kind) else { return .null }
        return ["range": conv.range(occ.range), "placeholder": .string(occ.name)]
    }

    static func rename(_ a: DocumentAnalysis, at offset: Int, to newName: String, _ conv: PositionConverter) throws -> JSON {
        guard let index = a.index, let p = a.loaded.pipeline, let occ = index.occurrence(at: offset) else {
            throw RPCError(code: RPCError.requestFailedCode, message: "no object, function, array or step name here")
        }
        guard renamable.contains(occ.kind) else {
            throw RPCError(code: RPCError.requestFailedCode, message: "a \(occ.kind.rawValue) cannot be renamed here: rename it by hand")
        }
        guard isIdentifier(newName) else {
            throw RPCError(code: RPCError.requestFailedCode, message: "`\(newName)` is not a valid name (letters, digits and `_`, not starting with a digit)")
        }
        let taken: Bool
        switch occ.kind {
        case .object: taken = p.object(named: newName) != nil
        case .function: taken = p.function(named: newName) != nil
        default: taken = p.array(named: newName) != nil || p.step(named: newName) != nil
        }
        if taken, newName != occ.name {
            throw RPCError(code: RPCError.requestFailedCode, message: "\(occ.kind == .array || occ.kind == .step ? "an array or step" : occ.kind == .object ? "an object" : "a function") named `\(newName)` already exists")
        }
        let edits: [JSON] = index.occurrences(of: occ.kind, occ.name).map {
            ["range": conv.range($0.range), "newText": .string(newName)]
        }
        return ["changes": .object([a.uri: .array(edits)])]
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil)) }
    }

    /// `textDocument/documentSymbol`: objects (with their fields and methods), functions, arrays, steps.
    static func documentSymbols(_ a: DocumentAnalysis, _ conv: PositionConverter) -> JSON {
        guard let p = a.loaded.pipeline else { return [] }
        func symbol(_ name: String, _ detail: String, _ kind: Int, _ range: SourceRange, _ nameRange: SourceRange, _ children: [JSON] = []) -> JSON {
            var o: [String: JSON] = ["name": .string(name), "detail": .string(detail), "kind": .number(kind),
                                     "range": conv.range(SourceRange(start: min(range.start, nameRange.start), end: max(range.end, nameRange.end))),
                                     "selectionRange": conv.range(nameRange)]
            if !children.isEmpty { o["children"] = .array(children) }
            return .object(o)
        }
        func members(_ r: Recipe) -> [JSON] {
            guard case .instance(let i) = r else { return [] }
            return i.fields.map { symbol($0.name, $0.recipe.kindName, 8, $0.nameRange, $0.nameRange, members($0.recipe)) }
                + i.methods.map { symbol($0.name, "method", 6, $0.function.range, $0.nameRange) }
        }
        var out: [JSON] = []
        // LSP SymbolKind: Object 19, Function 12, Array 18, Variable 13 (a step's named result), Field 8, Method 6.
        out += p.objects.map { symbol($0.name, "object: \($0.recipe.kindName), \($0.placement.rawValue)", 19, $0.range, $0.nameRange, members($0.recipe)) }
        out += p.functions.map { symbol($0.name, "function", 12, $0.range, $0.nameRange) }
        out += p.arrays.map { symbol($0.name, "array: \($0.grid.chunkCount) chunks", 18, $0.range, $0.nameRange) }
        out += p.steps.map { symbol($0.name, "step", 13, $0.range, $0.nameRange) }
        return .array(out)
    }
}
