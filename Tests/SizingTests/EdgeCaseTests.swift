import Testing
@testable import Sizing

@Suite struct EdgeCaseTests {
    @Test func hugeShapesSaturateInsteadOfTrapping() {
        let v = PyValue.ndarray(dtype: .complex128, shape: [1_000_000_000_000, 1_000_000_000_000])
        #expect(SizeModel.wireSize(v).bytes == Int64.max)
        if case .unknown = SizeModel.wireSize(v).confidence {} else { Issue.record("expected .unknown") }
        #expect(SizeModel.residentSize(v).bytes == Int64.max)
        #expect(SizeModel.daskSizeof(v).bytes == Int64.max)
        #expect(SizeModel.daskAutoDelays(v))
    }

    @Test func teraElementArrayIsAHugeNumber() {
        let v = PyValue.ndarray(dtype: .float64, shape: [1_000_000_000_000])
        #expect(SizeModel.wireSize(v).bytes > 8_000_000_000_000)
        #expect(SizeModel.daskSizeof(v).bytes == 8_000_000_000_000)
    }

    @Test func hugeRangesAreInstantAndSaturate() {
        let big = PyValue.intRangeList(start: 0, count: 10_000_000)
        // Closed form: 256·2 + 65280·3 + (10^7 − 65536)·5 int bytes + 2 per 1000-item batch.
        #expect(SizeModel.wireSize(big).bytes > 49_000_000)
        let overflow = PyValue.intRangeList(start: Int64.max - 5, count: Int.max)
        _ = SizeModel.wireSize(overflow)
        _ = SizeModel.residentSize(overflow)
        _ = SizeModel.daskSizeof(overflow)
        if case .unknown = SizeModel.wireSize(overflow).confidence {} else { Issue.record("expected .unknown") }
        let series = PyValue.series(SeriesShape(dtype: .complex128, length: Int.max, index: .int64))
        #expect(SizeModel.wireSize(series).bytes == Int64.max)
        #expect(SizeModel.residentSize(series).bytes == Int64.max)
    }

    @Test func emptyShapes() {
        #expect(SizeModel.wireSize(.ndarray(dtype: .float64, shape: [0])).bytes == 127)
        #expect(SizeModel.wireSize(.ndarray(dtype: .int64, shape: [])).bytes == 132)  // 0-d: one element
        #expect(SizeModel.daskSizeof(.ndarray(dtype: .int64, shape: [0, 7])).bytes == 0)
        #expect(SizeModel.wireSize(.list([])).bytes == 5)
        #expect(SizeModel.wireSize(.tuple([])).bytes == 4)
        #expect(SizeModel.wireSize(.intRangeList(start: 0, count: 0)).bytes == 5)
        #expect(SizeModel.wireSize(.series(SeriesShape(dtype: .int64, length: 0))).bytes == 543)
        #expect(SizeModel.wireSize(.none).bytes == 4)
    }

    @Test func negativeDimensionsAreUnknown() {
        let v = PyValue.ndarray(dtype: .int8, shape: [3, -1])
        if case .unknown = SizeModel.wireSize(v).confidence {} else { Issue.record("expected .unknown") }
        if case .unknown = SizeModel.daskSizeof(v).confidence {} else { Issue.record("expected .unknown") }
    }

    @Test func opaqueValues() {
        let declared = PyValue.opaque(declaredBytes: 5_000_000, reason: "pkg.mod:factory")
        #expect(SizeModel.wireSize(declared).confidence == .declared)
        #expect(SizeModel.wireSize(declared).bytes >= 5_000_000)
        // dask.sizeof of an opaque object is assumed to be the sys.getsizeof fallback (56 B), so
        // normalize_arg does not wrap it, whatever its declared wire size (samples/model-weights.yaml).
        #expect(SizeModel.daskSizeof(declared).bytes == 56)
        #expect(!SizeModel.daskAutoDelays(declared))
        let unknown = PyValue.opaque(declaredBytes: nil, reason: "object dtype")
        #expect(SizeModel.wireSize(unknown).confidence == .unknown(reason: "object dtype"))
        #expect(SizeModel.residentSize(unknown).confidence == .unknown(reason: "object dtype"))
        #expect(!SizeModel.daskAutoDelays(unknown))
        // Unknown inside a container taints the whole estimate.
        let nested = PyValue.list([.int(1), unknown])
        if case .unknown = SizeModel.wireSize(nested).confidence {} else { Issue.record("expected .unknown") }
    }

