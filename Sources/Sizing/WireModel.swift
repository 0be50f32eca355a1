import enum PipelineIR.Sat

/// Simulates the byte count of CPython's C pickler (protocol 5) without producing
/// bytes: opcode sizes, the memo (MEMOIZE = 1 B; BINGET = 2 B below index 256,
/// LONG_BINGET = 5 B after), and framing.
///
/// Framing (protocol 4+): after PROTO (2 B) the stream is cut into frames of about
/// 64 KiB, each preceded by a 9-byte FRAME header; a frame shorter than 4 bytes gets
/// no header (so `pickle.dumps(None, 5)` is 4 bytes). A single bytes-like payload of
/// 64 KiB or more (`str`, `bytes`, an ndarray's BYTEARRAY8 buffer) is written outside
/// any frame: the current frame is committed first, and the payload is followed by a
/// new frame. STOP is the last byte of the last frame.
struct PickleWriter {
    static let frameTarget: Int64 = 64 * 1024

    private(set) var committed: Int64 = 0
    private var segment: Int64 = 0
    /// Memo indexes by sharing key: objects under their own keys (`dtype:`, `class:`),
    /// interned strs by value, globals by module and name. Separate tables, so that a
    /// lookup hashes the str itself and builds no prefixed key.
    private var memo: [String: Int] = [:]
    private var strings: [String: Int] = [:]
    private var globals = MemoTable<Global>()
    private(set) var memoCount = 0

    private struct Global: Hashable {
        var module: String
        var name: String
    }
    /// Byte-exact so far (no frame-boundary guesswork, no calibrated constants).
    var exact = true
    var confidence: Confidence = .exact

    mutating func emit(_ n: Int64) { segment = Sat.add(segment, n) }

    /// MEMOIZE: 1 byte, assigns the next memo index (optionally under a sharing key).
    @discardableResult
    mutating func memoize(_ key: String? = nil) -> Int {
        emit(1)
        let idx = memoCount
        if let key { memo[key] = idx }
        memoCount += 1
        return idx
    }

    /// BINGET / LONG_BINGET for a memo index.
    mutating func get(_ idx: Int) { emit(idx < 256 ? 2 : 5) }

    /// Emits a memo reference when `key` was memoized before; returns whether it did.
    mutating func reuse(_ key: String) -> Bool {
        guard let idx = memo[key] else { return false }
        get(idx)
        return true
    }

    mutating func register(_ key: String, index: Int) { memo[key] = index }

    /// Reserves `n` memo indexes for opaque sub-streams (class-by-value blobs).
    mutating func bumpMemo(_ n: Int) { memoCount += n }

    /// An opcode with a bytes-like payload (header + payload); payloads of 64 KiB
    /// or more bypass framing.
    mutating func blob(header: Int64, payload: Int64) {
        if payload >= Self.frameTarget {
            closeSegment()
            committed = Sat.sum(committed, header, payload)
        } else {
            emit(Sat.add(header, payload))
        }
    }

    private mutating func closeSegment() {
        guard segment > 0 else { return }
        let full = segment / Self.frameTarget
        let rem = segment % Self.frameTarget
        let frames = full + (rem >= 4 ? 1 : 0)
        if frames > 1 { exact = false }
        committed = Sat.sum(committed, segment, Sat.mul(9, frames))
        segment = 0
    }

    /// Adds STOP, closes the last frame and returns the total including PROTO.
    mutating func finish() -> Int64 {
        emit(1)
        closeSegment()
        return Sat.add(2, committed)
    }

    mutating func degrade(_ c: Confidence) { confidence = confidence.combined(with: c) }

    // MARK: - building blocks

    /// A str object: SHORT_BINUNICODE / BINUNICODE / BINUNICODE8 by UTF-8 length, MEMOIZE.
    mutating func str(utf8Count n: Int64, key: String? = nil) {
        let header: Int64 = n < 256 ? 2 : (n <= 0xFFFF_FFFF ? 5 : 9)
        blob(header: header, payload: n)
        memoize(key)
    }

    /// A str CPython interns (names, keys): shared through the memo by value.
    mutating func internedStr(_ s: String) {
        // One hash: claim the next memo index for the str, or find the one it was pickled at
        // before (always below the one claimed).
        let claimed = memoCount
        let index = Self.claim(&strings[s, default: claimed])
        if index != claimed {
            get(index)
            return
        }
        str(utf8Count: Int64(s.utf8.count))  // memoized at the index claimed above
    }

