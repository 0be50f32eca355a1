/// A half-open range of UTF-8 byte offsets into one source file.
///
/// Every model and IR node keeps the range of the YAML text it came from, so a
/// finding can point at the exact token and a fix can edit the exact bytes.
public struct SourceRange: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Offset of the first byte.
    public var start: Int
    /// Offset one past the last byte.
    public var end: Int

    /// A range from `start` up to (not including) `end`.
    public init(start: Int, end: Int) {
        self.start = start
        self.end = max(start, end)
    }

    /// An empty range at `offset` (an insertion point).
    public static func at(_ offset: Int) -> SourceRange { SourceRange(start: offset, end: offset) }

    /// Number of bytes covered.
    public var count: Int { end - start }

    public static func < (lhs: SourceRange, rhs: SourceRange) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }

    public var description: String { "\(start)..<\(end)" }
}