    @Test func seedCase() {
        let mapper = PyClass(module: "__main__", qualname: "Mapper", methods: ["__init__", "lookup"])
        let seed = PyValue.instance(mapper, fields: [
            PyDictEntry(key: "series", value: .series(SeriesShape(dtype: .int64, length: 30000))),
        ])
        #expect(SizeModel.wireFlavor(seed) == .cloudpickle)
        let wire = SizeModel.wireSize(seed)
        #expect(abs(Double(wire.bytes) - 241_567) < 2_415)  // measured 241,567 B ≈ 236 KiB
        #expect(wire.confidence == .modelled)
        #expect(SizeModel.daskSizeof(seed).bytes == 56)
        #expect(!SizeModel.daskAutoDelays(seed))
        #expect(SizeModel.daskSizeof(.boundMethod(receiver: seed, name: "lookup")).bytes == 64)
        #expect(SizeModel.wireFlavor(.instance(PyClass(module: "pkg.mod", qualname: "Mapper"), fields: [])) == .pickle)
    }

    @Test func normalizeArgRules() {
        #expect(SizeModel.daskAutoDelays(.list(Array(repeating: .int(1), count: 10))))
        #expect(!SizeModel.daskAutoDelays(.list(Array(repeating: .int(1), count: 9))))
        #expect(!SizeModel.daskAutoDelays(.tuple(Array(repeating: .int(1), count: 10))))
        #expect(SizeModel.daskAutoDelays(.str("_12")))
        #expect(!SizeModel.daskAutoDelays(.str("x_1")))
        #expect(SizeModel.daskAutoDelays(.ndarray(dtype: .float64, shape: [1_000_000])))
        #expect(!SizeModel.daskAutoDelays(.series(SeriesShape(dtype: .int64, length: 30000))))
    }

    @Test func intOpcodeClasses() {
        #expect(PyInt.pickleBytes(255) == 2)
        #expect(PyInt.pickleBytes(256) == 3)
        #expect(PyInt.pickleBytes(65536) == 5)
        #expect(PyInt.pickleBytes(-1) == 5)
        #expect(PyInt.pickleBytes(Int64(Int32.max) + 1) == 7)
        #expect(PyInt.pickleBytes(Int64.min) == 10)
        // Closed form equals the element-wise sum.
        for (a, n) in [(Int64(-300), 1000), (Int64(65000), 2000), (Int64(2_147_483_000), 1500)] {
            let closed = PyInt.piecewiseSum(lo: a, hi: a + Int64(n), boundaries: PyInt.boundaries,
                                            value: PyInt.pickleBytes)
            let direct = (a..<(a + Int64(n))).reduce(Int64(0)) { $0 + PyInt.pickleBytes($1) }
            #expect(closed == direct)
            let closedR = PyInt.piecewiseSum(lo: a, hi: a + Int64(n), boundaries: PyInt.boundaries,
                                             value: PyInt.resident)
            #expect(closedR == (a..<(a + Int64(n))).reduce(Int64(0)) { $0 + PyInt.resident($1) })
        }
    }

    @Test func memoSharesDTypesAndGlobalsAcrossArrays() {
        let one = SizeModel.wireSize(.ndarray(dtype: .int64, shape: [2])).bytes
        let two = SizeModel.wireSize(.list([.ndarray(dtype: .int64, shape: [2]),
                                            .ndarray(dtype: .int64, shape: [2])])).bytes
        #expect(two < 2 * one)
        #expect(two == 188)  // measured with pickle.dumps
    }
}

/// References: what a delayed builder's task carries besides its arguments.
@Suite struct ReferenceTests {
    /// `len(pickle.dumps(os.path.join, protocol=5))`, and with a 40-character str after it
    /// in a tuple (CPython 3.11): PROTO, FRAME, module and name with their MEMOIZEs, STACK_GLOBAL.
    @Test func functionsPickleAsModuleAndName() {
        #expect(SizeModel.wireSize(.function(module: "posixpath", name: "join")).bytes == 33)
        #expect(SizeModel.wireSize(.tuple([.function(module: "posixpath", name: "join"), .str(String(repeating: "x", count: 40))])).bytes == 78)
        #expect(SizeModel.wireSize(.classObject(PyClass(module: "json.decoder", qualname: "JSONDecoder"))).bytes == 43)
    }

