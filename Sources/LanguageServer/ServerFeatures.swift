import JSONRPC
import PipelineIR

/// The requests on a document: hover, navigation, rename, symbols and code actions.
extension LanguageServer {
    func registerFeatures() {
        endpoint.onRequest("textDocument/hover") { [unowned self] params in
            let (a, offset) = try locate(params)
            return Hover.hover(a, at: offset, encoding: encoding)
        }
        endpoint.onRequest("textDocument/definition") { [unowned self] params in
            let (a, offset) = try locate(params)
            return Navigation.definition(a, at: offset, PositionConverter(a.source, encoding))
        }
        endpoint.onRequest("textDocument/references") { [unowned self] params in
            let (a, offset) = try locate(params)
            let include = params["context"]["includeDeclaration"].bool ?? true
            return Navigation.references(a, at: offset, includeDeclaration: include, PositionConverter(a.source, encoding))
        }
        endpoint.onRequest("textDocument/prepareRename") { [unowned self] params in
            let (a, offset) = try locate(params)
            return Navigation.prepareRename(a, at: offset, PositionConverter(a.source, encoding))
        }
        endpoint.onRequest("textDocument/rename") { [unowned self] params in
            let (a, offset) = try locate(params)
            guard let name = params["newName"].string else { throw RPCError.invalidParams("`newName` is required") }
            return try Navigation.rename(a, at: offset, to: name, PositionConverter(a.source, encoding))
        }
        endpoint.onRequest("textDocument/documentSymbol") { [unowned self] params in
            let a = try currentAnalysis(params)
            return Navigation.documentSymbols(a, PositionConverter(a.source, encoding))
        }
        endpoint.onRequest("textDocument/codeAction") { [unowned self] params in
            let a = try currentAnalysis(params)
            guard let range = PositionConverter(a.source, encoding).sourceRange(params["range"]) else {
                throw RPCError.invalidParams("`range` is required")
            }
            let only = params["context"]["only"].array?.compactMap(\.string)
            return .array(CodeActions.actions(a, range: range, only: only, encoding: encoding))
        }
    }

    /// The analysis and byte offset of a `TextDocumentPositionParams`.
    func locate(_ params: JSON) throws -> (DocumentAnalysis, Int) {
        let a = try currentAnalysis(params)
        guard let p = LSPPosition(params["position"]) else { throw RPCError.invalidParams("`position` is required") }
        return (a, PositionConverter(a.source, encoding).offset(of: p))
    }
}
