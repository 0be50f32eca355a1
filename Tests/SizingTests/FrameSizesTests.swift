import Testing
@testable import Sizing

/// DataFrame and dict-of-strings sizes against values measured with pandas 3.1.1, pyarrow
/// 26.0.1, dask 2026.8.0 and CPython 3.11 (`pickle.dumps(x, protocol=5)`, `dask.sizeof`), built
/// as docs/pipeline-format.md says (strings `str(i).zfill(L)`, categories `c0…`, shared dict values).
@Suite struct FrameSizesTests {
    static func frame(_ rows: Int, _ columns: [(String, DataFrameShape.Column)]) -> PyValue {
        .dataFrame(DataFrameShape(rows: rows, columns: columns.map { (name: $0.0, column: $0.1) }))
    }

    /// (frame, measured pickle, measured dask.sizeof); pickle within 0.4% or 40 B. Computed, not a
    /// stored global: LeakSanitizer cannot follow a global's enum payload pointers (Swift keeps the
    /// case's tag in their spare bits) and would report its boxes as leaks.
    static var measured: [(PyValue, Int64, Int64)] { [
        (frame(0, [("a", .numeric(.int64))]), 801, 2141),
        (frame(1000, [("a", .numeric(.int64))]), 8803, 10141),
        (frame(1000, [("a", .numeric(.int32))]), 4803, 6141),
        (frame(1000, [("a", .numeric(.bool))]), 1803, 3141),
        (frame(2000, [("a", .numeric(.datetime64))]), 17019, 18141),
        (frame(1000, [("a", .string(length: 5))]), 13805, 15141),
        (frame(2000, [("a", .string(length: 12))]), 40805, 42141),
        (frame(1000, [("a", .numeric(.int64)), ("b", .numeric(.float64))]), 16894, 19350),
        (frame(1000, [("a", .numeric(.int64)), ("b", .numeric(.float64)), ("c", .numeric(.int64))]), 24903, 28559),
        (frame(1000, [("a", .string(length: 5)), ("b", .string(length: 5))]), 26947, 28150),
        (frame(1000, [("a", .category(count: 10))]), 2178, 3241),
        (frame(2000, [("a", .category(count: 1000))]), 16969, 51095),
        (frame(1000, [("abcdefgh", .numeric(.int64))]), 8810, 10148),
    ] }

    @Test func dataFramePickleAndSizeofMatchMeasurements() {
        for (value, pickle, sizeof) in Self.measured {
            let wire = SizeModel.wireSize(value).bytes
            #expect(abs(Double(wire - pickle)) <= max(40, Double(pickle) * 0.004), "\(value): pickle \(wire), measured \(pickle)")
            let s = SizeModel.daskSizeof(value).bytes
            #expect(abs(Double(s - sizeof)) <= max(40, Double(sizeof) * 0.1), "\(value): sizeof \(s), measured \(sizeof)")
        }
    }

    /// (length, key length, value length, distinct, pickle, dask.sizeof), measured.
    static let dicts: [(Int, Int, Int, Int, Int64, Int64)] = [
        (1000, 5, 8, 50, 10468, 153_032),
        (2000, 5, 8, 50, 20470, 305_968),
        (40000, 5, 8, 50, 400_600, 6_041_280),
        (1000, 5, 8, 1000, 19018, 153_032),
        (1000, 10, 8, 50, 15468, 158_032),
        (1000, 5, 16, 50, 10868, 161_032),
    ]

    @Test func stringDictPickleIsSimulatedExactlyAndSizeofFollowsDask() {
        for (n, lk, lv, d, pickle, sizeof) in Self.dicts {
            let v = PyValue.stringDict(StringDictShape(length: n, keyLength: lk, valueLength: lv, distinct: d))
            let wire = SizeModel.wireSize(v).bytes
            // One frame header of slack: 64 KiB frame boundaries are modelled, not simulated.
            #expect(abs(wire - pickle) <= 9, "dict(\(n), \(lk), \(lv), \(d)): pickle \(wire), measured \(pickle)")
            #expect(SizeModel.daskSizeof(v).bytes == sizeof, "dict(\(n), \(lk), \(lv), \(d))")
        }
    }

    @Test func hugeFramesSaturateInsteadOfLooping() {
        // Closed forms: the row count never becomes a loop.
        let big = Self.frame(Int.max / 2, [("a", .string(length: 64)), ("b", .category(count: 1_000_000))])
        #expect(SizeModel.wireSize(big).bytes == Int64.max)
        #expect(SizeModel.residentSize(big).bytes == Int64.max)
    }

    /// `str(v).zfill(5)` never truncates: rows 100,000 and up are 6 characters (frame-reference-table's
    /// from_pandas slices: 3,351,932 B for rows 0–149,999, 3,451,935 B for each later slice, measured).
    @Test func zeroFilledNumbersLongerThanTheirLengthAreLonger() {
        #expect(FrameSizes.longerText(.rowNumbers, length: 5, firstRow: 0, rows: 150_000) == 50_000)
        #expect(FrameSizes.longerText(.rowNumbers, length: 5, firstRow: 450_000, rows: 150_000) == 150_000)
        #expect(FrameSizes.longerText(.rowNumbers, length: 6, firstRow: 450_000, rows: 150_000) == 0)
        #expect(FrameSizes.longerText(.uniform(low: 0, high: 50_000), length: 5, firstRow: 0, rows: 1_000) == 0)
        // Half of 0..<200,000 has six digits.
        #expect(FrameSizes.longerText(.uniform(low: 0, high: 200_000), length: 5, firstRow: 0, rows: 1_000) == 500)
        let slice = DataFrameShape(rows: 150_000, columns: [("zip", .string(length: 5))], firstRow: 450_000, numberText: ["zip": .rowNumbers])
        let plain = DataFrameShape(rows: 150_000, columns: [("zip", .string(length: 5))])
        #expect(FrameSizes.picklePayload(slice) == FrameSizes.picklePayload(plain) + 150_000)
    }

    /// A dict pickled alone refers to its first 127 shared values with BINGET; inside a larger
    /// pickle (past memo index 255) every reference is a LONG_BINGET, 3 B more each (measured
    /// +119,851 B for 40,000 entries of 50 values, +18,670 B for 10,000 of 200).
    @Test func aDictsShortReferencesAreItsReusesOfTheFirst127Values() {
        #expect(StringDictShape(length: 40_000, keyLength: 5, valueLength: 8, distinct: 50).shortReferences == 39_950)
        #expect(StringDictShape(length: 10_000, keyLength: 6, valueLength: 12, distinct: 200).shortReferences == 49 * 127)
        #expect(StringDictShape(length: 12, keyLength: 2, valueLength: 3, distinct: 12).shortReferences == 0)
    }
}