    /// A `__main__` class travels by value, once per pickle, as it does inside an instance.
    @Test func mainClassesTravelByValueOnce() {
        let cls = PyClass(module: "__main__", qualname: "Mapper", methods: ["lookup"])
        let instance = PyValue.instance(cls, fields: [])
        let alone = SizeModel.wireSize(.classObject(cls)).bytes
        #expect(alone > 500)
        // Instance = class + EMPTY_TUPLE NEWOBJ + MEMOIZE; a second mention is a memo reference.
        #expect(SizeModel.wireSize(instance).bytes == alone + 3)
        #expect(SizeModel.wireSize(.tuple([.classObject(cls), .classObject(cls)])).bytes == SizeModel.wireSize(.tuple([.classObject(cls)])).bytes + 2)
        #expect(SizeModel.residentSize(.classObject(cls)).bytes == 0)
    }
}

/// Projections (calibration/projections.py, pickle protocol 5, numpy 2.4.6): an element is a
/// numpy scalar; a strided view pickles through `ndarray.__reduce__` with a copy of its own data.
@Suite struct ProjectedValueTests {
    /// pickle.dumps and sys.getsizeof of a numpy scalar of each dtype (numpy 2.4.6).
    @Test(arguments: [(DType.int64, Int64(117), Int64(32)), (.float64, 117, 32), (.int8, 110, 25), (.float32, 113, 28), (.bool, 110, 25),
                      (.complex64, 117, 32), (.complex128, 126, 48), (.datetime64, 134, 40), (.timedelta64, 134, 40)])
    func numpyScalarsPickleAsMeasured(_ dtype: DType, _ bytes: Int64, _ sizeof: Int64) {
        let w = SizeModel.wireSize(.numpyScalar(dtype))
        #expect(w.bytes == bytes)
        #expect(w.confidence == .exact)
        #expect(SizeModel.daskSizeof(.numpyScalar(dtype)).bytes == sizeof)
    }

    /// A datetime or timedelta Series boxes its elements: pandas `Timestamp` / `Timedelta`,
    /// measured with a present-day value (pandas 3.1.1).
    @Test(arguments: [(DType.datetime64, Int64(88), Int64(128)), (.timedelta64, 85, 168)])
    func pandasScalarsPickleAsMeasured(_ dtype: DType, _ bytes: Int64, _ sizeof: Int64) {
        #expect(SizeModel.wireSize(.pandasScalar(dtype)).bytes == bytes)
        #expect(SizeModel.daskSizeof(.pandasScalar(dtype)).bytes == sizeof)
    }

    @Test func stridedViewsPickleACopyOfTheirData() {
        #expect(SizeModel.wireSize(.stridedArray(dtype: .float64, shape: [3])).bytes == 172)
        #expect(SizeModel.wireSize(.stridedArray(dtype: .float64, shape: [5000])).bytes == 40_152)
        // A contiguous row of the same matrix is an ordinary array.
        #expect(SizeModel.wireSize(.ndarray(dtype: .float64, shape: [16])).bytes == 255)
        #expect(SizeModel.daskSizeof(.stridedArray(dtype: .float64, shape: [5000])).bytes == 40_000)
    }

    /// Slices of `pd.Series(np.arange(30000))`: the RangeIndex keeps its labels; a step other
    /// than 1 makes the values a strided view.
    @Test(arguments: [
        (5, Int64(0), Int64(2), true, Int64(610)),          // s.iloc[0:10:2]
        (19_900, 100, 1, false, 159_762),                   // s.iloc[100:20000]
        (30_000, 29_999, -1, true, 240_598),                // s.iloc[::-1]
        (1, 29_999, 1, false, 561),                         // s.iloc[-1:]
    ])
    func seriesSlicesPickleAsMeasured(_ n: Int, _ start: Int64, _ step: Int64, _ strided: Bool, _ bytes: Int64) {
        var shape = SeriesShape(dtype: .int64, length: n)
        shape.rangeStart = start
        shape.rangeStep = step
        shape.stridedValues = strided
        #expect(SizeModel.wireSize(.series(shape)).bytes == bytes)
    }
}
