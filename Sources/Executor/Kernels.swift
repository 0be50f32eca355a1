#if canImport(Glibc)
import Glibc
#endif
internal import CKernels
import PipelineIR

/// An argument of a kernel, after bindings are resolved inside the task.
public enum KernelArg: Sendable {
    case chunk(Chunk)
    case scalar(Scalar)
    /// A Series' values or a 1-D ndarray.
    case table(Column)
    /// An ndarray of any rank.
    case array(shape: [Int], data: Column)
}

/// A kernel refused its inputs (a shape mismatch, a wrong kind of value).
public struct KernelError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The built-in kernels over Float64/Int64 chunks, as specified in
/// docs/kernels.md and pinned by Tests/ExecutorTests/Fixtures/kernel-vectors.json.
/// Every kernel is one pass over preallocated output: no per-element allocation.
public enum Kernels {
    /// Runs `kernel` on `args` (in the kernel's parameter order).
    public static func apply(_ kernel: Kernel, _ args: [KernelArg]) throws(KernelError) -> Chunk {
        guard args.count == kernel.params.count else {
            throw KernelError("`\(kernel.rawValue)` takes \(kernel.params.count) arguments, got \(args.count)")
        }
        let args = broadcasts(kernel) ? try broadcastArguments(kernel, args) : args
        if args.contains(where: isExtended) { return try applyExtended(kernel, args) }
        switch kernel {
        case .mapColumn, .scoreRows:
            throw KernelError("`\(kernel.rawValue)` is a frame kernel: it maps a DataFrame partition, not an array block")
        case .identity:
            return try block(args[0], kernel, "x")
        case .take:
            return take(try block(args[0], kernel, "x"), try table(args[1], kernel, "table"))
        case .add, .sub, .mul, .div:
            let x = try block(args[0], kernel, "x")
            return try arithmetic(kernel, x, try operand(args[1], kernel, "y", like: x))
        case .scale:
            let x = try block(args[0], kernel, "x")
            return try arithmetic(.mul, x, .scalar(try scalar(args[1], kernel, "factor")))
        case .clip:
            return clip(try block(args[0], kernel, "x"), low: try scalar(args[1], kernel, "low"), high: try scalar(args[2], kernel, "high"))
        case .where:
            let cond = try block(args[0], kernel, "cond")
            return try select(cond, try operand(args[1], kernel, "x", like: cond), try operand(args[2], kernel, "y", like: cond))
        case .abs:
            return absolute(try block(args[0], kernel, "x"))
        case .sqrt:
            return squareRoot(try block(args[0], kernel, "x"))
        case .searchsorted:
            return searchsorted(try block(args[0], kernel, "x"), edges: try table(args[1], kernel, "edges"))
        case .dot:
            let x = try block(args[0], kernel, "x")
            switch args[1] {
            case .array(let shape, let data): return try dot(x, weightsShape: shape, weights: data)
            case .table(let data): return try dot(x, weightsShape: [data.count], weights: data)
            default: throw KernelError("`dot` needs an ndarray for `weights`, got \(describe(args[1]))")
            }
        }
    }

    // MARK: argument kinds

    static func describe(_ a: KernelArg) -> String {
        switch a {
        case .chunk: "a block"
        case .scalar: "a number"
        case .table: "a Series"
        case .array: "an ndarray"
        }
    }

    static func block(_ a: KernelArg, _ k: Kernel, _ p: String) throws(KernelError) -> Chunk {
        if case .chunk(let c) = a { return c }
        throw KernelError("`\(k.rawValue)` needs a block for `\(p)`, got \(describe(a))")
    }

    static func scalar(_ a: KernelArg, _ k: Kernel, _ p: String) throws(KernelError) -> Scalar {
        if case .scalar(let s) = a { return s }
        throw KernelError("`\(k.rawValue)` needs a number for `\(p)`, got \(describe(a))")
    }

