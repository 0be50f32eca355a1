import PipelineIR

/// Arrow-style strings: `offsets` (rows + 1 Int32 byte offsets) into `bytes` (UTF-8), and an
/// optional validity mask (false: missing, pandas' `<NA>`).
public struct FrameStrings: Sendable, Equatable {
    public var offsets: [Int32]
    public var bytes: [UInt8]
    public var valid: [Bool]?

    public init(offsets: [Int32] = [0], bytes: [UInt8] = [], valid: [Bool]? = nil) {
        self.offsets = offsets
        self.bytes = bytes
        self.valid = valid
    }

    public var count: Int { offsets.count - 1 }

    /// Whether row `i` holds a value.
    public func isValid(_ i: Int) -> Bool { valid?[i] ?? true }

    /// The UTF-8 bytes of row `i`.
    public func slice(_ i: Int) -> ArraySlice<UInt8> { bytes[Int(offsets[i])..<Int(offsets[i + 1])] }

    /// Row `i` as a String (nil when missing).
    public func string(_ i: Int) -> String? { isValid(i) ? String(decoding: slice(i), as: UTF8.self) : nil }

    /// Appends one value (nil: missing).
    mutating func append<S: Sequence>(_ utf8: S?) where S.Element == UInt8 {
        if let utf8 { bytes.append(contentsOf: utf8) } else {
            if valid == nil { valid = Array(repeating: true, count: count) }
        }
        if valid != nil { valid!.append(utf8 != nil) }
        offsets.append(Int32(truncatingIfNeeded: bytes.count))
    }

    /// Bytes held: offsets, characters, the validity mask.
    public var byteCount: Int { offsets.count &* 4 &+ bytes.count &+ (valid?.count ?? 0) }
}

/// One column of a partition, in the dtype pandas holds it in (docs/kernels.md, "Frames").
public enum FrameColumnData: Sendable, Equatable {
    case float64([Double])
    case float32([Float])
    /// int8…int64 and uint8…uint64, widened to Int64 (a uint64 as its bit pattern).
    case integer([Int64], NumericType)
    case bool([Bool])
    /// Nanoseconds since the epoch; NaT is Int64.min.
    case datetime([Int64])
    case string(FrameStrings)
    /// Codes into the categories `c0 … c{count-1}` (-1: missing).
    case category(codes: [Int32], count: Int)

    public var count: Int {
        switch self {
        case .float64(let a): a.count
        case .float32(let a): a.count
        case .integer(let a, _), .datetime(let a): a.count
        case .bool(let a): a.count
        case .string(let s): s.count
        case .category(let c, _): c.count
        }
    }

    /// Bytes pandas holds for the column (item size × rows; strings: offsets and characters;
    /// categoricals: 4-byte codes here, the categories once).
    public var byteCount: Int {
        switch self {
        case .float64(let a): a.count &* 8
        case .float32(let a): a.count &* 4
        case .integer(let a, let t): a.count &* t.itemSize
        case .bool(let a): a.count
        case .datetime(let a): a.count &* 8
        case .string(let s): s.byteCount
        case .category(let c, let k): c.count &* 4 &+ k &* 8
        }
    }

    /// The pandas dtype name (`float64`, `int32`, `bool`, `datetime64[ns]`, `string`, `category`).
    public var dtypeName: String {
        switch self {
        case .float64: "float64"
        case .float32: "float32"
        case .integer(_, let t): t.rawValue
        case .bool: "bool"
        case .datetime: "datetime64[ns]"
        case .string: "string"
        case .category: "category"
        }
    }

    /// The values as float64 (`to_numpy(dtype="float64")`); nil for strings, categories and datetimes.
    public var asFloat64: [Double]? {
        switch self {
        case .float64(let a): a
        case .float32(let a): a.map { Double($0) }
        case .integer(let a, let t): t == .uint64 ? a.map { Double(UInt64(bitPattern: $0)) } : a.map { Double($0) }
        case .bool(let a): a.map { $0 ? 1 : 0 }
        case .datetime, .string, .category: nil
        }
    }

