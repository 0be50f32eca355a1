import FileAccess
import Foundation
import PipelineIR

/// Builds objects from their recipes: on the client for embedded and
/// scattered objects, inside a task on a worker for delayed ones.
enum ObjectBuilder {
    struct Failure: Error {
        var message: String
    }

    static func build(_ r: Recipe, baseDirectory: URL) throws(Failure) -> ObjectValue {
        switch r {
        case .value(let l): return .literal(l)
        case .intList(let start, let count):
            return .ndarray(shape: [count], data: .i64((0..<Int64(count)).map { start &+ $0 }))
        case .series(let s): return try series(s, baseDirectory: baseDirectory)
        case .ndarray(let a): return try ndarray(a, baseDirectory: baseDirectory)
        case .bytes(let n): return .bytes([UInt8](repeating: 0, count: Int(clamping: max(0, n))))
        case .instance(let i):
            var fields: [ObjectField] = []
            for f in i.fields { fields.append(ObjectField(name: f.name, value: try build(f.recipe, baseDirectory: baseDirectory))) }
            return .instance(className: i.className, module: i.module, fields: fields)
        case .python(let factory, _):
            throw Failure(message: "`\(factory)` is a Python factory; `pipelint run` cannot build it")
        case .element:
            throw Failure(message: "an element is what a projection yields, not an object recipe")
        case .dataframe(let d): return .frame(FrameGeneration.partition(d.schema, start: 0, stop: d.length))
        case .stringDict(let d): return .stringDict(StringDict(recipe: d))
        }
    }

    static func series(_ s: SeriesRecipe, baseDirectory: URL) throws(Failure) -> ObjectValue {
        let float = s.dtype.isFloat || s.dtype.isComplex
        let values: Column
        switch s.source {
        case .range(let n):
            values = float ? .f64((0..<n).map(Double.init)) : .i64((0..<Int64(n)).map { $0 })
        case .values(let ls):
            var ds: [Double] = []
            var ints: [Int64] = []
            for l in ls {
                switch l {
                case .int(let i): ints.append(i); ds.append(Double(i))
                case .float(let d): ints.append(Int64(clamping: Int(exactly: d.rounded(.towardZero)) ?? 0)); ds.append(d)
                case .bool(let b): ints.append(b ? 1 : 0); ds.append(b ? 1 : 0)
                default: throw Failure(message: "series values must be numbers")
                }
            }
            values = float ? .f64(ds) : .i64(ints)
        case .random(let n, let seed, let low, let high):
            values = float ? .f64(RandomValues.doubles(seed: seed, start: 0, count: n, low: low, high: high))
                : .i64(RandomValues.ints(seed: seed, start: 0, count: n, low: low, high: high))
        case .load(let path, let length):
            values = try csv(path, in: baseDirectory, float: float)
            if let n = length, n != values.count {
                throw Failure(message: "`\(path)` has \(values.count) values but the series declares `length: \(n)`")
            }
        }
        let index: [Int64]? = s.index == .int64 ? (0..<Int64(values.count)).map { $0 } : nil
        return .series(values: numpyCast(values, to: s.dtype), index: index, name: s.name)
    }

