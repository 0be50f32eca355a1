import JSONRPC
import PipelineIR

/// How a position's `character` counts: the client and server agree on one at
/// `initialize` (UTF-16 unless the client offers another). The server keeps byte
/// offsets, as the whole project does, and converts at the edge.
public enum PositionEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case utf16 = "utf-16"
    case utf32 = "utf-32"

    /// The encoding to use given the client's `general.positionEncodings`: UTF-8 when offered
    /// (no conversion), else UTF-16, which every client supports.
    public static func negotiate(_ offered: [String]) -> PositionEncoding {
        offered.contains(PositionEncoding.utf8.rawValue) ? .utf8 : .utf16
    }

    /// Units one character takes, given its first UTF-8 byte.
    @inline(__always)
    func units(leadByte b: UInt8) -> Int {
        switch self {
        case .utf8: b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        case .utf16: b >= 0xF0 ? 2 : 1
        case .utf32: 1
        }
    }
}

/// A 0-based line and character, in the negotiated encoding.
public struct LSPPosition: Sendable, Hashable, Comparable {
    public var line: Int
    public var character: Int
    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }
    public static func < (a: LSPPosition, b: LSPPosition) -> Bool { (a.line, a.character) < (b.line, b.character) }
    public var json: JSON { ["line": .number(line), "character": .number(character)] }
    init?(_ json: JSON) {
        guard let l = json["line"].int, let c = json["character"].int, l >= 0, c >= 0 else { return nil }
        self.init(line: l, character: c)
    }
}

/// Converts between byte offsets in a `SourceFile` and protocol positions.
public struct PositionConverter: Sendable {
    public let source: SourceFile
    public let encoding: PositionEncoding

    public init(_ source: SourceFile, _ encoding: PositionEncoding) {
        self.source = source
        self.encoding = encoding
    }

    /// The position of a byte offset (an offset inside a character counts from the character's start).
    public func position(of offset: Int) -> LSPPosition {
        let offset = min(max(0, offset), source.bytes.count)
        let line = source.lineIndex(of: offset)
        var i = source.lineStarts[line]
        var units = 0
        let bytes = source.bytes
        while i < offset {
            let b = bytes[i]
            units += encoding == .utf8 ? 1 : (b & 0xC0 == 0x80 ? 0 : encoding.units(leadByte: b))
            i += 1
        }
        return LSPPosition(line: line, character: units)
    }

    /// The byte offset of a position. A line past the end is the end of the file; a character
    /// past the end of its line is the line's end (before the line break), as the protocol asks;
    /// a character inside a UTF-16 surrogate pair or a UTF-8 sequence is the character's end.
    public func offset(of p: LSPPosition) -> Int {
        guard p.line < source.lineStarts.count else { return source.bytes.count }
        let range = source.lineRange(p.line)
        let bytes = source.bytes
        var i = range.lowerBound
        var units = 0
        while i < range.upperBound, units < p.character {
            let n = sequenceLength(bytes[i])
            units += encoding.units(leadByte: bytes[i])
            i = min(range.upperBound, i + n)
        }
        return i
    }

    /// The protocol range of a byte range.
    public func range(_ r: SourceRange) -> JSON {
        ["start": position(of: r.start).json, "end": position(of: r.end).json]
    }

    /// The byte range of a protocol range (start and end in order).
    public func sourceRange(_ json: JSON) -> SourceRange? {
        guard let s = LSPPosition(json["start"]), let e = LSPPosition(json["end"]) else { return nil }
        let a = offset(of: s)
        let b = offset(of: e)
        return SourceRange(start: min(a, b), end: max(a, b))
    }

    private func sequenceLength(_ b: UInt8) -> Int {
        b < 0xC0 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
    }
}