    /// The value in `slot`, a dictionary entry (inserted with its default when it was missing).
    private static func claim(_ slot: inout Int) -> Int { slot }

    /// Room for `n` more interned strs (a dict's keys): a dict of a million keys would
    /// otherwise rehash the table about twenty times as it grows.
    mutating func reserveMemo(_ n: Int) { strings.reserveCapacity(strings.count + n) }

    /// A module-level global (proto 4: module str, name str, STACK_GLOBAL, MEMOIZE);
    /// a memo reference when the object was pickled before.
    mutating func global(_ module: String, _ name: String) {
        // The global's own memo index follows its two strs; claimed now, filled by `memoize`.
        let key = Global(module: module, name: name)
        if let idx = globals.find(key, orInsert: -1) {
            get(idx)
            return
        }
        internedStr(module)
        internedStr(name)
        emit(1)
        globals.set(key, memoize())
    }

    mutating func int(_ x: Int64) { emit(PyInt.pickleBytes(x)) }
}

/// Memo indexes by key. A pickle names few distinct globals, so they are searched in a
/// short list; past `listLimit` keys, a hash table.
private struct MemoTable<Key: Hashable> {
    private var few: [(key: Key, index: Int)] = []
    private var many: [Key: Int]?
    static var listLimit: Int { 32 }

    /// The index stored for `key`; when there is none, stores `index` for it and returns nil.
    mutating func find(_ key: Key, orInsert index: Int) -> Int? {
        if many != nil {
            let old = many!.updateValue(index, forKey: key)
            if let old { many![key] = old }
            return old
        }
        for e in few where e.key == key { return e.index }
        few.append((key, index))
        if few.count > Self.listLimit { reserve(0) }
        return nil
    }

    /// Stores `index` for `key`, replacing the index stored before.
    mutating func set(_ key: Key, _ index: Int) {
        if many != nil {
            many![key] = index
        } else if let i = few.lastIndex(where: { $0.key == key }) {
            few[i].index = index
        } else {
            few.append((key, index))
        }
    }

    /// Room for `n` more keys: past the list's limit, a hash table sized for them (a dict of
    /// a million keys would otherwise rehash it about twenty times as it grows).
    mutating func reserve(_ n: Int) {
        if many == nil {
            guard few.count + n > Self.listLimit else { return }
            var table = [Key: Int](minimumCapacity: few.count + n)
            for e in few { table[e.key] = e.index }
            many = table
            few = []
        } else {
            many!.reserveCapacity(many!.count + n)
        }
    }
}

enum WireModel {
    static func size(_ v: PyValue) -> SizeEstimate {
        var w = PickleWriter()
        save(v, &w)
        let total = w.finish()
        var conf = w.confidence
        if !w.exact && conf == .exact { conf = .modelled }
        if total == Int64.max { conf = conf.combined(with: .unknown(reason: "size overflows Int64")) }
        return SizeEstimate(bytes: total, confidence: conf)
    }

    static func flavor(_ v: PyValue) -> PickleFlavor { containsMainClass(v) ? .cloudpickle : .pickle }

    static func containsMainClass(_ v: PyValue) -> Bool {
        switch v {
        case .list(let xs), .tuple(let xs): return xs.contains(where: containsMainClass)
        case .dict(let es): return es.contains { containsMainClass($0.value) }
        case .instance(let c, let fields): return c.isMain || fields.contains { containsMainClass($0.value) }
        case .boundMethod(let r, _): return containsMainClass(r)
        case .classObject(let c): return c.isMain
        default: return false
        }
    }

