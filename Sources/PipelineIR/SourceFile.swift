
/// The bytes of one pipeline file plus a line table, converting byte offsets
/// to the 1-based line and Unicode-code-point column that findings report.
public struct SourceFile: Sendable {
    /// The path as given by the user (used verbatim in output).
    public let path: String
    /// The file's bytes, exactly as read.
    public let bytes: [UInt8]
    /// Byte offset of the start of each line; line breaks are LF, CRLF and CR.
    public let lineStarts: [Int]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 32 + 1)
        bytes.withUnsafeBufferPointer { buf in
            var i = 0
            let n = buf.count
            while i < n {
                let b = buf[i]
                if b == 0x0A {
                    starts.append(i + 1)
                } else if b == 0x0D {
                    if i + 1 < n, buf[i + 1] == 0x0A { i += 1 }
                    starts.append(i + 1)
                }
                i += 1
            }
        }
        self.lineStarts = starts
    }

    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// A 1-based line and column; the column counts Unicode code points.
    public struct Position: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
        public static func < (a: Position, b: Position) -> Bool { (a.line, a.column) < (b.line, b.column) }
        public var description: String { "\(line):\(column)" }
    }

    /// 0-based index of the line holding `offset`.
    public func lineIndex(of offset: Int) -> Int {
        let offset = min(max(0, offset), bytes.count)
        var lo = 0
        var hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// Line and code-point column of a byte offset (a UTF-8 BOM on line 1 is not counted).
    public func position(of offset: Int) -> Position {
        let offset = min(max(0, offset), bytes.count)
        let line = lineIndex(of: offset)
        var start = lineStarts[line]
        if line == 0, hasBOM { start = min(3, offset) }
        return Position(line: line + 1, column: codePoints(from: start, to: offset) + 1)
    }

    /// Whether the file starts with a UTF-8 byte-order mark.
    public var hasBOM: Bool { bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF }

    /// Number of code points in bytes[from..<to] (continuation bytes are not counted).
    public func codePoints(from: Int, to: Int) -> Int {
        var n = 0
        var i = max(0, from)
        let end = min(to, bytes.count)
        while i < end {
            if bytes[i] & 0xC0 != 0x80 { n += 1 }
            i += 1
        }
        return n
    }

    /// Byte range of a 0-based line, without its line break.
    public func lineRange(_ index: Int) -> Range<Int> {
        let start = lineStarts[index]
        var end = index + 1 < lineStarts.count ? lineStarts[index + 1] : bytes.count
        while end > start, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        return start..<end
    }

    /// Text of a 0-based line, without its line break (invalid UTF-8 is repaired for display).
    public func lineText(_ index: Int) -> String {
        var r = lineRange(index)
        if index == 0, hasBOM { r = min(3, r.upperBound)..<r.upperBound }
        return String(decoding: bytes[r], as: UTF8.self)
    }

    /// The text of a byte range (repaired for display when not valid UTF-8).
    public func text(_ range: SourceRange) -> String {
        let s = min(max(0, range.start), bytes.count)
        let e = min(max(s, range.end), bytes.count)
        return String(decoding: bytes[s..<e], as: UTF8.self)
    }

    /// The line-break sequence the file uses (first one found; LF when none).
    public var lineBreak: String {
        for i in bytes.indices {
            if bytes[i] == 0x0A { return "\n" }
            if bytes[i] == 0x0D { return i + 1 < bytes.count && bytes[i + 1] == 0x0A ? "\r\n" : "\r" }
        }
        return "\n"
    }
}
