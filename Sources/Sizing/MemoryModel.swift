import enum PipelineIR.Sat

/// CPython 3.11 object layouts shared by the resident and dask.sizeof models.
enum CPython {
    /// The storage kind of a str (PEP 393) and its `sys.getsizeof`.
    static func strGetsizeof(_ s: String) -> Int64 {
        var maxScalar: UInt32 = 0
        var n: Int64 = 0
        for u in s.unicodeScalars {
            maxScalar = max(maxScalar, u.value)
            n += 1
        }
        if maxScalar < 0x80 { return 49 + n }  // compact ASCII: 48-byte header + NUL
        if maxScalar < 0x100 { return 73 + n }  // compact latin-1: 72 + NUL
        if maxScalar < 0x10000 { return Sat.add(74, Sat.mul(2, n)) }  // UCS-2
        return Sat.add(76, Sat.mul(4, n))  // UCS-4
    }

    /// Whether unpickling yields a shared singleton (empty str, one latin-1 character).
    static func strIsSingleton(_ s: String) -> Bool {
        let scalars = s.unicodeScalars
        if scalars.isEmpty { return true }
        if scalars.count == 1, let u = scalars.first, u.value < 0x100 { return true }
        return false
    }

    /// List capacity after unpickling `n` items: APPEND (one item: capacity 4) or
    /// `list[len:len] = batch` per 1000-item batch, with list_resize's over-allocation
    /// `(size + size/8 + 6) & ~3` (or `(size + 3) & ~3` when growing by more than that).
    static func unpickledListCapacity(_ n: Int64) -> Int64 {
        if n <= 0 { return 0 }
        if n == 1 { return 4 }
        var cap: Int64 = 0
        var size: Int64 = 0
        while size < n {
            // Next batch end that needs a resize: first multiple of 1000 past cap (or n).
            let nextEnd: Int64
            if size == 0 {
                nextEnd = min(n, 1000)
            } else {
                let need = Sat.add(cap, 1)
                let batchEnd = Sat.mul(Sat.ceilDiv(need, 1000), 1000)
                nextEnd = min(n, batchEnd)
            }
            if nextEnd > cap {
                var newCap = Sat.sum(nextEnd, nextEnd >> 3, 6) & ~3
                let prevSize = nextEnd == n ? max(size, ((n - 1) / 1000) * 1000) : nextEnd - 1000
                if nextEnd - prevSize > newCap - nextEnd { newCap = Sat.add(nextEnd, 3) & ~3 }
                cap = newCap
            }
            size = nextEnd
        }
        return cap
    }

    /// Slots of `list(iterable_with_len)`: exact length rounded up to even
    /// (list_preallocate_exact), as `list(range(n))` and `list(seq)` allocate.
    static func exactListCapacity(_ n: Int64) -> Int64 { Sat.add(n, 1) & ~1 }

    /// `sys.getsizeof` of a dict of `n` str keys built by insertion (CPython 3.11):
    /// 64 (object + GC header) plus, when non-empty, the keys object:
    /// 32 + 2^k index bytes × width + usable × 16, usable = 2·2^k/3, growing to the
    /// smallest 2^k ≥ 3·used whenever the usable slots run out.
    static func dictGetsizeof(_ n: Int64) -> Int64 {
        if n <= 0 { return 64 }
        var log2: Int64 = 3
        var usable: Int64 = 5
        while usable < n {
            let want = Sat.mul(usable, 3)
            var l: Int64 = 3
            while l < 62 && (Int64(1) << l) < want { l += 1 }
            log2 = l
            usable = ((Int64(1) << log2) << 1) / 3
        }
        let size = Int64(1) << log2
        let width: Int64 = log2 < 8 ? 1 : (log2 < 16 ? 2 : (log2 < 32 ? 4 : 8))
        return Sat.sum(64, 32, Sat.mul(size, width), Sat.mul(usable, 16))
    }
}