    static func save(_ v: PyValue, _ w: inout PickleWriter) {
        switch v {
        case .none, .bool:
            w.emit(1)
        case .int(let x):
            w.int(x)
        case .float:
            w.emit(9)
        case .str(let s):
            w.str(utf8Count: Int64(s.utf8.count))
        case .bytes(let n):
            let c = Int64(max(0, n))
            if n < 0 { w.degrade(.unknown(reason: "negative bytes length")) }
            w.blob(header: c < 256 ? 2 : (c <= 0xFFFF_FFFF ? 5 : 9), payload: c)
            w.memoize()
        case .list(let xs):
            w.emit(1)
            w.memoize()
            if xs.count == 1 {
                save(xs[0], &w)
                w.emit(1)  // APPEND
            } else if !xs.isEmpty {
                w.emit(Sat.mul(2, Sat.ceilDiv(Int64(xs.count), 1000)))  // MARK … APPENDS per batch
                for x in xs { save(x, &w) }
            }
        case .tuple(let xs):
            if xs.isEmpty { w.emit(1); return }  // EMPTY_TUPLE, not memoized
            if xs.count > 3 { w.emit(1) }  // MARK
            for x in xs { save(x, &w) }
            w.emit(1)  // TUPLEn / TUPLE
            w.memoize()
        case .dict(let entries):
            saveDict(entries, &w)
        case .intRangeList(let start, let count):
            w.emit(1)
            w.memoize()
            let n = max(0, count)
            if n == 1 {
                w.int(start)
                w.emit(1)
            } else if n > 1 {
                let (hi, o) = start.addingReportingOverflow(Int64(n))
                if o { w.degrade(.unknown(reason: "range end overflows Int64")) }
                let end = o ? Int64.max : hi
                w.emit(Sat.mul(2, Sat.ceilDiv(Int64(n), 1000)))
                w.emit(PyInt.piecewiseSum(lo: start, hi: end, boundaries: PyInt.boundaries,
                                          value: PyInt.pickleBytes))
            }
        case .ndarray(let dtype, let shape):
            _ = saveArray(dtype: dtype, shape: shape, &w)
        case .stridedArray(let dtype, let shape):
            saveStridedArray(dtype: dtype, shape: shape, &w)
        case .pandasScalar(let dtype):
            savePandasScalar(dtype, &w)
        case .numpyScalar(let dtype):
            w.global("numpy._core.multiarray", "scalar")
            saveDType(dtype, &w)
            w.blob(header: 2, payload: Int64(dtype.itemSize))  // SHORT_BINBYTES
            w.memoize()
            w.emit(1)  // TUPLE2
            w.memoize()
            w.emit(1)  // REDUCE
            w.memoize()
        case .series(let s):
            saveSeries(s, &w)
        case .instance(let cls, let fields):
            saveClass(cls, &w)
            w.emit(2)  // EMPTY_TUPLE NEWOBJ
            w.memoize()
            if !fields.isEmpty {
                saveDict(fields, &w)
                w.emit(1)  // BUILD
            }
        case .function(let module, let name):
            w.global(module, name)
        case .classObject(let cls):
            saveClass(cls, &w)
        case .dataFrame(let f):
            let payload = FrameSizes.picklePayload(f)
            w.blob(header: 0, payload: payload)
            w.degrade(.modelled)
        case .stringDict(let d):
            FrameSizes.saveStringDict(d, &w)
        case .boundMethod(let receiver, let name):
            w.global("builtins", "getattr")
            save(receiver, &w)
            w.internedStr(name)
            w.emit(1)  // TUPLE2
            w.memoize()
            w.emit(1)  // REDUCE
            w.memoize()
        case .opaque(let declared, let reason):
            if let declared, declared >= 0 {
                w.emit(Int64(declared))
                w.degrade(.declared)
            } else {
                w.degrade(.unknown(reason: reason))
            }
        }
    }

    /// pandas 3.1 `Timestamp.__reduce__`: `_unpickle_timestamp(value, None, None, 10)`;
    /// `Timedelta.__reduce__`: `_timedelta_unpickle(value, 10)` (10: nanosecond resolution).
    static func savePandasScalar(_ dtype: DType, _ w: inout PickleWriter) {
        if dtype == .timedelta64 {
            w.global("pandas._libs.tslibs.timedeltas", "_timedelta_unpickle")
            w.int(PyValue.presentDayNanoseconds)
            w.int(10)
            w.emit(1)  // TUPLE2
        } else {
            w.global("pandas._libs.tslibs.timestamps", "_unpickle_timestamp")
            w.emit(1)  // MARK
            w.int(PyValue.presentDayNanoseconds)
            w.emit(2)  // NONE NONE
            w.int(10)
            w.emit(1)  // TUPLE
        }
        w.memoize()
        w.emit(1)  // REDUCE
        w.memoize()
    }

    static func saveDict(_ entries: [PyDictEntry], _ w: inout PickleWriter) {
        w.emit(1)  // EMPTY_DICT
        w.memoize()
        if entries.count == 1 {
            w.internedStr(entries[0].key)
            save(entries[0].value, &w)
            w.emit(1)  // SETITEM
        } else if entries.count > 1 {
            // batch_dict_exact: batches of 1000, plus an empty trailing batch when the
            // count is a multiple of 1000.
            w.emit(Sat.mul(2, Int64(entries.count / 1000 + 1)))
            w.reserveMemo(entries.count)
            for e in entries {
                w.internedStr(e.key)
                save(e.value, &w)
            }
        }
    }