    /// Rows `[lo, hi)`.
    public func slice(_ lo: Int, _ hi: Int) -> FrameColumnData {
        switch self {
        case .float64(let a): return .float64(Array(a[lo..<hi]))
        case .float32(let a): return .float32(Array(a[lo..<hi]))
        case .integer(let a, let t): return .integer(Array(a[lo..<hi]), t)
        case .bool(let a): return .bool(Array(a[lo..<hi]))
        case .datetime(let a): return .datetime(Array(a[lo..<hi]))
        case .category(let c, let k): return .category(codes: Array(c[lo..<hi]), count: k)
        case .string(let s):
            var out = FrameStrings()
            out.bytes.reserveCapacity(Int(s.offsets[hi] - s.offsets[lo]))
            for i in lo..<hi { out.append(s.isValid(i) ? s.slice(i) : nil) }
            return .string(out)
        }
    }
}

/// One partition of a DataFrame: named columns over the global rows `[start, start + rows)`
/// (pandas' RangeIndex).
public struct FramePart: Sendable, Equatable {
    public var start: Int
    public var rows: Int
    public var names: [String]
    public var columns: [FrameColumnData]
    /// The index labels when they are not the range `start ..< start + rows` (a filter keeps its
    /// rows' original labels, as pandas' boolean indexing does).
    public var labels: [Int64]?

    public init(start: Int, rows: Int, names: [String], columns: [FrameColumnData], labels: [Int64]? = nil) {
        self.start = start
        self.rows = rows
        self.names = names
        self.columns = columns
        self.labels = labels
    }

    /// The index label of local row `r`.
    public func label(_ r: Int) -> Int64 { labels?[r] ?? Int64(start + r) }

    /// Bytes held: every column plus the names (a RangeIndex costs nothing per row; other labels 8 B each).
    public var byteCount: Int { columns.reduce(names.reduce(64 &+ (labels?.count ?? 0) &* 8) { $0 &+ $1.utf8.count }) { $0 &+ $1.byteCount } }

    public func column(_ name: String) -> FrameColumnData? { names.firstIndex(of: name).map { columns[$0] } }

    /// `part.assign(name=values)`: replaces a column of that name in place, else appends it.
    public func assigning(_ name: String, _ values: FrameColumnData) -> FramePart {
        var p = self
        if let i = p.names.firstIndex(of: name) { p.columns[i] = values } else {
            p.names.append(name)
            p.columns.append(values)
        }
        return p
    }

    /// Rows `[lo, hi)` (local positions), keeping their global labels.
    public func slice(_ lo: Int, _ hi: Int) -> FramePart {
        FramePart(start: start + lo, rows: hi - lo, names: names, columns: columns.map { $0.slice(lo, hi) }, labels: labels.map { Array($0[lo..<hi]) })
    }
}

/// A `dict:` object of strings: key `i` is `str(i).zfill(Lk)`, its value `names[i mod distinct]`.
public struct StringDict: Sendable, Equatable {
    public var recipe: StringDictRecipe

    /// The value of `key`, or nil when the dict has no such key. Keys are exactly the strings
    /// `str(i).zfill(Lk)` for `0 ≤ i < length`: digits only, at least Lk long, no extra leading
    /// zero beyond the padding.
    public func lookup(_ key: ArraySlice<UInt8>) -> Int? {
        let lk = recipe.keyLength
        guard !key.isEmpty, key.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        if key.count > lk, key.first == 48 { return nil }
        if key.count < lk { return nil }
        // A key of exactly lk digits may have any number of padding zeros.
        var v = 0
        for b in key {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(b - 48))
            if o1 || o2 { return nil }
            v = s
        }
        if key.count > lk, String(v).utf8.count != key.count { return nil }
        guard v < recipe.length else { return nil }
        return v % max(recipe.distinct, 1)
    }

    /// `str(j).zfill(Lv)` as UTF-8: the value with index `j`.
    public func value(_ j: Int) -> [UInt8] { FrameGeneration.zfill(Int64(j), recipe.valueLength) }

    /// What a built dict holds: each key and a pointer per entry, the distinct values once.
    public var byteCount: Int {
        let keyBytes = recipe.length &* (max(recipe.keyLength, 1) &+ 57)
        return keyBytes &+ recipe.distinct &* (recipe.valueLength &+ 49) &+ recipe.length &* 8
    }
}
