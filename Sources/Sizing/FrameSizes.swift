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
    /// What a string column's values are: `str(v).zfill(length)` never truncates, so a value with
    /// more digits than `length` is longer (row 150,000 of a `length: 5` column is 6 characters).
    public enum NumberText: Sendable, Equatable {
        /// The global row number: rows `firstRow ..< firstRow + rows`.
        case rowNumbers
        /// Integers drawn uniformly from `low ..< high`.
        case uniform(low: Int64, high: Int64)
    }
    public var rows: Int
    public var columns: [(name: String, column: Column)]
    /// The global number of the first row (a partition's rows are `firstRow ..< firstRow + rows`).
    public var firstRow: Int
    /// String columns whose values are zero-filled numbers, by column name; others are `length` characters.
    public var numberText: [String: NumberText]
    public init(rows: Int, columns: [(name: String, column: Column)], firstRow: Int = 0, numberText: [String: NumberText] = [:]) {
        self.rows = rows
        self.columns = columns
        self.firstRow = firstRow
        self.numberText = numberText
    }
    public static func == (a: DataFrameShape, b: DataFrameShape) -> Bool {
        a.rows == b.rows && a.firstRow == b.firstRow && a.numberText == b.numberText && a.columns.count == b.columns.count
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

extension StringDictShape {
    /// References to shared values written as BINGET (2 B) when the dict is pickled alone: the
    /// values whose memo index is below 256 (`2j + 2` for value j), once per reuse.
    public var shortReferences: Int64 {
        let n = max(0, length), distinct = min(max(1, self.distinct), max(n, 1))
        let references = n - distinct
        guard references > 0 else { return 0 }
        let cheap = max(0, min(distinct, 255 / 2))
        let full = references / distinct, rest = references % distinct
        return Sat.add(Sat.mul(Int64(full), Int64(cheap)), Int64(min(rest, cheap)))
    }
}

/// Sizes of DataFrames and dicts of strings, calibrated with pandas 3.1.1, pyarrow 26.0.1, dask
/// 2026.8.0, CPython 3.11 (`calibration/dataframes.py sizes`): the DataFrame's pickle within 0.4%
/// at 1,000 rows or more (≤ 63 B below), its `dask.sizeof` exact but for category hash tables,
/// its resident size within 8%; the dict's pickle is simulated opcode by opcode (exact up to
/// framing) and its `dask.sizeof` follows dask's sampling (exact for these uniform entries).
enum FrameSizes {
    // MARK: DataFrame pickle

    /// The BlockManager, the RangeIndex and the (large_string) column Index.
    static let framePickleFixed: Int64 = 711
    /// Each column's entry in the column Index, beyond its name's characters.
    static let columnNameBytes: Int64 = 8
    /// One consolidated block per distinct numpy dtype (columns of one dtype share it).
    static let numericBlockBytes: Int64 = 81
    /// One block for every datetime64[ns] column.
    static let datetimeBlockBytes: Int64 = 294
    /// Each string column is its own block; 83 B when it is the only column, of an all-string frame.
    static let stringBlockBytes: Int64 = 140
    static let onlyStringBlockBytes: Int64 = 83
    /// The first categorical column, and each further one (beyond categories and codes).
    static let firstCategoryBytes: Int64 = 350
    static let furtherCategoryBytes: Int64 = 205
    /// Bytes per value of a pyarrow large_string: one 8-byte offset (plus the characters).
    static let stringOffsetBytes: Int64 = 8

    /// Bytes of a categorical's codes: int8 up to 127 categories, int16 up to 32,767, int32 after.
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

    /// The categories themselves (a large_string Index): 8 B offset plus the characters each.
    static func categoriesBytes(_ k: Int) -> Int64 { Sat.add(Sat.mul(Int64(k), stringOffsetBytes), categoryNameBytes(k)) }

    /// Bytes per row of a column.
    static func rowBytes(_ c: DataFrameShape.Column) -> Int64 {
        switch c {
        case .numeric(let t): Int64(t.itemSize)
        case .string(let length): Sat.add(stringOffsetBytes, Int64(length))
        case .category(let k): codeBytes(k)
        }
    }

    /// Bytes of the data a DataFrame's columns hold (numpy buffers, arrow buffers, codes and categories).
    static func dataBytes(_ f: DataFrameShape) -> Int64 {
        let n = Int64(max(0, f.rows))
        var total: Int64 = 0
        for (name, c) in f.columns {
            total = Sat.add(total, Sat.mul(n, rowBytes(c)))
            if case .category(let k) = c { total = Sat.add(total, categoriesBytes(k)) }
            if case .string(let length) = c, let text = f.numberText[name] {
                total = Sat.add(total, longerText(text, length: length, firstRow: f.firstRow, rows: f.rows))
            }
        }
        return total
    }

    /// The characters `str(v).zfill(length)` writes beyond `length` per value, over the rows: the
    /// row numbers' extra digits exactly; for uniform integers, the expected extra (rounded down).
    static func longerText(_ text: DataFrameShape.NumberText, length: Int, firstRow: Int, rows: Int) -> Int64 {
        let n = max(0, rows), first = max(0, firstRow)
        switch text {
        case .rowNumbers:
            let end = first > Int.max - n ? Int.max : first + n
            let written = Sat.add(zfilledBytes(count: end, width: length), -zfilledBytes(count: first, width: length))
            return max(0, Sat.add(written, -Sat.mul(Int64(n), Int64(length))))
        case .uniform(let low, let high):
            // Negative values (a sign) are not modelled: they count `length` characters.
            guard low >= 0, high > low, high <= Int64(Int.max) else { return 0 }
            let span = high - low
            let written = Sat.add(zfilledBytes(count: Int(high), width: length), -zfilledBytes(count: Int(low), width: length))
            let extra = max(0, Sat.add(written, -Sat.mul(span, Int64(length))))
            // Mean extra per value times the rows, without overflowing the product.
            let perValue = Double(extra) / Double(span)
            return Int64(min(Double(Int64.max / 2), (perValue * Double(n)).rounded(.down)))
        }
    }

    /// The frame's blocks: one per distinct numpy dtype, one for all datetimes, one per string or category column.
    static func blocks(_ f: DataFrameShape) -> (numeric: Int, datetime: Bool, strings: Int, categories: Int) {
        var numeric = Set<DType>(), datetime = false, strings = 0, categories = 0
        for (_, c) in f.columns {
            switch c {
            case .numeric(let t) where t.isTemporal: datetime = true
            case .numeric(let t): numeric.insert(t)
            case .string: strings += 1
            case .category: categories += 1
            }
        }
        return (numeric.count, datetime, strings, categories)
    }

    /// `pickle.dumps(df, protocol=5)` before framing.
    static func picklePayload(_ f: DataFrameShape) -> Int64 {
        let b = blocks(f)
        var total = framePickleFixed
        for (name, _) in f.columns { total = Sat.sum(total, columnNameBytes, Int64(name.utf8.count)) }
        total = Sat.add(total, Sat.mul(numericBlockBytes, Int64(b.numeric)))
        if b.datetime { total = Sat.add(total, datetimeBlockBytes) }
        let onlyString = b.strings == 1 && f.columns.count == 1
        total = Sat.add(total, onlyString ? onlyStringBlockBytes : Sat.mul(stringBlockBytes, Int64(b.strings)))
        if b.categories > 0 { total = Sat.sum(total, firstCategoryBytes, Sat.mul(furtherCategoryBytes, Int64(b.categories - 1))) }
        return Sat.add(total, dataBytes(f))
    }

    // MARK: DataFrame resident and dask.sizeof

    /// `resident = 2300 + 1900 × blocks + 600 × category columns + data` (tracemalloc plus
    /// pyarrow's pool across `pickle.loads`).
    static let residentFixed: Int64 = 2300
    static let residentPerBlock: Int64 = 1900
    static let residentPerCategory: Int64 = 600

    static func resident(_ f: DataFrameShape) -> Int64 {
        let b = blocks(f)
        let blockCount = Int64(b.numeric + (b.datetime ? 1 : 0) + b.strings + b.categories)
        return Sat.sum(residentFixed, Sat.mul(residentPerBlock, blockCount), Sat.mul(residentPerCategory, Int64(b.categories)), dataBytes(f))
    }

    /// `dask.sizeof(df)` (dask/sizeof.py): the RangeIndex (532 B), the column Index (400 B plus
    /// 8 B and the name per column), 1200 B per run of equal dtypes in column order, the data;
    /// a category column's categories grow a hash table once pickling built it (≈ 33 B per
    /// category from 50 categories on).
    static let sizeofIndexBytes: Int64 = 532
    static let sizeofColumnsIndexBytes: Int64 = 400
    static let sizeofPerDtypeRun: Int64 = 1200
    static let sizeofCategoryHashBytes: Int64 = 33

    static func daskSizeof(_ f: DataFrameShape) -> Int64 {
        var total = Sat.add(sizeofIndexBytes, sizeofColumnsIndexBytes)
        // Strings of any length share `string[pyarrow]`; categoricals of different categories differ.
        func dtype(_ c: DataFrameShape.Column) -> DataFrameShape.Column {
            if case .string = c { return .string(length: 0) }
            return c
        }
        var previous: DataFrameShape.Column?
        for (name, c) in f.columns {
            total = Sat.sum(total, columnNameBytes, Int64(name.utf8.count))
            if previous != dtype(c) { total = Sat.add(total, sizeofPerDtypeRun) }
            previous = dtype(c)
            if case .category(let k) = c, k >= 50 { total = Sat.add(total, Sat.mul(sizeofCategoryHashBytes, Int64(k))) }
        }
        return Sat.add(total, dataBytes(f))
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
            let cheapRefs = Sat.add(Sat.mul(Int64(full), Int64(cheap)), Int64(min(rest, cheap)))
            w.emit(Sat.add(Sat.mul(2, cheapRefs), Sat.mul(5, Sat.add(Int64(references), -cheapRefs))))
        }
        // Memo indexes only decide BINGET's width: past 2³⁰ entries the count no longer matters.
        w.bumpMemo(min(n, 1 << 30) + min(distinct, 1 << 30))
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