    /// numpy ≥ 1.x `ndarray.__reduce_ex__(5)` for a C-contiguous array:
    /// `numpy._core.numeric._frombuffer(PickleBuffer, dtype, shape, 'C')`. Without a
    /// `buffer_callback` (plain `pickle.dumps`) the PickleBuffer goes in-band as
    /// BYTEARRAY8 (9-byte header + raw data), so nothing is out-of-band.
    /// Returns the memo index of the rebuilt array.
    @discardableResult
    static func saveArray(dtype: DType, shape: [Int], _ w: inout PickleWriter) -> Int {
        if dtype.isTemporal { return saveStridedArray(dtype: dtype, shape: shape, &w) }
        var nbytes: Int64 = 0
        if let count = Sat.product(shape) {
            nbytes = Sat.mul(count, Int64(dtype.itemSize))
        } else {
            w.degrade(.unknown(reason: "negative dimension in shape \(shape)"))
        }
        w.global("numpy._core.numeric", "_frombuffer")
        w.emit(1)  // MARK
        w.blob(header: 9, payload: nbytes)  // BYTEARRAY8
        w.memoize()
        saveDType(dtype, &w)
        save(.tuple(shape.map { .int(Int64($0)) }), &w)
        w.internedStr("C")
        w.emit(1)  // TUPLE
        w.memoize()
        w.emit(1)  // REDUCE
        return w.memoize()
    }

    /// `ndarray.__reduce__` (numpy 2.4), used for arrays that are neither C- nor F-contiguous:
    /// `_reconstruct(ndarray, (0,), b'b')`, then BUILD with `(1, shape, dtype, False, data)`.
    /// Returns the memo index of the rebuilt array.
    @discardableResult
    static func saveStridedArray(dtype: DType, shape: [Int], _ w: inout PickleWriter, dtypeMemo: Int? = nil) -> Int {
        var nbytes: Int64 = 0
        if let count = Sat.product(shape) {
            nbytes = Sat.mul(count, Int64(dtype.itemSize))
        } else {
            w.degrade(.unknown(reason: "negative dimension in shape \(shape)"))
        }
        w.global("numpy._core.multiarray", "_reconstruct")
        w.global("numpy", "ndarray")
        save(.tuple([.int(0)]), &w)
        w.blob(header: 2, payload: 1)  // SHORT_BINBYTES b'b'
        w.memoize()
        w.emit(1)  // TUPLE3
        w.memoize()
        w.emit(1)  // REDUCE
        let array = w.memoize()
        w.emit(1)  // MARK
        w.int(1)
        save(.tuple(shape.map { .int(Int64($0)) }), &w)
        if let dtypeMemo { w.get(dtypeMemo) } else { saveDType(dtype, &w) }
        w.emit(1)  // NEWFALSE: not Fortran-ordered
        w.blob(header: nbytes < 256 ? 2 : (nbytes <= 0xFFFF_FFFF ? 5 : 9), payload: nbytes)
        w.memoize()
        w.emit(1)  // TUPLE
        w.memoize()
        w.emit(1)  // BUILD
        return array
    }

    @discardableResult
    static func saveDType(_ dtype: DType, _ w: inout PickleWriter) -> Int? {
        let key = "dtype:" + dtype.rawValue
        if !dtype.isTemporal, w.reuse(key) { return nil }
        w.global("numpy", "dtype")
        w.internedStr(dtype.pickleCode)
        w.emit(3)  // NEWFALSE NEWTRUE TUPLE3
        w.memoize()
        w.emit(1)  // REDUCE
        let memo = dtype.isTemporal ? w.memoize() : w.memoize(key)
        w.emit(1)  // MARK
        w.int(dtype.isTemporal ? 4 : 3)
        w.internedStr(dtype.byteOrder)
        w.emit(3)  // NONE NONE NONE
        w.int(-1)
        w.int(-1)
        w.int(0)
        if dtype.isTemporal {
            w.emit(2)  // NONE MARK
            w.blob(header: 2, payload: 2)  // SHORT_BINBYTES b'ns'
            w.memoize()
            w.int(1)
            w.int(1)
            w.int(1)
            w.emit(1)  // TUPLE
            w.memoize()
            w.emit(1)  // TUPLE2 (None, metadata)
            w.memoize()
        }
        w.emit(1)  // TUPLE
        w.memoize()
        w.emit(1)  // BUILD
        return memo
    }

