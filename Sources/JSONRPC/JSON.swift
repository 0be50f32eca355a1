import Foundation

/// A JSON value: what JSON-RPC messages are made of. Parsed and written with
/// Foundation's `JSONSerialization`, held as a `Sendable` value so messages can
/// cross from the reader thread to the server's queue.
public enum JSON: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    /// Why bytes are not a JSON text.
    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Parses one JSON text (any value at the top level). Invalid UTF-8 is a parse error.
    public static func parse(_ data: Data) throws -> JSON {
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
            throw ParseError(description: (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "not JSON")
        }
        return try JSON(foundation: any)
    }

    private static let booleanType = type(of: NSNumber(value: true))

    init(foundation any: Any) throws {
        switch any {
        case is NSNull: self = .null
        case let s as String: self = .string(s)
        case let n as NSNumber:
            if type(of: n) == JSON.booleanType {
                self = .bool(n.boolValue)
            } else if let t = String(validatingCString: n.objCType), t == "d" || t == "f" {
                self = .double(n.doubleValue)
            } else {
                self = .int(n.int64Value)
            }
        case let a as [Any]: self = .array(try a.map { try JSON(foundation: $0) })
        case let o as [String: Any]:
            var out: [String: JSON] = [:]
            out.reserveCapacity(o.count)
            for (k, v) in o { out[k] = try JSON(foundation: v) }
            self = .object(out)
        default: throw ParseError(description: "unexpected value \(type(of: any))")
        }
    }

    /// The Foundation form `JSONSerialization` writes.
    var foundation: Any {
        switch self {
        case .null: NSNull()
        case .bool(let b): NSNumber(value: b)
        case .int(let i): NSNumber(value: i)
        case .double(let d): d.isFinite ? NSNumber(value: d) : NSNull()
        case .string(let s): s
        case .array(let a): a.map(\.foundation)
        case .object(let o): o.mapValues(\.foundation)
        }
    }

    /// The compact JSON text, keys sorted (so output is reproducible).
    public func serialized() -> Data {
        let value = foundation
        if JSONSerialization.isValidJSONObject(value) {
            if let d = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]) { return d }
        }
        // Top-level scalars: wrap in an array and unwrap the text.
        guard let d = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .withoutEscapingSlashes]),
              d.count >= 2 else { return Data("null".utf8) }
        return d.subdata(in: 1..<(d.count - 1))
    }

    /// `self[key]` of an object; `.null` otherwise.
    public subscript(key: String) -> JSON {
        if case .object(let o) = self { return o[key] ?? .null }
        return .null
    }

    /// `self[i]` of an array; `.null` otherwise.
    public subscript(index: Int) -> JSON {
        if case .array(let a) = self, index >= 0, index < a.count { return a[index] }
        return .null
    }

    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var array: [JSON]? { if case .array(let a) = self { a } else { nil } }
    public var object: [String: JSON]? { if case .object(let o) = self { o } else { nil } }
    public var isNull: Bool { self == .null }

    /// An integer value (a double with no fraction counts).
    public var int: Int? {
        switch self {
        case .int(let i): Int(exactly: i)
        case .double(let d): d.rounded() == d && abs(d) < 9e15 ? Int(d) : nil
        default: nil
        }
    }
}

extension JSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(Int64(value)) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

extension JSON {
    /// An integer.
    public static func number(_ i: Int) -> JSON { .int(Int64(i)) }
}