    static func table(_ a: KernelArg, _ k: Kernel, _ p: String) throws(KernelError) -> Column {
        switch a {
        case .table(let c): return c
        case .array(let shape, let c) where shape.count == 1: return c
        default: throw KernelError("`\(k.rawValue)` needs a Series or a 1-D ndarray for `\(p)`, got \(describe(a))")
        }
    }

    /// A block (same shape as `like`) or a number.
    enum Operand {
        case column(Column)
        case scalar(Scalar)
        var isFloat: Bool {
            switch self {
            case .column(let c): c.isFloat
            case .scalar(let s): if case .f64 = s { true } else { false }
            }
        }
    }

    static func operand(_ a: KernelArg, _ k: Kernel, _ p: String, like x: Chunk) throws(KernelError) -> Operand {
        switch a {
        case .scalar(let s): return .scalar(s)
        case .chunk(let c):
            guard c.shape == x.shape else {
                throw KernelError("`\(k.rawValue)`: `\(p)` has shape \(shapeText(c.shape)) but the block has \(shapeText(x.shape))")
            }
            return .column(c.data)
        default: throw KernelError("`\(k.rawValue)` needs a block or a number for `\(p)`, got \(describe(a))")
        }
    }

    static func shapeText(_ s: [Int]) -> String { "(" + s.map(String.init).joined(separator: ", ") + (s.count == 1 ? ",)" : ")") }

    // MARK: helpers (one loop each; specialised closures inline in release builds)

    /// A new array of `a.count` elements that `body` fills from `a`'s buffer
    /// (huge pages asked for first).
    @inline(__always)
    static func fill<T, U>(_ a: [T], _ body: (UnsafeBufferPointer<T>, UnsafeMutableBufferPointer<U>) -> Void) -> [U] {
        [U](unsafeUninitializedCapacity: a.count) { out, n in
            adviseHugePages(out)
            a.withUnsafeBufferPointer { body($0, out) }
            n = a.count
        }
    }

    /// A new array of `count` elements that `body` (a loop of Sources/CKernels) fills
    /// through its base address (huge pages asked for first).
    @inline(__always)
    static func produce<U>(_ count: Int, _ body: (UnsafeMutablePointer<U>?) -> Void) -> [U] {
        [U](unsafeUninitializedCapacity: count) { out, n in
            adviseHugePages(out)
            body(out.baseAddress)
            n = count
        }
    }

    @inline(__always)
    static func mapD(_ a: [Double], _ f: (Double) -> Double) -> [Double] {
        [Double](unsafeUninitializedCapacity: a.count) { out, n in
            adviseHugePages(out)
            a.withUnsafeBufferPointer { src in
                for i in 0..<src.count { out[i] = f(src[i]) }
            }
            n = a.count
        }
    }

    @inline(__always)
    static func mapI(_ a: [Int64], _ f: (Int64) -> Int64) -> [Int64] {
        [Int64](unsafeUninitializedCapacity: a.count) { out, n in
            adviseHugePages(out)
            a.withUnsafeBufferPointer { src in
                for i in 0..<src.count { out[i] = f(src[i]) }
            }
            n = a.count
        }
    }

    // MARK: kernels

