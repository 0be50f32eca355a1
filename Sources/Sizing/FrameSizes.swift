import enum PipelineIR.Sat

/// A pandas DataFrame (format 1.2) described by its columns, never built: pandas 3.1 with
/// pyarrow strings (`string[pyarrow]`, large_string storage: 8-byte offsets), a `RangeIndex`.
public struct DataFrameShape: Sendable, Equatable {
    /// One column's storage.
    public enum Column: Sendable, Equatable {
        /// A numpy-backed column (bool, ints, floats, datetime64[ns]).
        case numeric(DType)
        /// `string[pyarrow]` of values `length` characters long (ASCII).
        case string(length: Int)
        /// A categorical of `count` categories `c0…c{count-1}`.
        case category(count: Int)
    }
    public var rows: Int
    public var columns: [(name: String, column: Column)]
    public init(rows: Int, columns: [(name: String, column: Column)]) {
        self.rows = rows
        self.columns = columns
    }
    public static func == (a: DataFrameShape, b: DataFrameShape) -> Bool {
        a.rows == b.rows && a.columns.count == b.columns.count
            && zip(a.columns, b.columns).allSatisfy { $0.name == $1.name && $0.column == $1.column }
    }
}

/// A `dict` of ASCII strings: key `str(i).zfill(keyLength)` → one of `distinct` shared value
/// strings `str(j).zfill(valueLength)`, entry i holding value `i mod distinct`.
public struct StringDictShape: Sendable, Equatable {
    public var length: Int
    public var keyLength: Int
    public var valueLength: Int
    public var distinct: Int
    public init(length: Int, keyLength: Int, valueLength: Int, distinct: Int) {
        self.length = length
        self.keyLength = keyLength
        self.valueLength = valueLength
        self.distinct = distinct
    }
}

/// Sizes of DataFrames and dicts of strings. Measured with pandas 3.1.1, pyarrow 26, dask
/// 2026.8, CPython 3.11 (`calibration/frame_sizes.py`): the dict's pickle is simulated opcode
/// by opcode (exact up to framing); the DataFrame's pickle is a fitted formula over its blocks.
enum FrameSizes {
    // MARK: DataFrame pickle (fitted on 0…100,000 rows)

    /// Everything but the blocks: the BlockManager, the RangeIndex, the column Index.
    static let framePickleFixed: Int64 = 662
    /// A consolidated numpy block (one per distinct numpy dtype), beyond its data.
    static let numericBlockBytes: Int64 = 139
    /// A datetime64[ns] block, beyond its data (its dtype carries the unit).
    static let datetimeBlockBytes: Int64 = 352
    /// Each further column of a consolidated block (its placement and name), beyond the name's characters.
    static let blockColumnBytes: Int64 = 8
    /// An extension-array block (pyarrow string, categorical), beyond its data.
    static let extensionBlockBytes: Int64 = 140
    /// A categorical's dtype and codes array, beyond its categories and codes.
    static let categoricalBytes: Int64 = 416
    /// Bytes per value of a pyarrow large_string: one 8-byte offset (plus the characters).
    static let stringOffsetBytes: Int64 = 8

    /// Bytes of a categorical's codes: int8 up to 127 categories, int16, int32 after.
    static func codeBytes(_ categories: Int) -> Int64 { categories < 128 ? 1 : (categories < 32768 ? 2 : 4) }

    /// Sum of the characters of `c0…c{k-1}` (closed form over digit counts).
    static func categoryNameBytes(_ k: Int) -> Int64 {
        var total: Int64 = 0
        var lo = 0, digits: Int64 = 1, hi = 10
        while lo < k {
            let n = Int64(min(k, hi) - lo)
            total = Sat.add(total, Sat.mul(n, 1 + digits))
            lo = hi
            digits += 1
            hi = hi > Int.max / 10 ? Int.max : hi * 10
        }
        return total
    }

    /// `pickle.dumps(df, protocol=5)` before framing.
    static func picklePayload(_ f: DataFrameShape) -> Int64 {
        let n = Int64(max(0, f.rows))
        var total = framePickleFixed
        var blocks = Set<DType>()
        for (name, c) in f.columns {
            let nameBytes = Int64(name.utf8.count)
            switch c {
            case .numeric(let t):
                let (fresh, _) = blocks.insert(t)
                let block = t == .datetime64 ? datetimeBlockBytes : numericBlockBytes
                total = Sat.sum(total, fresh ? block - 1 : blockColumnBytes, nameBytes, Sat.mul(n, Int64(t.itemSize)))
            case .string(let length):
                total = Sat.sum(total, extensionBlockBytes, nameBytes, Sat.mul(n, Sat.add(stringOffsetBytes, Int64(length))))
            case .category(let k):
                let categories = Sat.add(Sat.mul(Int64(k), stringOffsetBytes), categoryNameBytes(k))
                total = Sat.sum(total, extensionBlockBytes + categoricalBytes, nameBytes, categories, Sat.mul(n, codeBytes(k)))
            }
        }
        return total
    }

    /// Bytes of the data a DataFrame's columns hold (numpy buffers, arrow buffers, codes and categories).
    static func dataBytes(_ f: DataFrameShape) -> Int64 {
        let n = Int64(max(0, f.rows))
        var total: Int64 = 0
        for (_, c) in f.columns {
            switch c {
            case .numeric(let t): total = Sat.add(total, Sat.mul(n, Int64(t.itemSize)))
            case .string(let length): total = Sat.add(total, Sat.mul(n, Sat.add(stringOffsetBytes, Int64(length))))
            case .category(let k):
                total = Sat.sum(total, Sat.mul(n, codeBytes(k)), Sat.mul(Int64(k), stringOffsetBytes), categoryNameBytes(k))
            }
        }
        return total
    }

