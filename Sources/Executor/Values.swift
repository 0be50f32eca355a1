import PipelineIR

/// The numbers of a chunk or of a numeric object. The executor computes in two
/// storage types: every float dtype is held as Float64 and every integer or
/// bool dtype as Int64 (see docs/kernels.md, "Dtypes").
public enum Column: Sendable, Equatable {
    case f64([Double])
    case i64([Int64])

    /// Number of elements.
    public var count: Int {
        switch self {
        case .f64(let a): a.count
        case .i64(let a): a.count
        }
    }

    /// Bytes held by the elements.
    public var byteCount: Int { count &* 8 }

    /// Whether the storage is Float64.
    public var isFloat: Bool {
        if case .f64 = self { return true }
        return false
    }

    /// The storage dtype name as numpy spells it.
    public var dtypeName: String { isFloat ? "float64" : "int64" }

    /// Element `i` as a Double (for scalars and messages).
    public func double(at i: Int) -> Double {
        switch self {
        case .f64(let a): a[i]
        case .i64(let a): Double(a[i])
        }
    }

    /// The elements as Float64 (copies when stored as Int64).
    public var asDoubles: [Double] {
        switch self {
        case .f64(let a): a
        case .i64(let a): a.map { Double($0) }
        }
    }

    /// Whether two columns hold the same bits (NaN equals NaN of the same payload).
    public func bitwiseEqual(_ o: Column) -> Bool {
        switch (self, o) {
        case (.i64(let a), .i64(let b)): return a == b
        case (.f64(let a), .f64(let b)):
            guard a.count == b.count else { return false }
            for i in a.indices where a[i].bitPattern != b[i].bitPattern { return false }
            return true
        default: return false
        }
    }
}

/// One chunk of an array: row-major elements and the chunk's shape.
public struct Chunk: Sendable, Equatable {
    public var shape: [Int]
    public var data: Column
    /// A chunk; `data.count` must equal the product of `shape`.
    public init(shape: [Int], data: Column) {
        self.shape = shape
        self.data = data
    }
    /// Bytes held.
    public var byteCount: Int { data.byteCount }
}

/// A decoded Python object as the executor holds it: real buffers, so a
/// decoded copy costs real memory as it does on a Dask worker.
public indirect enum ObjectValue: Sendable {
    case literal(Literal)
    /// A numeric Series; `index` is nil for a RangeIndex, else explicit int64 labels.
    case series(values: Column, index: [Int64]?, name: String?)
    case ndarray(shape: [Int], data: Column)
    case bytes([UInt8])
    /// An instance of a class with named fields.
    case instance(className: String, module: String?, fields: [ObjectField])

    /// Bytes of the buffers this value holds (what a decoded copy adds to a worker).
    public var residentBytes: Int {
        switch self {
        case .literal(let l): Self.literalBytes(l)
        case .series(let v, let idx, let name): v.byteCount &+ (idx?.count ?? 0) &* 8 &+ (name?.utf8.count ?? 0)
        case .ndarray(let s, let d): d.byteCount &+ s.count &* 8
        case .bytes(let b): b.count
        case .instance(let c, let m, let fs): fs.reduce(c.utf8.count &+ (m?.utf8.count ?? 0)) { $0 &+ $1.name.utf8.count &+ $1.value.residentBytes }
        }
    }

    static func literalBytes(_ l: Literal) -> Int {
        switch l {
        case .none, .bool: 8
        case .int, .float: 8
        case .string(let s): s.utf8.count &+ 8
        case .list(let xs): xs.reduce(8) { $0 &+ literalBytes($1) }
        case .map(let es): es.reduce(8) { $0 &+ $1.key.utf8.count &+ literalBytes($1.value) }
        }
    }

    /// The value reached by following `path`: instance fields, then elements and slices with
    /// numpy and pandas semantics (docs/pipeline-format.md, "Projections"); nil when it does not apply.
    public func project(_ path: FieldPath) -> ObjectValue? {
        var cur = self
        for segment in path.segments {
            switch segment {
            case .field(let f):
                guard case .instance(_, _, let fields) = cur, let field = fields.first(where: { $0.name == f }) else { return nil }
                cur = field.value
            case .subscript(let axes):
                guard let next = cur.subscripted(axes, positional: false) else { return nil }
                cur = next
            case .iloc(let axes):
                guard case .series = cur, let next = cur.subscripted(axes, positional: true) else { return nil }
                cur = next
            case .column:
                return nil
            }
        }
        return cur
    }
}

/// A named field of an instance.
public struct ObjectField: Sendable {
    public var name: String
    public var value: ObjectValue
    public init(name: String, value: ObjectValue) {
        self.name = name
        self.value = value
    }
}

/// A number held by the executor: a reduction result or a scalar argument.
public enum Scalar: Sendable, Equatable, CustomStringConvertible {
    case f64(Double)
    case i64(Int64)

    public var double: Double {
        switch self {
        case .f64(let d): d
        case .i64(let i): Double(i)
        }
    }

    /// Printed like Python prints it (shortest round-trip for floats).
    public var description: String {
        switch self {
        case .f64(let d):
            if d.isNaN { return "nan" }
            if d.isInfinite { return d < 0 ? "-inf" : "inf" }
            return "\(d)"
        case .i64(let i): return "\(i)"
        }
    }

    /// Whether two scalars hold the same bits.
    public func bitwiseEqual(_ o: Scalar) -> Bool {
        switch (self, o) {
        case (.f64(let a), .f64(let b)): a.bitPattern == b.bitPattern
        case (.i64(let a), .i64(let b)): a == b
        default: false
        }
    }
}

/// Any value a task produces or consumes.
public enum Value: Sendable {
    case chunk(Chunk)
    case scalar(Scalar)
    case object(ObjectValue)
    /// A reduction's partial state (sum and count for `mean`).
    case partial(Partial)
    /// Nothing (benchmarks' no-op tasks).
    case none

    /// Bytes this value holds in a worker's store.
    public var byteCount: Int {
        switch self {
        case .chunk(let c): c.byteCount
        case .scalar: 8
        case .object(let o): o.residentBytes
        case .partial: 16
        case .none: 0
        }
    }
}