/// Bytes the unpickled object occupies in a worker (tracemalloc delta across
/// `pickle.loads`, calibrated on CPython 3.11 / numpy 2.4 / pandas 3.1).
enum ResidentModel {
    /// ndarray rebuilt by `_frombuffer`: the bytearray that owns the data plus the
    /// array object and dtype/shape bookkeeping.
    static let ndarrayOverhead: Int64 = 795
    /// Series + SingleBlockManager + Block + RangeIndex objects (values excluded).
    static let seriesRangeOverhead: Int64 = 2450
    /// Same with an explicit Index (its data counted separately).
    static let seriesIndexOverhead: Int64 = 3060
    /// An instance with a materialised `__dict__` (attribute names are interned).
    static let instanceOverhead: Int64 = 300
    /// A bound method object.
    static let boundMethod: Int64 = 64
    /// cloudpickle re-runs `_class_setstate` on every load: fresh function and code
    /// objects replace the class's methods (the class itself is reused via the
    /// class tracker). Calibrated: skeleton + first method + further methods.
    static let mainClassSkeleton: Int64 = 335
    static let mainClassFirstMethod: Int64 = 1584
    static let mainClassPerMethod: Int64 = 973

    static func size(_ v: PyValue) -> SizeEstimate {
        var state = State()
        let b = bytes(v, &state)
        var conf = state.conf
        if b == Int64.max { conf = conf.combined(with: .unknown(reason: "size overflows Int64")) }
        return SizeEstimate(bytes: b, confidence: conf)
    }

    struct State {
        var conf: Confidence = .modelled
        /// `__main__` classes already rebuilt by this load (cloudpickle memoizes the class).
        var mainClasses: Set<String> = []
    }

    static func bytes(_ v: PyValue, _ conf: inout State) -> Int64 {
        switch v {
        case .none, .bool: return 0
        case .int(let x): return PyInt.resident(x)
        case .float: return 24
        case .str(let s): return CPython.strIsSingleton(s) ? 0 : CPython.strGetsizeof(s)
        case .bytes(let n): return n <= 0 ? 0 : Sat.add(33, Int64(n))
        case .list(let xs):
            let cap = CPython.unpickledListCapacity(Int64(xs.count))
            return xs.reduce(Sat.add(56, Sat.mul(8, cap))) { Sat.add($0, bytes($1, &conf)) }
        case .tuple(let xs):
            if xs.isEmpty { return 0 }
            return xs.reduce(Sat.add(40, Sat.mul(8, Int64(xs.count)))) { Sat.add($0, bytes($1, &conf)) }
        case .dict(let es):
            var t = CPython.dictGetsizeof(Int64(es.count))
            for e in es {
                t = Sat.sum(t, CPython.strIsSingleton(e.key) ? 0 : CPython.strGetsizeof(e.key), bytes(e.value, &conf))
            }
            return t
        case .intRangeList(let start, let count):
            let n = Int64(max(0, count))
            let cap = CPython.unpickledListCapacity(n)
            let (hi, o) = start.addingReportingOverflow(n)
            if o { conf.conf = conf.conf.combined(with: .unknown(reason: "range end overflows Int64")) }
            let ints = PyInt.piecewiseSum(lo: start, hi: o ? Int64.max : hi, boundaries: PyInt.boundaries,
                                          value: PyInt.resident)
            return Sat.sum(56, Sat.mul(8, cap), ints)
        case .ndarray(let dtype, let shape), .stridedArray(let dtype, let shape):
            // A strided view unpickles as a new contiguous array of its own elements.
            guard let count = Sat.product(shape) else {
                conf.conf = conf.conf.combined(with: .unknown(reason: "negative dimension"))
                return 0
            }
            return Sat.add(ndarrayOverhead, Sat.mul(count, Int64(dtype.itemSize)))
        case .numpyScalar(let dtype):
            return Sat.add(dtype.isTemporal || dtype == .complex128 ? 32 : 24, Int64(dtype.itemSize))  // sys.getsizeof: object header (+ the unit) + the value
        case .pandasScalar(let dtype):
            return dtype == .timedelta64 ? 168 : 128  // sys.getsizeof (measured, pandas 3.1)
        case .series(let s):
            let n = Int64(max(0, s.length))
            var t = Sat.mul(n, Int64(s.dtype.itemSize))
            switch s.index {
            case .range: t = Sat.add(t, seriesRangeOverhead)
            case .int64: t = Sat.sum(t, seriesIndexOverhead, Sat.mul(8, n))
            }
            if let name = s.name, !CPython.strIsSingleton(name) { t = Sat.add(t, CPython.strGetsizeof(name)) }
            return t
        case .instance(let cls, let fields):
            var t = instanceOverhead
            if cls.isMain, conf.mainClasses.insert(cls.module + "." + cls.qualname).inserted {
                t = Sat.add(t, mainClassSkeleton)
                if !cls.methods.isEmpty {
                    t = Sat.sum(t, mainClassFirstMethod, Sat.mul(mainClassPerMethod, Int64(cls.methods.count - 1)))
                }
            }
            for f in fields { t = Sat.add(t, bytes(f.value, &conf)) }
            return t
        case .boundMethod(let r, _):
            return Sat.add(boundMethod, bytes(r, &conf))
        case .function, .classObject:
            // Module-level: one per process, loaded once whatever refers to it.
            return 0
        case .dataFrame(let f): return FrameSizes.resident(f)
        case .stringDict(let d): return FrameSizes.resident(d)
        case .opaque(let declared, let reason):
            if let declared, declared >= 0 {
                conf.conf = conf.conf.combined(with: .declared)
                return Int64(declared)
            }
            conf.conf = conf.conf.combined(with: .unknown(reason: reason))
            return 0
        }
    }
}

