/// A description of a Python value, never materialised: a 10-million-element
/// array is just a dtype and a shape, `list(range(n))` is just a start and a count.
///
/// Value semantics: two equal leaves (`.str`, `.bytes`, containers) are distinct
/// Python objects, so pickle's memo does not share them. Names that CPython interns
/// (module and class names, dict keys, instance attribute names, method names)
/// *are* shared through the memo, as real pickles share them.
public indirect enum PyValue: Sendable, Equatable {
    /// `None`: opcode NONE (1 byte); a singleton, no memory of its own.
    case none
    /// `True`/`False`: NEWTRUE/NEWFALSE (1 byte); singletons.
    case bool(Bool)
    /// `int`: BININT1 (0..<256, 2 B), BININT2 (<65536, 3 B), BININT (int32, 5 B),
    /// else LONG1 (2 B + minimal two's-complement bytes). Never memoized.
    case int(Int64)
    /// `float`: BINFLOAT (9 bytes, big-endian IEEE 754).
    case float(Double)
    /// `str`: SHORT_BINUNICODE (UTF-8 length < 256: 2 B header) or BINUNICODE
    /// (5 B header; BINUNICODE8 past 4 GiB), then MEMOIZE.
    case str(String)
    /// `bytes` of that length: SHORT_BINBYTES / BINBYTES / BINBYTES8, then MEMOIZE.
    case bytes(count: Int)
    /// `list`: EMPTY_LIST MEMOIZE, then one APPEND for a single item, else batches
    /// of 1000 items each wrapped in MARK … APPENDS.
    case list([PyValue])
    /// `tuple`: EMPTY_TUPLE (not memoized) when empty, TUPLE1/2/3 for up to three
    /// items, else MARK … TUPLE; then MEMOIZE. Never batched.
    case tuple([PyValue])
    /// `dict` with string keys in insertion order: EMPTY_DICT MEMOIZE, then SETITEM
    /// for a single entry, else MARK … SETITEMS batches of 1000 (CPython writes one
    /// trailing empty batch when the count is a multiple of 1000).
    case dict([PyDictEntry])
    /// `list(range(start, start + count))` without materialising it: the int
    /// opcode sizes are summed in closed form over magnitude classes.
    case intRangeList(start: Int64, count: Int)
    /// A numeric pandas Series (see ``SeriesShape``).
    case series(SeriesShape)
    /// A C-contiguous, writeable numpy array of a numeric dtype.
    case ndarray(dtype: DType, shape: [Int])
    /// A numpy array that is neither C- nor F-contiguous (a strided view such as `w[:, 0]`):
    /// `ndarray.__reduce__` pickles `_reconstruct(ndarray, (0,), b'b')` and a state tuple
    /// holding a C-ordered copy of the view's data as `bytes` — the view, never its base.
    case stridedArray(dtype: DType, shape: [Int])
    /// A numpy scalar (`np.int64(5)`, an element of a Series or ndarray):
    /// `numpy._core.multiarray.scalar(dtype, raw bytes)`.
    case numpyScalar(DType)
    /// A pandas `Timestamp` or `Timedelta` (an element of a datetime or timedelta Series):
    /// `_unpickle_timestamp(value, None, None, 10)` / `_timedelta_unpickle(value, 10)`. The
    /// value is priced as a present-day count of nanoseconds (an 8-byte LONG1).
    case pandasScalar(DType)
    /// An instance whose `__dict__` is `fields` (reduced by `copyreg.__newobj__`:
    /// class global, EMPTY_TUPLE NEWOBJ, then the state dict and BUILD when non-empty).
    case instance(PyClass, fields: [PyDictEntry])
    /// `getattr(receiver, name)`: a bound method reduces to
    /// `(builtins.getattr, (receiver, name))`, so it drags the whole receiver.
    case boundMethod(receiver: PyValue, name: String)
    /// A value the model cannot see into (a Python factory, a file): its declared
    /// size in bytes, or `nil` when unknown.
    case opaque(declaredBytes: Int?, reason: String)
    /// A module-level function, referenced by module and name (STACK_GLOBAL).
    case function(module: String, name: String)
    /// A class object: a reference for importable classes, cloudpickle's by-value
    /// reconstruction for `__main__` ones (a delayed builder's argument).
    case classObject(PyClass)
    /// A pandas DataFrame (format 1.2), priced by `FrameSizes`.
    case dataFrame(DataFrameShape)
    /// A `dict` of strings (format 1.2): the pickle simulated in closed form by `FrameSizes`.
    case stringDict(StringDictShape)
}

