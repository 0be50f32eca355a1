/// A projection: how a value is taken out of an object, one typed segment at a
/// time (`mapper.series` is one field; `weights[:, 0]` is one subscript of two
/// axes). Code that walks a path handles each kind explicitly instead of
/// splitting strings. docs/pipeline-format.md, "Projections", gives the meaning
/// of each segment on each kind of value (numpy and pandas semantics).
public struct FieldPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// One axis of a subscript: an element or a slice.
    public enum Subscript: Sendable, Hashable, CustomStringConvertible {
        /// An element: `0`, `-1` (negative counts from the end where the semantics allow it).
        case index(Int)
        /// A slice `start:stop:step`, Python's rules (bounds clamp; the step is never 0).
        case slice(start: Int?, stop: Int?, step: Int?)

        /// The axis as written inside the brackets (`0`, `1:10:2`, `:`).
        public var description: String {
            switch self {
            case .index(let i): "\(i)"
            case .slice(let a, let b, let s):
                (a.map(String.init) ?? "") + ":" + (b.map(String.init) ?? "") + (s.map { ":\($0)" } ?? "")
            }
        }
    }

    /// One step of a projection.
    public enum Segment: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
        /// An attribute: `.series`.
        case field(String)
        /// `[...]`: an index or a slice per axis (`[0]`, `[-1]`, `[1:10:2]`, `[:, 0]`). On a Series,
        /// an index is a label; on an ndarray or a list, a position.
        case `subscript`([Subscript])
        /// `.iloc[...]` on a Series: by position.
        case iloc([Subscript])
        /// A dataframe column: `['price']`.
        case column(String)

        /// A string literal is an attribute name: `["series"]` is the path `.series`.
        public init(stringLiteral name: String) { self = .field(name) }

        /// The axes of a subscript (`[...]` or `.iloc[...]`), nil for a field or a column.
        public var axes: [Subscript]? {
            switch self {
            case .subscript(let a), .iloc(let a): a
            case .field, .column: nil
            }
        }

        /// The segment as written after its base (`.series`, `[0]`, `[:, 0]`, `.iloc[1:]`, `['price']`).
        public var description: String {
            switch self {
            case .field(let f): "." + f
            case .subscript(let axes): "[" + axes.map(\.description).joined(separator: ", ") + "]"
            case .iloc(let axes): ".iloc[" + axes.map(\.description).joined(separator: ", ") + "]"
            case .column(let c): "['\(c)']"
            }
        }
    }

    public var segments: [Segment]

    public init(_ segments: [Segment] = []) { self.segments = segments }
    public init(arrayLiteral elements: Segment...) { segments = elements }
    /// A path of attribute accesses (`["series"]` is `.series`).
    public init(fields: [String]) { segments = fields.map(Segment.field) }

    public var isEmpty: Bool { segments.isEmpty }
    public var count: Int { segments.count }
    public var first: Segment? { segments.first }

    /// Whether the path takes an element or a slice somewhere (`[...]` or `.iloc[...]`).
    public var hasSubscript: Bool { segments.contains { $0.axes != nil } }

    /// The attribute names, when every segment is an attribute access.
    public var fieldNames: [String]? {
        var names: [String] = []
        names.reserveCapacity(segments.count)
        for s in segments {
            guard case .field(let f) = s else { return nil }
            names.append(f)
        }
        return names
    }

    /// The path applied to `base` as written: `mapper.series`, `edges[-1]`.
    public func applied(to base: String) -> String { segments.reduce(base) { $0 + $1.description } }

    /// The path alone, without its leading dot (`series.values`).
    public var description: String {
        let text = applied(to: "")
        return text.hasPrefix(".") ? String(text.dropFirst()) : text
    }

    public static func + (a: FieldPath, b: FieldPath) -> FieldPath { FieldPath(a.segments + b.segments) }

    /// The first `n` segments.
    public func prefix(_ n: Int) -> FieldPath { FieldPath(Array(segments.prefix(n))) }
}

extension FieldPath.Subscript {
    /// The positions a slice selects from `length` elements, as Python's `slice.indices`
    /// computes them: `(start, step, count)`; nil for an index or a zero step.
    public func sliceSelection(length: Int) -> (start: Int, step: Int, count: Int)? {
        guard case .slice(let a, let b, let s) = self else { return nil }
        let step = s ?? 1
        guard step != 0, length >= 0 else { return nil }
        func clamp(_ v: Int?, _ dflt: Int, low: Int, high: Int) -> Int {
            guard let v else { return dflt }
            if v < 0 { return Swift.max(v.addingReportingOverflow(length).overflow ? low : v + length, low) }
            return Swift.min(v, high)
        }
        let start: Int, stop: Int
        if step > 0 {
            start = clamp(a, 0, low: 0, high: length)
            stop = clamp(b, length, low: 0, high: length)
        } else {
            start = clamp(a, length - 1, low: -1, high: length - 1)
            stop = clamp(b, -1, low: -1, high: length - 1)
        }
        let span = step > 0 ? stop - start : start - stop
        let magnitude = step == Int.min ? Int.max : Swift.abs(step)
        let count = span <= 0 ? 0 : (span - 1) / magnitude + 1
        return (start, step, count)
    }

    /// The position an index names among `length` elements (negative counts from the end),
    /// nil when out of range or not an index.
    public func position(length: Int) -> Int? {
        guard case .index(let i) = self else { return nil }
        let p = i < 0 ? (i.addingReportingOverflow(length).overflow ? -1 : i + length) : i
        return p >= 0 && p < length ? p : nil
    }
}