    /// `table[x]` by position; an index outside `0..<count` (or a non-finite
    /// float index) gives NaN for a float table and 0 for an integer table.
    /// Float indices are truncated toward zero.
    static func take(_ x: Chunk, _ table: Column) -> Chunk {
        let n = table.count
        func index(_ v: Double) -> Int {
            guard v.isFinite, v > -1, v < Double(n) else { return -1 }
            return Int(v.rounded(.towardZero))
        }
        // Int64 indices (`pk_take_*`): one unsigned compare, a load from the index or
        // from 0, a select (an empty table has no element 0: every index is invalid).
        switch (x.data, table) {
        case (.i64(let xs), .f64(let t)) where n > 0:
            return Chunk(shape: x.shape, data: .f64(produce(xs.count) { o in
                xs.withUnsafeBufferPointer { xb in t.withUnsafeBufferPointer { pk_take_f64(xb.baseAddress, $0.baseAddress, n, o, xs.count) } }
            }))
        case (.i64(let xs), .i64(let t)) where n > 0:
            return Chunk(shape: x.shape, data: .i64(produce(xs.count) { o in
                xs.withUnsafeBufferPointer { xb in t.withUnsafeBufferPointer { pk_take_i64(xb.baseAddress, $0.baseAddress, n, o, xs.count) } }
            }))
        case (.i64(let xs), .f64):
            return Chunk(shape: x.shape, data: .f64(Array(repeating: .nan, count: xs.count)))
        case (.i64(let xs), .i64):
            return Chunk(shape: x.shape, data: .i64(Array(repeating: 0, count: xs.count)))
        case (.f64(let xs), .f64(let t)):
            return Chunk(shape: x.shape, data: .f64(t.withUnsafeBufferPointer { tb in
                mapD(xs) { v in let i = index(v); return i >= 0 ? tb[i] : .nan }
            }))
        case (.f64(let xs), .i64(let t)):
            return Chunk(shape: x.shape, data: .i64(t.withUnsafeBufferPointer { tb in
                mapIFromD(xs) { v in let i = index(v); return i >= 0 ? tb[i] : 0 }
            }))
        default:
            // Complex and nanosecond operands run in `applyExtended`; a real table here.
            return take(Chunk(shape: x.shape, data: .f64(x.data.asDoubles)), table.isFloat ? table : .i64(table.int64Words ?? []))
        }
    }

    @inline(__always)
    static func mapIFromD(_ a: [Double], _ f: (Double) -> Int64) -> [Int64] {
        [Int64](unsafeUninitializedCapacity: a.count) { out, n in
            adviseHugePages(out)
            a.withUnsafeBufferPointer { src in
                for i in 0..<src.count { out[i] = f(src[i]) }
            }
            n = a.count
        }
    }

    /// add/sub/mul wrap on Int64 (numpy's behaviour); div is true division and
    /// always Float64; any Float64 operand makes the result Float64. The loops are
    /// `pk_binary_*`/`pk_scalar_*` (Int64 in `uint64_t`, which wraps by definition).
    static func arithmetic(_ k: Kernel, _ x: Chunk, _ y: Operand) throws(KernelError) -> Chunk {
        let float = k == .div || x.data.isFloat || y.isFloat
        let op: Int32 = switch k {
        case .add: PK_ADD
        case .sub: PK_SUB
        case .mul: PK_MUL
        default: PK_DIV
        }
        if !float, case .i64(let a) = x.data {
            switch y {
            case .scalar(let s):
                guard case .i64(let b) = s else { break }
                return Chunk(shape: x.shape, data: .i64(produce(a.count) { o in
                    a.withUnsafeBufferPointer { pk_scalar_i64(op, $0.baseAddress, b, o, a.count) }
                }))
            case .column(let c):
                guard case .i64(let b) = c else { break }
                precondition(b.count == a.count, "operand shapes are checked equal")
                return Chunk(shape: x.shape, data: .i64(produce(a.count) { o in
                    a.withUnsafeBufferPointer { xb in b.withUnsafeBufferPointer { pk_binary_i64(op, xb.baseAddress, $0.baseAddress, o, a.count) } }
                }))
            }
        }
        let a = x.data.asDoubles
        switch y {
        case .scalar(let s):
            let b = s.double
            return Chunk(shape: x.shape, data: .f64(produce(a.count) { o in
                a.withUnsafeBufferPointer { pk_scalar_f64(op, $0.baseAddress, b, o, a.count) }
            }))
        case .column(let c):
            let b = c.asDoubles
            precondition(b.count == a.count, "operand shapes are checked equal")
            return Chunk(shape: x.shape, data: .f64(produce(a.count) { o in
                a.withUnsafeBufferPointer { xb in b.withUnsafeBufferPointer { pk_binary_f64(op, xb.baseAddress, $0.baseAddress, o, a.count) } }
            }))
        }
    }

