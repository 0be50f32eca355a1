import Foundation
import JSONRPC
import PipelineIR

/// An open document: the client's text, edited incrementally, and its version.
public struct TextDocument: Sendable {
    public let uri: String
    /// The file path the URI names (`file:` URIs), used for configuration discovery and messages.
    public let path: String
    public var version: Int
    public private(set) var bytes: [UInt8]
    public private(set) var source: SourceFile

    public init(uri: String, version: Int, text: String) {
        self.uri = uri
        self.path = TextDocument.path(of: uri)
        self.version = version
        self.bytes = Array(text.utf8)
        self.source = SourceFile(path: path, bytes: bytes)
    }

    /// The path of a `file:` URI (percent-decoded); other URIs as they are.
    public static func path(of uri: String) -> String {
        if let url = URL(string: uri), url.isFileURL { return url.path }
        return uri
    }

    /// Applies `contentChanges` of `textDocument/didChange` in order: a change with a
    /// `range` replaces it (positions in `encoding`, on the text as the previous change
    /// left it); one without replaces the whole text.
    public mutating func apply(_ changes: [JSON], version: Int, encoding: PositionEncoding) throws {
        for change in changes {
            guard let text = change["text"].string else { throw RPCError.invalidParams("a content change needs `text`") }
            if change["range"].isNull {
                bytes = Array(text.utf8)
            } else {
                guard let r = PositionConverter(source, encoding).sourceRange(change["range"]) else {
                    throw RPCError.invalidParams("malformed `range` in a content change")
                }
                bytes.replaceSubrange(r.start..<r.end, with: text.utf8)
            }
            source = SourceFile(path: path, bytes: bytes)
        }
        self.version = version
    }
}