    /// One number per line; blank lines are skipped.
    /// A file's contents never appear in a message: only the line number.
    static func csv(_ display: String, in baseDirectory: URL, float: Bool) throws(Failure) -> Column {
        let data = try readConfined(display, in: baseDirectory)
        var ds: [Double] = []
        var ints: [Int64] = []
        var line = 0
        for raw in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            line += 1
            let text = String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { continue }
            if float {
                guard let d = Double(text) else { throw Failure(message: "`\(display)` line \(line) is not a number") }
                ds.append(d)
            } else {
                guard let i = Int64(text) ?? Double(text).flatMap({ Int64(exactly: $0) }) else {
                    throw Failure(message: "`\(display)` line \(line) is not an integer")
                }
                ints.append(i)
            }
        }
        return float ? .f64(ds) : .i64(ints)
    }

    static func ndarray(_ a: NDArrayRecipe, baseDirectory: URL) throws(Failure) -> ObjectValue {
        if let path = a.load {
            let c = try loadNPY(path, in: baseDirectory)
            return .ndarray(shape: c.shape, data: c.data)
        }
        let n = a.count
        guard n < 1 << 34 else { throw Failure(message: "ndarray of \(n) elements is too large to build") }
        let float = a.dtype.isFloat || a.dtype.isComplex
        let data: Column
        switch a.fill {
        case .zeros: data = float ? .f64(Array(repeating: 0, count: n)) : .i64(Array(repeating: 0, count: n))
        case .ones: data = float ? .f64(Array(repeating: 1, count: n)) : .i64(Array(repeating: 1, count: n))
        case .range: data = float ? .f64((0..<n).map(Double.init)) : .i64((0..<Int64(n)).map { $0 })
        case .random:
            // Floats uniform in [0, 1); integers are the top 63 bits (non-negative).
            data = float ? .f64(RandomValues.doubles(seed: a.seed, start: 0, count: n, low: 0, high: 1))
                : .i64((0..<n).map { Int64(bitPattern: RandomValues.bits(seed: a.seed, index: UInt64($0)) >> 1) })
        }
        return .ndarray(shape: a.shape, data: numpyCast(data, to: a.dtype))
    }

    /// The values numpy's `astype(dtype)` gives (docs/kernels.md, "Dtypes"), kept in the
    /// executor's storage types: narrow integers wrap modulo 2ⁿ (an int8 `range` of 300
    /// holds 44 at 300), `bool` is 0 or 1, `float32` rounds to the nearest float, and a
    /// float stored in an integer dtype truncates toward zero first. `uint64` keeps the
    /// bits, as its int64 storage does in numpy.
    static func numpyCast(_ c: Column, to dtype: NumericType) -> Column {
        if dtype.needsFormat11 {
            // Complex: value + 0j (complex64 rounds both parts to float32); nanoseconds: the integers.
            let cast = c.converted(to: StorageType(dtype))
            if dtype == .complex64, case .c128(let a) = cast { return .c128(a.map { Double(Float($0)) }) }
            return cast
        }
        func wrap(_ x: Int64) -> Int64 {
            switch dtype {
            case .int8: Int64(Int8(truncatingIfNeeded: x))
            case .int16: Int64(Int16(truncatingIfNeeded: x))
            case .int32: Int64(Int32(truncatingIfNeeded: x))
            case .uint8: Int64(UInt8(truncatingIfNeeded: x))
            case .uint16: Int64(UInt16(truncatingIfNeeded: x))
            case .uint32: Int64(UInt32(truncatingIfNeeded: x))
            case .bool: x == 0 ? 0 : 1
            case .int64, .uint64, .float32, .float64, .complex64, .complex128, .datetime64, .timedelta64: x
            }
        }
        switch (c, dtype) {
        case (.f64(let ds), .float32): return .f64(ds.map { Double(Float($0)) })
        case (.f64, .float64), (.i64, .int64), (.i64, .uint64): return c
        case (.i64(let xs), .float32): return .f64(xs.map { Double(Float($0)) })
        case (.i64(let xs), .float64): return .f64(xs.map(Double.init))
        case (.i64(let xs), _): return .i64(xs.map(wrap))
        case (.f64(let ds), .bool): return .i64(ds.map { $0 == 0 ? 0 : 1 })
        case (.f64(let ds), _):
            // Out of int64's range numpy's result is platform-defined; clamp there.
            return .i64(ds.map { wrap($0.isNaN ? 0 : Int64(clamping: Int(exactly: $0.rounded(.towardZero)) ?? ($0 < 0 ? Int.min : Int.max))) })
        default:
            return c.converted(to: StorageType(dtype))
        }
    }

    /// Reads `display` (a `load:` path), refusing special files and any file that
    /// resolves outside the pipeline's folder (`baseDirectory`) through a link.
    static func readConfined(_ display: String, in baseDirectory: URL) throws(Failure) -> [UInt8] {
        switch SafeFiles.read(SafeFiles.join(baseDirectory.path, display), confinedTo: baseDirectory.path) {
        case .success(let bytes): return bytes
        case .failure(.missing): throw Failure(message: "cannot read `\(display)`: it does not exist")
        case .failure(let why): throw Failure(message: "`\(display)` \(why.phrase)")
        }
    }

    /// Loads `.npy` file `display` (a `load:` path) from the pipeline's folder `baseDirectory`.
    static func loadNPY(_ display: String, in baseDirectory: URL) throws(Failure) -> Chunk {
        let data = try readConfined(display, in: baseDirectory)
        do { return try NPY.decode(data) } catch {
            throw Failure(message: "`\(display)`: \(error.message)")
        }
    }
}