    /// numpy's `maximum`/`minimum`: a NaN on either side propagates; on a tie
    /// (including -0.0 against 0.0) the second operand wins, as numpy's SIMD loops do.
    @inline(__always) static func npMax(_ a: Double, _ b: Double) -> Double { a > b || a.isNaN ? a : b }
    @inline(__always) static func npMin(_ a: Double, _ b: Double) -> Double { a < b || a.isNaN ? a : b }

    /// `minimum(maximum(x, low), high)`: NaN stays NaN; `low > high` gives `high`.
    /// One pass in vector lanes (`pk_clip_*`), where numpy makes two.
    static func clip(_ x: Chunk, low: Scalar, high: Scalar) -> Chunk {
        if case .i64(let a) = x.data, case .i64(let lo) = low, case .i64(let hi) = high {
            return Chunk(shape: x.shape, data: .i64(fill(a) { pk_clip_i64($0.baseAddress, lo, hi, $1.baseAddress, $0.count) }))
        }
        let lo = low.double
        let hi = high.double
        return Chunk(shape: x.shape, data: .f64(fill(x.data.asDoubles) { pk_clip_f64($0.baseAddress, lo, hi, $1.baseAddress, $0.count) }))
    }

    /// `x` where `cond ≠ 0` (NaN counts as true) else `y`.
    static func select(_ cond: Chunk, _ x: Operand, _ y: Operand) throws(KernelError) -> Chunk {
        let n = cond.data.count
        let truth = cond.data.truth
        if !x.isFloat, !y.isFloat {
            func get(_ o: Operand) -> (Int) -> Int64 {
                switch o {
                case .scalar(let s): if case .i64(let v) = s { return { _ in v } } else { return { _ in 0 } }
                case .column(let c): if case .i64(let v) = c { return { v[$0] } } else { return { _ in 0 } }
                }
            }
            let gx = get(x)
            let gy = get(y)
            return Chunk(shape: cond.shape, data: .i64([Int64](unsafeUninitializedCapacity: n) { out, k in
            adviseHugePages(out)
                for i in 0..<n { out[i] = truth[i] ? gx(i) : gy(i) }
                k = n
            }))
        }
        func get(_ o: Operand) -> [Double]? {
            if case .column(let c) = o { return c.asDoubles }
            return nil
        }
        let xs = get(x)
        let ys = get(y)
        let xv: Double = if case .scalar(let s) = x { s.double } else { 0 }
        let yv: Double = if case .scalar(let s) = y { s.double } else { 0 }
        return Chunk(shape: cond.shape, data: .f64([Double](unsafeUninitializedCapacity: n) { out, k in
            adviseHugePages(out)
            for i in 0..<n { out[i] = truth[i] ? (xs?[i] ?? xv) : (ys?[i] ?? yv) }
            k = n
        }))
    }

    /// |x|; Int64.min stays Int64.min (wraps, as numpy).
    static func absolute(_ x: Chunk) -> Chunk {
        switch x.data {
        case .f64(let a): Chunk(shape: x.shape, data: .f64(mapD(a) { Swift.abs($0) }))
        case .i64(let a): Chunk(shape: x.shape, data: .i64(mapI(a) { $0 < 0 ? 0 &- $0 : $0 }))
        default: Chunk(shape: x.shape, data: .f64(mapD(x.data.asDoubles) { Swift.abs($0) }))  // runs in `applyExtended`
        }
    }

    /// √x in Float64; negative values give NaN (`pk_sqrt_*`: no libm call, so it vectorizes).
    static func squareRoot(_ x: Chunk) -> Chunk {
        switch x.data {
        case .f64(let a): Chunk(shape: x.shape, data: .f64(fill(a) { pk_sqrt_f64($0.baseAddress, $1.baseAddress, $0.count) }))
        case .i64(let a): Chunk(shape: x.shape, data: .f64(fill(a) { pk_sqrt_i64($0.baseAddress, $1.baseAddress, $0.count) }))
        default:  // runs in `applyExtended`
            Chunk(shape: x.shape, data: .f64(fill(x.data.asDoubles) { pk_sqrt_f64($0.baseAddress, $1.baseAddress, $0.count) }))
        }
    }