/// `dask.sizeof.sizeof` (dask 2026.8.0) re-implemented for the modelled kinds:
/// `sys.getsizeof` by default (a custom instance: 56 B whatever it holds; a bound
/// method: 64 B), `len` for bytes, `nbytes` for ndarrays,
/// `1200 + sizeof(index) + nbytes` for a numeric Series (`RangeIndex`: 400 + its
/// `range` and three ints; an `Index`: 400 + nbytes), and for lists/tuples
/// `getsizeof + Σ sizeof(items)` up to 10 items, else `n/10 ×` the sum over 10
/// random items (exact when the items all have one size, the expectation otherwise).
enum DaskSizeofModel {
    static func size(_ v: PyValue) -> SizeEstimate {
        var conf: Confidence = .exact
        let b = bytes(v, &conf)
        if b == Int64.max { conf = conf.combined(with: .unknown(reason: "size overflows Int64")) }
        return SizeEstimate(bytes: b, confidence: conf)
    }

    /// `int(n / 10 * sample_sum)` with the double arithmetic Python uses.
    static func sampled(_ n: Int64, sampleSum: Double) -> Int64 {
        let x = Double(n) / 10.0 * sampleSum
        if !(x < 9.2e18) { return Int64.max }
        return Int64(x)
    }

    static func collection(_ base: Int64, _ items: [PyValue], _ conf: inout Confidence) -> Int64 {
        var sizes: [Int64] = []
        sizes.reserveCapacity(items.count)
        for x in items { sizes.append(bytes(x, &conf)) }
        return collectionOfSizes(base, sizes, &conf)
    }

    static func collectionOfSizes(_ base: Int64, _ sizes: [Int64], _ conf: inout Confidence) -> Int64 {
        if sizes.count <= 10 { return sizes.reduce(base, Sat.add) }
        let first = sizes[0]
        if sizes.allSatisfy({ $0 == first }) {
            return Sat.add(base, sampled(Int64(sizes.count), sampleSum: 10 * Double(first)))
        }
        conf = conf.combined(with: .modelled)
        let mean = sizes.reduce(0.0) { $0 + Double($1) } / Double(sizes.count)
        return Sat.add(base, sampled(Int64(sizes.count), sampleSum: 10 * mean))
    }

