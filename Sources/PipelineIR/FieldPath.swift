/// A projection: how a value is taken out of an object, one typed segment at a
/// time (`mapper.series` is one field). Format v1 writes fields only; elements,
/// slices and columns are the segments projections and dataframes add, so code
/// that walks a path handles each kind explicitly instead of splitting strings.
public struct FieldPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// One step of a projection.
    public enum Segment: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
        /// An attribute: `.series`.
        case field(String)
        /// An element: `[0]`, `[-1]`.
        case index(Int)
        /// A slice: `[1:10:2]`.
        case slice(start: Int?, stop: Int?, step: Int?)
        /// A dataframe column: `['price']`.
        case column(String)

        /// A string literal is an attribute name: `["series"]` is the path `.series`.
        public init(stringLiteral name: String) { self = .field(name) }

        /// The segment as written after its base (`.series`, `[0]`, `[1:]`, `['price']`).
        public var description: String {
            switch self {
            case .field(let f): "." + f
            case .index(let i): "[\(i)]"
            case .slice(let a, let b, let s):
                "[" + (a.map(String.init) ?? "") + ":" + (b.map(String.init) ?? "") + (s.map { ":\($0)" } ?? "") + "]"
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
}