/// One `key: value` entry of a dict or an instance `__dict__`. Keys are strings
/// that CPython interns, so a repeated key pickles as a memo reference (BINGET).
public struct PyDictEntry: Sendable, Equatable {
    /// The (interned) string key.
    public var key: String
    /// The value.
    public var value: PyValue
    /// An entry `key: value`.
    public init(key: String, value: PyValue) {
        self.key = key
        self.value = value
    }
}

/// A numeric numpy dtype. Pickled as `numpy.dtype(code, False, True)` plus a
/// BUILD state `(3, byteorder, None, None, None, -1, -1, 0)`; the dtype object is a
/// singleton, so every later array of the same dtype in one pickle refers to it
/// through the memo.
extension PyValue {
    /// A count of nanoseconds since 1970 as of the 2020s (≈ 1.8e18): pickled as an 8-byte LONG1.
    static let presentDayNanoseconds: Int64 = 1_796_083_200_000_000_000
}

public enum DType: String, Sendable, CaseIterable {
    /// Boolean and integer dtypes (numpy names); raw values are the numpy dtype names.
    case bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64
    /// Floating and complex dtypes.
    case float32, float64, complex64, complex128
    /// Nanosecond datetimes and durations: `dtype('M8')` / `dtype('m8')` with the unit in
    /// their state (version 4, metadata `(b'ns', 1, 1, 1)`); not a singleton, so never shared.
    case datetime64 = "datetime64[ns]", timedelta64 = "timedelta64[ns]"

    /// Bytes per element (numpy `itemsize`).
    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: return 1
        case .int16, .uint16: return 2
        case .int32, .uint32, .float32: return 4
        case .int64, .uint64, .float64, .complex64, .datetime64, .timedelta64: return 8
        case .complex128: return 16
        }
    }

    /// The type code numpy pickles for this dtype (`'i8'`, `'f4'`, `'b1'`, `'c16'` …).
    public var pickleCode: String {
        switch self {
        case .bool: return "b1"
        case .int8: return "i1"
        case .int16: return "i2"
        case .int32: return "i4"
        case .int64: return "i8"
        case .uint8: return "u1"
        case .uint16: return "u2"
        case .uint32: return "u4"
        case .uint64: return "u8"
        case .float32: return "f4"
        case .float64: return "f8"
        case .complex64: return "c8"
        case .complex128: return "c16"
        case .datetime64: return "M8"
        case .timedelta64: return "m8"
        }
    }

    /// `datetime64[ns]` or `timedelta64[ns]`: numpy pickles such an array through
    /// `ndarray.__reduce__` (never `_frombuffer`), and pandas holds it in a
    /// `DatetimeArray` / `TimedeltaArray`.
    public var isTemporal: Bool { self == .datetime64 || self == .timedelta64 }

    /// The byte-order character of the pickled dtype state: `'|'` for one-byte
    /// types, `'<'` (little-endian) otherwise.
    public var byteOrder: String { itemSize == 1 ? "|" : "<" }
}

/// The index of a ``SeriesShape``.
public enum SeriesIndex: Sendable, Equatable {
    /// `RangeIndex(0, n)`: pickled as `_new_Index(RangeIndex, {name, start, stop, step})`,
    /// a few dozen bytes whatever `n`.
    case range
    /// An explicit `Index` of int64 labels: its data array is pickled **twice**
    /// (BlockManager state carries `axes` and `block_items`), so it costs 16 B/row.
    case int64
}

/// Optional knowledge of a Series' values. Numeric values travel as raw bytes,
/// so for the dtypes modelled here the values never change any size; the field
/// exists so callers can carry the recipe along.
public enum SeriesValues: Sendable, Equatable {
    /// `range(start, start + length)` cast to the dtype.
    case range(start: Int64)
    /// Every element equal (zeros, ones, a fill value).
    case constant
    /// Pseudo-random values.
    case random
    /// Loaded from somewhere.
    case loaded
}

