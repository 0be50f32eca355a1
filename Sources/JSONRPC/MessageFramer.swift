import Foundation

/// Splits a byte stream into JSON-RPC message bodies by their `Content-Length`
/// headers (the base protocol of the Language Server Protocol):
///
///     Content-Length: 52\r\n
///     \r\n
///     {"jsonrpc":"2.0","id":1,"method":"initialize",...}
///
/// Bytes may arrive in any split: a header cut in two, several messages in one
/// read. A bad header never stops the stream: it is reported and skipped, and the
/// next `Content-Length:` header starts the next message.
public struct MessageFramer: Sendable {
    /// What a header block can get wrong.
    public enum FramingError: Error, Sendable, Hashable, CustomStringConvertible {
        /// A header line that is not `Name: value`, or bytes before a header.
        case malformedHeader(String)
        /// A header block without `Content-Length`.
        case missingContentLength
        /// A `Content-Length` that is not a non-negative decimal number.
        case invalidContentLength(String)
        /// A body longer than `maxMessageBytes`; its bytes are skipped.
        case tooLarge(Int)
        /// A header block longer than `maxHeaderBytes` without its blank line; dropped.
        case headerTooLong

        public var description: String {
            switch self {
            case .malformedHeader(let l): "malformed header `\(l.prefix(80))`"
            case .missingContentLength: "header without Content-Length"
            case .invalidContentLength(let v): "invalid Content-Length `\(v.prefix(40))`"
            case .tooLarge(let n): "message of \(n) bytes is over the limit"
            case .headerTooLong: "header longer than the limit"
            }
        }
    }

    /// One result of feeding bytes: a complete body, or a framing error.
    public enum Frame: Sendable, Hashable {
        case message([UInt8])
        case error(FramingError)
    }

    /// Largest body accepted (default 256 MiB: room for a 64 MiB document, JSON-escaped).
    public var maxMessageBytes: Int
    /// Longest header block accepted.
    public var maxHeaderBytes: Int

    private var buffer: [UInt8] = []
    /// Bytes of `buffer` already consumed (compacted now and then, so feeding stays linear).
    private var head = 0
    /// The body length of the message whose header was read.
    private var bodyLength: Int?
    /// Body bytes of an oversized message still to discard.
    private var skipping = 0

    public init(maxMessageBytes: Int = 256 << 20, maxHeaderBytes: Int = 8192) {
        self.maxMessageBytes = maxMessageBytes
        self.maxHeaderBytes = maxHeaderBytes
    }

    /// Bytes received but not yet part of a complete frame.
    public var pendingByteCount: Int { buffer.count - head }

    /// Adds bytes and returns every frame they complete, in order.
    public mutating func feed<C: Collection>(_ bytes: C) -> [Frame] where C.Element == UInt8 {
        var input = bytes[...]
        if skipping > 0 {
            let n = min(skipping, input.count)
            skipping -= n
            input = input.dropFirst(n)
        }
        buffer.append(contentsOf: input)
        var frames: [Frame] = []
        while let frame = next() { frames.append(frame) }
        if head > 0, head * 2 >= buffer.count {
            buffer.removeFirst(head)
            head = 0
        }
        return frames
    }

    private mutating func next() -> Frame? {
        if skipping > 0 {
            let n = min(skipping, buffer.count - head)
            skipping -= n
            head += n
            if skipping > 0 { return nil }
        }
        if let length = bodyLength {
            guard buffer.count - head >= length else { return nil }
            let body = Array(buffer[head..<(head + length)])
            head += length
            bodyLength = nil
            return .message(body)
        }
        guard let end = headerEnd() else {
            if buffer.count - head > maxHeaderBytes {
                // Keep the last three bytes: they may begin the blank line.
                head = buffer.count - 3
                return .error(.headerTooLong)
            }
            return nil
        }
        let block = String(decoding: buffer[head..<end], as: UTF8.self)
        head = end + 4
        // A good header says nothing: go on to its body.
        return header(block) ?? next()
    }

    /// Offset of the `\r\n\r\n` that ends the header block, if it has arrived.
    private func headerEnd() -> Int? {
        var i = head
        let n = buffer.count
        while i + 3 < n {
            if buffer[i + 3] != 0x0A { i += buffer[i + 3] == 0x0D ? 1 : 4; continue }
            if buffer[i] == 0x0D, buffer[i + 1] == 0x0A, buffer[i + 2] == 0x0D { return i }
            i += 1
        }
        return nil
    }

    /// Reads a header block; sets `bodyLength` or `skipping` and returns the first problem, if any.
    private mutating func header(_ block: String) -> Frame? {
        var problem: FramingError?
        var length: Int?
        for rawLine in block.split(separator: "\r\n", omittingEmptySubsequences: false) {
            var line = Substring(rawLine)
            // Garbage before a header (the rest of a broken message): drop it, keep the header.
            if let r = line.range(of: "content-length:", options: .caseInsensitive), r.lowerBound != line.startIndex {
                problem = problem ?? .malformedHeader(String(line[..<r.lowerBound]))
                line = line[r.lowerBound...]
            }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  line[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                problem = problem ?? .malformedHeader(String(line))
                continue
            }
            guard line[..<colon].lowercased() == "content-length" else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                problem = problem ?? .invalidContentLength(value)
                length = nil
                continue
            }
            guard value.utf8.count <= 18, let n = Int(value) else {
                problem = problem ?? .tooLarge(Int.max)
                length = nil
                continue
            }
            length = n
        }
        if let n = length {
            if n > maxMessageBytes {
                skipping = n
                return .error(.tooLarge(n))
            }
            bodyLength = n
            return problem.map { .error($0) }
        }
        return .error(problem ?? .missingContentLength)
    }

    /// The header and body of one outgoing message.
    public static func frame(_ body: [UInt8]) -> [UInt8] {
        Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body
    }
}
