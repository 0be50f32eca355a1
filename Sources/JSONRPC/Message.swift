import Foundation

/// A request's ID: a number or a string (JSON-RPC 2.0).
public enum RequestID: Sendable, Hashable, CustomStringConvertible {
    case int(Int64)
    case string(String)

    public var json: JSON {
        switch self {
        case .int(let i): .int(i)
        case .string(let s): .string(s)
        }
    }

    init?(_ json: JSON) {
        switch json {
        case .int(let i): self = .int(i)
        case .double(let d) where d.rounded() == d && abs(d) < 9e15: self = .int(Int64(d))
        case .string(let s): self = .string(s)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .int(let i): "\(i)"
        case .string(let s): "\"\(s)\""
        }
    }
}

/// A JSON-RPC error object, and the codes the Language Server Protocol uses.
public struct RPCError: Error, Sendable, Hashable {
    public var code: Int
    public var message: String
    public var data: JSON?

    public init(code: Int, message: String, data: JSON? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603
    public static let serverNotInitializedCode = -32002
    public static let requestCancelledCode = -32800
    public static let requestFailedCode = -32803

    public static func parseError(_ why: String) -> RPCError { RPCError(code: parseErrorCode, message: "parse error: \(why)") }
    public static func invalidRequest(_ why: String) -> RPCError { RPCError(code: invalidRequestCode, message: "invalid request: \(why)") }
    public static func methodNotFound(_ method: String) -> RPCError { RPCError(code: methodNotFoundCode, message: "unknown method `\(method)`") }
    public static func invalidParams(_ why: String) -> RPCError { RPCError(code: invalidParamsCode, message: "invalid params: \(why)") }
    public static let serverNotInitialized = RPCError(code: serverNotInitializedCode, message: "the server is not initialized: send `initialize` first")
    public static let requestCancelled = RPCError(code: requestCancelledCode, message: "request cancelled")

    public var json: JSON {
        var o: [String: JSON] = ["code": .number(code), "message": .string(message)]
        if let data { o["data"] = data }
        return .object(o)
    }
}

/// One decoded JSON-RPC 2.0 message.
public enum Message: Sendable, Hashable {
    case request(id: RequestID, method: String, params: JSON)
    case notification(method: String, params: JSON)
    case response(id: RequestID?, result: JSON?, error: JSON?)

    /// A body that is not a message: the error to answer with, and the request's ID when it could be read.
    public struct Invalid: Error, Sendable, Hashable {
        public var id: RequestID?
        public var error: RPCError
        public init(id: RequestID?, error: RPCError) {
            self.id = id
            self.error = error
        }
    }

    /// Decodes a message body: invalid JSON (including invalid UTF-8) is a parse error,
    /// JSON that is not a message an invalid request.
    public static func decode(_ body: [UInt8]) -> Result<Message, Invalid> {
        let json: JSON
        do { json = try JSON.parse(Data(body)) } catch {
            return .failure(Invalid(id: nil, error: .parseError("\(error)")))
        }
        guard case .object(let o) = json else {
            return .failure(Invalid(id: nil, error: .invalidRequest("a message is a JSON object")))
        }
        let id = o["id"].flatMap(RequestID.init)
        guard o["jsonrpc"] == "2.0" else {
            return .failure(Invalid(id: id, error: .invalidRequest("`jsonrpc` must be \"2.0\"")))
        }
        if let m = o["method"] {
            guard case .string(let method) = m else {
                return .failure(Invalid(id: id, error: .invalidRequest("`method` must be a string")))
            }
            let params = o["params"] ?? .null
            guard let rawID = o["id"], rawID != .null else { return .success(.notification(method: method, params: params)) }
            guard let id else { return .failure(Invalid(id: nil, error: .invalidRequest("`id` must be a number or a string"))) }
            return .success(.request(id: id, method: method, params: params))
        }
        if o["result"] != nil || o["error"] != nil {
            return .success(.response(id: id, result: o["result"], error: o["error"]))
        }
        return .failure(Invalid(id: id, error: .invalidRequest("neither a request, a notification nor a response")))
    }

    /// The message as a JSON object.
    public var json: JSON {
        switch self {
        case .request(let id, let method, let params):
            return ["jsonrpc": "2.0", "id": id.json, "method": .string(method), "params": params]
        case .notification(let method, let params):
            return ["jsonrpc": "2.0", "method": .string(method), "params": params]
        case .response(let id, let result, let error):
            var o: [String: JSON] = ["jsonrpc": "2.0", "id": id?.json ?? .null]
            if let error { o["error"] = error } else { o["result"] = result ?? .null }
            return .object(o)
        }
    }

    /// The message framed for the wire.
    public var framed: [UInt8] { MessageFramer.frame(Array(json.serialized())) }
}