    /// pandas 3.1 `DatetimeArray` / `TimedeltaArray`:
    /// `__pyx_unpickle_NDArrayBacked(cls, checksum, None)`, then BUILD with
    /// `(dtype, ndarray, {'_cache': {}, 'unit': 'ns'})`. Returns the memo index of the array.
    /// A `TimedeltaArray` (measured) shares its dtype with its ndarray and has no state
    /// dict: BUILD with `(dtype, ndarray)`.
    static func saveTemporalValues(_ dtype: DType, count n: Int, _ w: inout PickleWriter) -> Int {
        w.global("pandas._libs.arrays", "__pyx_unpickle_NDArrayBacked")
        w.global("pandas.arrays", dtype == .datetime64 ? "DatetimeArray" : "TimedeltaArray")
        w.emit(7)  // BININT checksum, NONE, TUPLE3
        w.memoize()
        w.emit(1)  // REDUCE
        let values = w.memoize()
        let memo = saveDType(dtype, &w)
        if dtype == .timedelta64 {
            saveStridedArray(dtype: dtype, shape: [n], &w, dtypeMemo: memo)
            w.emit(1)  // TUPLE2
            w.memoize()
            w.emit(1)  // BUILD
            return values
        }
        saveStridedArray(dtype: dtype, shape: [n], &w)
        w.emit(1)  // EMPTY_DICT
        w.memoize()
        w.internedStr("_cache")
        w.emit(1)  // EMPTY_DICT
        w.memoize()
        w.internedStr("unit")
        w.internedStr("ns")
        w.emit(3)  // SETITEM SETITEM TUPLE3
        w.memoize()
        w.emit(1)  // BUILD
        return values
    }

    static func saveIndex(_ s: SeriesShape, _ w: inout PickleWriter) {
        w.global("pandas.core.indexes.base", "_new_Index")
        switch s.index {
        case .range:
            w.global("pandas", "RangeIndex")
            w.emit(1)  // EMPTY_DICT
            w.memoize()
            w.emit(1)  // MARK
            w.internedStr("name"); w.emit(1)
            // A slice's RangeIndex keeps its labels: `RangeIndex(start, stop, step)`.
            let (span, overflow) = s.rangeStep.multipliedReportingOverflow(by: Int64(max(0, s.length)))
            w.internedStr("start"); w.int(s.rangeStart)
            w.internedStr("stop"); w.int(overflow ? Int64.max : s.rangeStart &+ span)
            w.internedStr("step"); w.int(s.rangeStep)
            w.emit(1)  // SETITEMS
        case .int64:
            w.global("pandas", "Index")
            w.emit(1)
            w.memoize()
            w.emit(1)
            w.internedStr("data")
            saveArray(dtype: .int64, shape: [max(0, s.length)], &w)
            w.internedStr("name"); w.emit(1)
            w.emit(1)
        }
        w.emit(1)  // TUPLE2
        w.memoize()
        w.emit(1)  // REDUCE
        w.memoize()
    }

