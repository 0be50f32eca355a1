import PipelineIR

/// The numbers of a chunk or of a numeric object. The executor computes in five
/// storage types: every float dtype is held as Float64, every integer or bool dtype as
/// Int64, both complex dtypes as Complex128 (real and imaginary parts interleaved, as
/// numpy lays them out), and `datetime64[ns]` / `timedelta64[ns]` as Int64 counts of
/// nanoseconds, NaT being Int64.min (see docs/kernels.md, "Dtypes").
public enum Column: Sendable, Equatable {
    case f64([Double])
    case i64([Int64])
    /// `2 × count` doubles: re₀, im₀, re₁, im₁ …
    case c128([Double])
    case datetime([Int64])
    case timedelta([Int64])

    /// Number of elements.
    public var count: Int {
        switch self {
        case .f64(let a), .c128(let a): isComplex ? a.count / 2 : a.count
        case .i64(let a), .datetime(let a), .timedelta(let a): a.count
        }
    }

    /// Bytes held by the elements.
    public var byteCount: Int { count &* (isComplex ? 16 : 8) }

    /// Whether the storage is Float64.
    public var isFloat: Bool {
        if case .f64 = self { return true }
        return false
    }

    /// Whether the storage is Complex128.
    public var isComplex: Bool {
        if case .c128 = self { return true }
        return false
    }

    /// Whether the storage is Int64 or Float64 (a plain number).
    public var isReal: Bool {
        switch self {
        case .f64, .i64: true
        default: false
        }
    }

    /// The storage type.
    public var storage: StorageType {
        switch self {
        case .f64: .float64
        case .i64: .int64
        case .c128: .complex128
        case .datetime: .datetime64
        case .timedelta: .timedelta64
        }
    }

    /// The storage dtype name as numpy spells it.
    public var dtypeName: String { storage.rawValue }

    /// The `.npy` descr of the storage (`<f8`, `<i8`, `<c16`, `<M8[ns]`, `<m8[ns]`).
    public var npyDescr: String {
        switch self {
        case .f64: "<f8"
        case .i64: "<i8"
        case .c128: "<c16"
        case .datetime: "<M8[ns]"
        case .timedelta: "<m8[ns]"
        }
    }

    /// The codec's one-byte kind: numpy's dtype kind character.
    public var kindByte: UInt8 {
        switch self {
        case .f64: UInt8(ascii: "f")
        case .i64: UInt8(ascii: "i")
        case .c128: UInt8(ascii: "c")
        case .datetime: UInt8(ascii: "M")
        case .timedelta: UInt8(ascii: "m")
        }
    }

    /// A column of the kind `kindByte` names over raw 8-byte words (`words` doubles for
    /// Float64 and Complex128, integers otherwise); nil for an unknown kind.
    static func from(kindByte k: UInt8, doubles: () -> [Double], ints: () -> [Int64]) -> Column? {
        switch k {
        case UInt8(ascii: "f"): .f64(doubles())
        case UInt8(ascii: "c"): .c128(doubles())
        case UInt8(ascii: "i"): .i64(ints())
        case UInt8(ascii: "M"): .datetime(ints())
        case UInt8(ascii: "m"): .timedelta(ints())
        default: nil
        }
    }