    // MARK: DataFrame resident and dask.sizeof

    /// The Python objects of a DataFrame beyond its buffers (DataFrame, BlockManager, Index, blocks).
    static let frameResidentFixed: Int64 = 2048
    static let frameResidentPerColumn: Int64 = 512

    static func resident(_ f: DataFrameShape) -> Int64 {
        Sat.sum(frameResidentFixed, Sat.mul(frameResidentPerColumn, Int64(f.columns.count)), dataBytes(f))
    }

    /// `dask.sizeof(df)`: 1000 + the index + each column's `memory_usage` (measured: 2141 B for one
    /// empty column, 1209 B per further column).
    static let sizeofFixed: Int64 = 932
    static let sizeofPerColumn: Int64 = 1209

    static func daskSizeof(_ f: DataFrameShape) -> Int64 {
        Sat.sum(sizeofFixed, Sat.mul(sizeofPerColumn, Int64(f.columns.count)), dataBytes(f))
    }

    // MARK: dict of strings

    /// Characters of `str(i).zfill(width)` for i in 0..<n (zfill never truncates).
    static func zfilledBytes(count n: Int, width: Int) -> Int64 {
        var total: Int64 = 0
        var lo = 0, digits = 1, hi = 10
        while lo < n {
            let k = Int64(min(n, hi) - lo)
            total = Sat.add(total, Sat.mul(k, Int64(max(width, digits))))
            lo = hi
            digits += 1
            hi = hi > Int.max / 10 ? Int.max : hi * 10
        }
        return total
    }

    /// A str of `n` ASCII characters: SHORT_BINUNICODE (2 B) or BINUNICODE (5 B) header, then MEMOIZE.
    static func strOpcodes(_ n: Int) -> Int64 { n < 256 ? 3 : 6 }

    /// The dict pickled as CPython does: EMPTY_DICT MEMOIZE, batches of 1000 (MARK … SETITEMS, one
    /// trailing empty batch when the count is a multiple of 1000), each key a new str, each value
    /// a new str at its first use and a memo reference after: value j has memo index `base + 2j + 2`
    /// (keys and values alternate), BINGET (2 B) below 256, LONG_BINGET (5 B) after.
    static func saveStringDict(_ d: StringDictShape, _ w: inout PickleWriter) {
        let n = max(0, d.length)
        let distinct = min(max(1, d.distinct), max(n, 1))
        let base = w.memoCount
        w.emit(1)
        w.memoize()
        guard n > 0 else { return }
        let batches = Int64(n / 1000 + (n % 1000 == 0 ? 0 : 1)) + (n > 1 && n % 1000 == 0 ? 1 : 0)
        w.emit(n == 1 ? 1 : Sat.mul(2, batches))
        w.emit(Sat.add(zfilledBytes(count: n, width: d.keyLength), Sat.mul(Int64(n), strOpcodes(d.keyLength))))
        w.emit(Sat.add(zfilledBytes(count: distinct, width: d.valueLength), Sat.mul(Int64(distinct), strOpcodes(d.valueLength))))
        // References: entry i ≥ distinct reuses value i mod distinct.
        let references = n - distinct
        if references > 0 {
            // Values whose memo index is below 256: base + 2 + 2j < 256 (the dict took `base`).
            let cheap = max(0, min(distinct, (255 - base) / 2))
            let full = references / distinct, rest = references % distinct
            let cheapRefs = Int64(full) * Int64(cheap) + Int64(min(rest, cheap))
            w.emit(Sat.add(Sat.mul(2, cheapRefs), Sat.mul(5, Int64(references) - cheapRefs)))
        }
        w.bumpMemo(n + distinct)
    }

    /// CPython's dict of str keys after `n` insertions from empty: the table doubles from 8 until
    /// two thirds of it hold the entries; `getsizeof` = 96 + index bytes + 16 B per usable entry.
    static func dictGetsizeof(_ n: Int) -> Int64 {
        guard n > 0 else { return 64 }
        var size = 8
        while size * 2 / 3 < n, size < Int.max / 4 { size *= 2 }
        let usable = Int64(size * 2 / 3)
        let indexBytes: Int64 = size <= 128 ? 1 : (size <= 32768 ? 2 : (size <= 1 << 31 ? 4 : 8))
        return Sat.sum(96, Sat.mul(Int64(size), indexBytes), Sat.mul(usable, 16))
    }

    /// A compact ASCII str: 49 B of header plus its characters (`sys.getsizeof`).
    static let strHeader: Int64 = 49

    /// In a worker: the dict's table, each key once, each distinct value once (pymalloc rounds each to 8 B).
    static func resident(_ d: StringDictShape) -> Int64 {
        let n = max(0, d.length), distinct = min(max(1, d.distinct), max(n, 1))
        func rounded(_ count: Int, _ width: Int) -> Int64 {
            // Each string rounded up to 8 bytes: about 4 B each on average.
            Sat.sum(Sat.mul(Int64(count), strHeader + 4), zfilledBytes(count: count, width: width))
        }
        return Sat.sum(dictGetsizeof(n), rounded(n, d.keyLength), n == 0 ? 0 : rounded(distinct, d.valueLength))
    }

    /// `dask.sizeof(d)`: getsizeof of the dict, plus the lists of its keys and of its values
    /// (8 B per pointer each) and every key and value (values once per entry: sizeof samples them).
    static func daskSizeof(_ d: StringDictShape) -> Int64 {
        let n = max(0, d.length)
        let values = Sat.mul(Int64(n), strHeader + Int64(d.valueLength))
        return Sat.sum(dictGetsizeof(n), Sat.mul(16, Int64(n)), Sat.mul(Int64(n), strHeader), zfilledBytes(count: n, width: d.keyLength), values)
    }
}