    /// pandas 3.x `Series.__reduce__`: NEWOBJ + state dict
    /// `{_mgr: SingleBlockManager state, _typ, _metadata, attrs, _flags, _name}`.
    static func saveSeries(_ s: SeriesShape, _ w: inout PickleWriter) {
        let n = max(0, s.length)
        if s.length < 0 { w.degrade(.unknown(reason: "negative Series length")) }
        w.global("pandas", "Series")
        w.emit(2)  // EMPTY_TUPLE NEWOBJ
        w.memoize()
        w.emit(1)  // EMPTY_DICT
        w.memoize()
        w.emit(1)  // MARK
        w.internedStr("_mgr")
        w.global("pandas.core.internals.managers", "SingleBlockManager")
        w.emit(2)
        w.memoize()
        w.emit(1)  // MARK (state tuple)
        w.emit(1)  // EMPTY_LIST axes
        let axes = w.memoize()
        saveIndex(s, &w)
        w.emit(1)  // APPEND
        w.emit(1)  // EMPTY_LIST block values
        w.memoize()
        let values = s.dtype.isTemporal ? saveTemporalValues(s.dtype, count: n, &w)
            : s.stridedValues && n > 1 ? saveStridedArray(dtype: s.dtype, shape: [n], &w) : saveArray(dtype: s.dtype, shape: [n], &w)
        w.emit(1)
        w.emit(1)  // EMPTY_LIST block items: the index again, rebuilt (not memo-shared)
        w.memoize()
        saveIndex(s, &w)
        w.emit(1)
        w.emit(1)  // EMPTY_DICT extra state
        w.memoize()
        w.internedStr("0.14.1")
        w.emit(1)
        w.memoize()
        w.emit(1)  // MARK
        w.internedStr("axes")
        w.get(axes)
        w.internedStr("blocks")
        w.emit(1)
        w.memoize()
        w.emit(1)
        w.memoize()
        w.emit(1)  // MARK
        w.internedStr("values")
        w.get(values)
        w.internedStr("mgr_locs")
        if n == 0 {
            saveArray(dtype: .int64, shape: [0], &w)
        } else {
            w.global("builtins", "slice")
            w.int(0)
            w.int(Int64(n))
            w.int(1)
            w.emit(1)  // TUPLE3
            w.memoize()
            w.emit(1)  // REDUCE
            w.memoize()
        }
        w.emit(4)  // SETITEMS APPEND SETITEMS SETITEM
        w.emit(1)  // TUPLE
        w.memoize()
        w.emit(1)  // BUILD
        w.internedStr("_typ")
        w.internedStr("series")
        w.internedStr("_metadata")
        w.emit(1)
        w.memoize()
        w.internedStr("_name")
        w.emit(1)  // APPEND
        w.internedStr("attrs")
        w.emit(1)
        w.memoize()
        w.internedStr("_flags")
        w.emit(1)
        w.memoize()
        w.internedStr("allows_duplicate_labels")
        w.emit(2)  // NEWTRUE SETITEM
        w.internedStr("_name")
        if let name = s.name { w.str(utf8Count: Int64(name.utf8.count)) } else { w.emit(1) }
        w.emit(2)  // SETITEMS BUILD
    }

    /// The class of an instance: a STACK_GLOBAL reference for importable classes; for a
    /// `__main__` class, cloudpickle's by-value reconstruction (`_make_skeleton_class`
    /// with a random 32-hex class-tracker id, then `_class_setstate` with each method as
    /// `_make_function(CodeType(...), globals, …)` + `_function_setstate`). That blob is
    /// modelled, not simulated: see ``ClassByValue``.
    static func saveClass(_ cls: PyClass, _ w: inout PickleWriter) {
        let key = "class:\(cls.module).\(cls.qualname)"
        if !cls.isMain {
            w.global(cls.module, cls.qualname)
            return
        }
        if w.reuse(key) { return }
        w.emit(ClassByValue.bytes(cls))
        let first = w.memoCount
        w.bumpMemo(ClassByValue.memoEntries(cls))
        w.register(key, index: first + 15)
        w.degrade(.modelled)
    }
}

/// Calibrated cost of cloudpickle's class-by-value encoding (cloudpickle 3.1.2,
/// CPython 3.11): a skeleton (class name, `object` base, `__module__`, tracker id,
/// `__doc__`, `__slotnames__`) plus, per method, a code object (bytecode, names,
/// varnames, filename, line table, exception table) and the function state dict.
/// The first method also pays for names shared by all functions (`_make_function`,
/// `CodeType`, the `__globals__` keys …). Per-method bytecode size varies with the
/// body; the constants are fitted to small accessor-like methods (see calibration/).
enum ClassByValue {
    static let skeleton: Int64 = 236
    static let firstMethodExtra: Int64 = 212
    static let perMethod: Int64 = 226

    static func bytes(_ cls: PyClass) -> Int64 {
        let q = Int64(cls.qualname.utf8.count)
        var total = Sat.add(skeleton, q)
        if !cls.methods.isEmpty { total = Sat.add(total, firstMethodExtra) }
        for m in cls.methods {
            let k = Int64(m.utf8.count)
            // method name: class-dict key, co_name, __name__; qualname "Cls.m": co_qualname, __qualname__
            total = Sat.sum(total, perMethod, Sat.mul(3, k), Sat.mul(2, q + 1 + k))
        }
        return total
    }

    static func memoEntries(_ cls: PyClass) -> Int {
        18 + (cls.methods.isEmpty ? 0 : 30) + 22 * cls.methods.count
    }
}