/// A numeric pandas Series (pandas 3.x pickle layout): `Series` rebuilt by NEWOBJ
/// with a state dict whose `_mgr` is a `SingleBlockManager` state
/// `(axes, [values], [block_items], {"0.14.1": {"axes", "blocks": [{values, mgr_locs}]}})`.
/// `mgr_locs` is `slice(0, n, 1)` (an empty int64 array when n == 0).
public struct SeriesShape: Sendable, Equatable {
    /// Element dtype of the values array.
    public var dtype: DType
    /// Number of rows.
    public var length: Int
    /// The index kind.
    public var index: SeriesIndex
    /// The Series name (`None` when nil).
    public var name: String?
    /// Optional knowledge of the values (does not change any size for numeric dtypes).
    public var values: SeriesValues?
    /// The values are a strided view (a slice with a step other than 1, `s.iloc[::2]`): the
    /// block's array pickles through `ndarray.__reduce__` (see ``PyValue/stridedArray(dtype:shape:)``).
    public var stridedValues = false
    /// The first label and the step of a `RangeIndex` that a slice kept (`s.iloc[100:200]` is
    /// `RangeIndex(100, 200, 1)`; the stop is `start + step × length`, as Python's range slicing makes it).
    public var rangeStart: Int64 = 0
    public var rangeStep: Int64 = 1
    /// A Series shape.
    public init(dtype: DType, length: Int, index: SeriesIndex = .range, name: String? = nil,
                values: SeriesValues? = nil) {
        self.dtype = dtype
        self.length = length
        self.index = index
        self.name = name
        self.values = values
    }
}

/// A Python class. Importable classes pickle by reference (module + qualname,
/// STACK_GLOBAL); a class in `__main__` cannot be imported on a worker, so
/// distributed falls back to cloudpickle, which pickles the class **by value**
/// (`_make_skeleton_class` + `_class_setstate` with every method's code object).
public struct PyClass: Sendable, Equatable {
    /// Module, e.g. `"__main__"` or `"pkg.mod"`.
    public var module: String
    /// Qualified name, e.g. `"Mapper"`.
    public var qualname: String
    /// Method names defined in the class body (they set the by-value size).
    public var methods: [String]
    /// A class.
    public init(module: String, qualname: String, methods: [String] = []) {
        self.module = module
        self.qualname = qualname
        self.methods = methods
    }
    /// Whether the class lives in `__main__` (pickled by value by cloudpickle).
    public var isMain: Bool { module == "__main__" }
}

/// How far an estimate can be trusted.
public enum Confidence: Sendable, Equatable {
    /// Byte-exact for the pinned versions (see calibration/README.md).
    case exact
    /// From a calibrated model: within the tolerances the calibration tests enforce.
    case modelled
    /// Taken from a size the pipeline declared.
    case declared
    /// Cannot be estimated; `bytes` is a lower bound (often 0).
    case unknown(reason: String)

    var rank: Int {
        switch self {
        case .exact: return 0
        case .modelled: return 1
        case .declared: return 2
        case .unknown: return 3
        }
    }

    /// The weaker of two confidences.
    func combined(with other: Confidence) -> Confidence {
        other.rank > rank ? other : self
    }
}

/// A size in bytes with its confidence. Arithmetic saturates at `Int64.max`.
public struct SizeEstimate: Sendable, Equatable {
    /// Bytes (saturated, never negative).
    public var bytes: Int64
    /// Confidence of `bytes`.
    public var confidence: Confidence
    /// An estimate.
    public init(bytes: Int64, confidence: Confidence) {
        self.bytes = max(0, bytes)
        self.confidence = confidence
    }
}

/// Which pickler produces the wire bytes.
public enum PickleFlavor: Sendable, Equatable {
    /// The standard library's `pickle` (C `_pickle`), protocol 5.
    case pickle
    /// `cloudpickle` (protocol 5): used by distributed when the pickle names `__main__`.
    case cloudpickle
}