    /// The elements' bytes, little-endian, C order (what a `.npy` file holds after its header).
    public func withRawBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch self {
        case .f64(let a), .c128(let a): a.withUnsafeBytes(body)
        case .i64(let a), .datetime(let a), .timedelta(let a): a.withUnsafeBytes(body)
        }
    }

    /// The elements at `picks`, in order, in the same storage.
    public func gather(_ picks: [Int]) -> Column {
        switch self {
        case .f64(let a): .f64(picks.map { a[$0] })
        case .i64(let a): .i64(picks.map { a[$0] })
        case .c128(let a): .c128(picks.flatMap { [a[2 &* $0], a[2 &* $0 &+ 1]] })
        case .datetime(let a): .datetime(picks.map { a[$0] })
        case .timedelta(let a): .timedelta(picks.map { a[$0] })
        }
    }

    /// Element `i` as a Double (for scalars and messages; a complex element's real part).
    public func double(at i: Int) -> Double {
        switch self {
        case .f64(let a): a[i]
        case .c128(let a): a[2 &* i]
        case .i64(let a), .datetime(let a), .timedelta(let a): Double(a[i])
        }
    }

    /// The elements as Float64 (copies when stored as Int64; a complex column's real parts).
    public var asDoubles: [Double] {
        switch self {
        case .f64(let a): a
        case .c128(let a): stride(from: 0, to: a.count, by: 2).map { a[$0] }
        case .i64(let a), .datetime(let a), .timedelta(let a): a.map { Double($0) }
        }
    }

    /// Each element as numpy's `bool` of it: non-zero (NaN included), a complex value when
    /// either part is, a nanosecond count when it is not 0 (NaT is true).
    public var truth: [Bool] {
        switch self {
        case .f64(let a): a.map { $0 != 0 }
        case .c128(let a): (0..<(a.count / 2)).map { a[2 * $0] != 0 || a[2 * $0 + 1] != 0 }
        case .i64(let a), .datetime(let a), .timedelta(let a): a.map { $0 != 0 }
        }
    }

    /// The elements as interleaved Complex128 (numpy's cast of a real value: imaginary part +0.0).
    public var asComplex: [Double] {
        switch self {
        case .c128(let a): return a
        default:
            let d = asDoubles
            return [Double](unsafeUninitializedCapacity: d.count &* 2) { out, n in
                for i in 0..<d.count { out[2 &* i] = d[i]; out[2 &* i &+ 1] = 0 }
                n = d.count &* 2
            }
        }
    }

    /// The raw Int64 words of an Int64, datetime or timedelta column (nil otherwise).
    public var int64Words: [Int64]? {
        switch self {
        case .i64(let a), .datetime(let a), .timedelta(let a): a
        default: nil
        }
    }

    /// The column in storage `t`, as numpy's `astype` makes it: a real value becomes
    /// `value + 0j`; an Int64 keeps its words as nanoseconds; a Float64 truncates toward
    /// zero, NaN and values out of Int64's range becoming NaT (x86's conversion).
    public func converted(to t: StorageType) -> Column {
        guard t != storage else { return self }
        let words: () -> [Int64] = {
            int64Words ?? asDoubles.map { d in d.isNaN ? Int64.min : Int64(exactly: d.rounded(.towardZero)) ?? Int64.min }
        }
        switch t {
        case .float64: return .f64(asDoubles)
        case .int64: return .i64(words())
        case .complex128: return .c128(asComplex)
        case .datetime64: return .datetime(words())
        case .timedelta64: return .timedelta(words())
        }
    }

    /// Whether two columns hold the same bits (NaN equals NaN of the same payload).
    public func bitwiseEqual(_ o: Column) -> Bool {
        switch (self, o) {
        case (.i64(let a), .i64(let b)), (.datetime(let a), .datetime(let b)), (.timedelta(let a), .timedelta(let b)): return a == b
        case (.f64(let a), .f64(let b)), (.c128(let a), .c128(let b)):
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
    /// A pandas DataFrame (a `dataframe:` object, format 1.2).
    case frame(FramePart)
    /// A `dict:` object of strings (format 1.2), held by its recipe: lookups compute the entry.
    case stringDict(StringDict)

    /// Bytes of the buffers this value holds (what a decoded copy adds to a worker).
    public var residentBytes: Int {
        switch self {
        case .literal(let l): Self.literalBytes(l)
        case .series(let v, let idx, let name): v.byteCount &+ (idx?.count ?? 0) &* 8 &+ (name?.utf8.count ?? 0)
        case .ndarray(let s, let d): d.byteCount &+ s.count &* 8
        case .bytes(let b): b.count
        case .instance(let c, let m, let fs): fs.reduce(c.utf8.count &+ (m?.utf8.count ?? 0)) { $0 &+ $1.name.utf8.count &+ $1.value.residentBytes }
        case .frame(let f): f.byteCount
        case .stringDict(let d): d.byteCount
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
    /// A DataFrame partition (format 1.2).
    case frame(FramePart)
    /// A hash join's split of one partition: one shard per output partition.
    case shards([FramePart])
    /// Nothing (benchmarks' no-op tasks).
    case none

    /// Bytes this value holds in a worker's store.
    public var byteCount: Int {
        switch self {
        case .chunk(let c): c.byteCount
        case .scalar: 8
        case .object(let o): o.residentBytes
        case .partial: 16
        case .frame(let f): f.byteCount
        case .shards(let s): s.reduce(0) { $0 &+ $1.byteCount }
        case .none: 0
        }
    }
}