    static func bytes(_ v: PyValue, _ conf: inout Confidence) -> Int64 {
        switch v {
        case .none: return 16
        case .bool: return 28
        case .int(let x): return PyInt.getsizeof(x)
        case .float: return 24
        case .str(let s): return CPython.strGetsizeof(s)
        case .bytes(let n): return Int64(max(0, n))
        case .list(let xs):
            return collection(Sat.add(56, Sat.mul(8, CPython.exactListCapacity(Int64(xs.count)))), xs, &conf)
        case .tuple(let xs):
            return collection(Sat.add(40, Sat.mul(8, Int64(xs.count))), xs, &conf)
        case .dict(let es):
            let n = Int64(es.count)
            let listBase = Sat.add(56, Sat.mul(8, CPython.exactListCapacity(n)))
            let keys = collectionOfSizes(listBase, es.map { CPython.strGetsizeof($0.key) }, &conf)
            let values = collection(listBase, es.map(\.value), &conf)
            return Sat.sum(CPython.dictGetsizeof(n), keys, values, -112)
        case .intRangeList(let start, let count):
            let n = Int64(max(0, count))
            let base = Sat.add(56, Sat.mul(8, CPython.exactListCapacity(n)))
            let (hi, o) = start.addingReportingOverflow(n)
            if o { conf = conf.combined(with: .unknown(reason: "range end overflows Int64")); return base }
            let total = PyInt.piecewiseSum(lo: start, hi: hi, boundaries: PyInt.boundaries, value: PyInt.getsizeof)
            if n <= 10 { return Sat.add(base, total) }
            let uniform = PyInt.getsizeof(start) == PyInt.getsizeof(hi &- 1)
                && (start >= 0 || hi <= 0 || PyInt.getsizeof(0) == PyInt.getsizeof(start))
            if !uniform { conf = conf.combined(with: .modelled) }
            return Sat.add(base, sampled(n, sampleSum: 10 * Double(total) / Double(n)))
        case .ndarray(let dtype, let shape), .stridedArray(let dtype, let shape):
            guard let count = Sat.product(shape) else {
                conf = conf.combined(with: .unknown(reason: "negative dimension"))
                return 0
            }
            return Sat.mul(count, Int64(dtype.itemSize))
        case .numpyScalar(let dtype):
            return Sat.add(dtype.isTemporal || dtype == .complex128 ? 32 : 24, Int64(dtype.itemSize))  // no registration: sys.getsizeof
        case .pandasScalar(let dtype):
            return dtype == .timedelta64 ? 168 : 128  // no registration: sys.getsizeof
        case .series(let s):
            let n = Int64(max(0, s.length))
            let index: Int64
            switch s.index {
            case .range: index = Sat.sum(400, 48, 28, PyInt.getsizeof(n), 28)
            case .int64: index = Sat.add(400, Sat.mul(8, n))
            }
            return Sat.sum(1200, index, Sat.mul(n, Int64(s.dtype.itemSize)))
        case .instance: return 56
        case .boundMethod: return 64
        case .function: return 152  // sys.getsizeof of a function (CPython 3.11)
        case .classObject: return 1688  // sys.getsizeof of a plain class
        case .dataFrame(let f):
            conf = conf.combined(with: .modelled)
            return FrameSizes.daskSizeof(f)
        case .stringDict(let d):
            conf = conf.combined(with: .modelled)
            return FrameSizes.daskSizeof(d)
        case .opaque:
            // The declared size is the wire size; what `sizeof` says depends on the
            // object's class. Unregistered classes (most models, clients, custom
            // containers) fall back to `sys.getsizeof`, so that is the assumption.
            conf = conf.combined(with: .unknown(reason: "sizeof of an opaque object depends on its class; assumed the sys.getsizeof fallback"))
            return 56
        }
    }
}