    /// numpy's `searchsorted(edges, x, side='left')`: the number of edges that
    /// sort before `x`, with NaN sorting after every number. `edges` must be
    /// sorted ascending. Int64 result. Branch-free, four keys at a time
    /// (`KernelLoops.lowerBounds`).
    static func searchsorted(_ x: Chunk, edges: Column) -> Chunk {
        switch (x.data, edges) {
        case (.i64(let xs), .i64(let e)):
            return Chunk(shape: x.shape, data: .i64(e.withUnsafeBufferPointer { eb in
                fill(xs) { KernelLoops.searchsorted($0, eb, $1) }
            }))
        default:
            let e = edges.asDoubles
            return Chunk(shape: x.shape, data: .i64(e.withUnsafeBufferPointer { eb in
                fill(x.data.asDoubles) { KernelLoops.searchsorted($0, eb, $1) }
            }))
        }
    }

    /// Row-wise product: a block (r, k) or (k,) with weights (k,) or (k, m).
    /// Sums run over j = 0..<k in order, without fused multiply-add.
    static func dot(_ x: Chunk, weightsShape ws: [Int], weights: Column) throws(KernelError) -> Chunk {
        guard x.shape.count == 1 || x.shape.count == 2 else {
            throw KernelError("`dot` needs a 1-D or 2-D block, got shape \(shapeText(x.shape))")
        }
        guard ws.count == 1 || ws.count == 2 else {
            throw KernelError("`dot` needs 1-D or 2-D weights, got shape \(shapeText(ws))")
        }
        let rows = x.shape.count == 2 ? x.shape[0] : 1
        let k = x.shape.last ?? 0
        guard ws[0] == k else {
            throw KernelError("`dot`: the block has \(k) columns but the weights have \(ws[0]) rows")
        }
        let m = ws.count == 2 ? ws[1] : 1
        var shape: [Int] = x.shape.count == 2 ? [rows] : []
        if ws.count == 2 { shape.append(m) }
        let count = rows * m
        if case .i64(let a) = x.data, case .i64(let w) = weights {
            return Chunk(shape: shape, data: .i64([Int64](unsafeUninitializedCapacity: count) { out, n in
            adviseHugePages(out)
                for r in 0..<rows {
                    for c in 0..<m {
                        var s: Int64 = 0
                        for j in 0..<k { s = s &+ a[r * k + j] &* w[j * m + c] }
                        out[r * m + c] = s
                    }
                }
                n = count
            }))
        }
        let a = x.data.asDoubles
        let w = weights.asDoubles
        return Chunk(shape: shape, data: .f64([Double](unsafeUninitializedCapacity: count) { out, n in
            adviseHugePages(out)
            for r in 0..<rows {
                for c in 0..<m {
                    var s = 0.0
                    for j in 0..<k { s += a[r * k + j] * w[j * m + c] }
                    out[r * m + c] = s
                }
            }
            n = count
        }))
    }
}

extension Scalar {
    /// A number written in the YAML: a whole number in Int64 range is an
    /// integer (so `int64 block * 2` stays int64, as in numpy), otherwise a float.
    public static func literal(_ d: Double) -> Scalar {
        if d.isFinite, d == d.rounded(), d >= -9.223372036854775808e18, d < 9.223372036854775808e18 { return .i64(Int64(d)) }
        return .f64(d)
    }
}

/// Asks the kernel for transparent huge pages on a large output buffer before it
/// is first written: filling 80 MB through 4 KiB page faults costs more than the
/// arithmetic (numpy does the same for its large allocations).
@inline(__always)
func adviseHugePages<T>(_ buffer: UnsafeMutableBufferPointer<T>) {
    #if os(Linux)
    let bytes = buffer.count * MemoryLayout<T>.stride
    guard bytes >= 4 << 20, let base = buffer.baseAddress else { return }
    let huge = 2 << 20
    let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: base) + bytes) & ~(huge - 1)
    if end > start, let p = UnsafeMutableRawPointer(bitPattern: start) { _ = madvise(p, end - start, 14 /* MADV_HUGEPAGE */) }
    #endif
}
