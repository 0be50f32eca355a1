#if canImport(Glibc)
import Glibc
#endif
import PipelineIR

/// The kernels over complex and nanosecond values (docs/kernels.md, "Complex and
/// nanosecond dtypes"): numpy 2.4's loops written out. NaT is Int64.min; a NaT operand
/// gives NaT (NaN for `timedelta / timedelta`). The graph builder has already refused the
/// combinations numpy refuses, so an operand here is one numpy accepts.
extension Kernels {
    /// An operand of an elementwise kernel: a column of the block's elements or one element
    /// repeated (a number, or a 0-d array such as a complex element of an object).
    struct Lane {
        var column: Column
        var repeated: Bool
        @inline(__always) func at(_ i: Int) -> Int { repeated ? 0 : i }
        var storage: StorageType { column.storage }
    }

    static func lane(_ a: KernelArg, _ k: Kernel, _ p: String, like x: Chunk) throws(KernelError) -> Lane {
        switch a {
        case .scalar(.f64(let d)): return Lane(column: .f64([d]), repeated: true)
        case .scalar(.i64(let i)): return Lane(column: .i64([i]), repeated: true)
        case .chunk(let c) where c.shape == x.shape: return Lane(column: c.data, repeated: false)
        case .array(let shape, let data) where shape.isEmpty: return Lane(column: data, repeated: true)
        case .chunk(let c): throw KernelError("`\(k.rawValue)`: `\(p)` has shape \(shapeText(c.shape)) but the block has \(shapeText(x.shape))")
        default: throw KernelError("`\(k.rawValue)` needs a block or a number for `\(p)`, got \(describe(a))")
        }
    }

    /// Whether an argument holds complex or nanosecond values (the kernel runs here then).
    static func isExtended(_ a: KernelArg) -> Bool {
        switch a {
        case .chunk(let c): !c.data.isReal
        case .table(let c), .array(_, let c): !c.isReal
        case .scalar: false
        }
    }

    static func applyExtended(_ kernel: Kernel, _ args: [KernelArg]) throws(KernelError) -> Chunk {
        switch kernel {
        case .mapColumn, .scoreRows:
            throw KernelError("`\(kernel.rawValue)` is a frame kernel: it maps a DataFrame partition, not an array block")
        case .identity:
            return try block(args[0], kernel, "x")
        case .take:
            return try takeExtended(try block(args[0], kernel, "x"), try table(args[1], kernel, "table"))
        case .add, .sub, .mul, .div, .scale:
            let x = try block(args[0], kernel, "x")
            let y = try lane(args[1], kernel, kernel == .scale ? "factor" : "y", like: x)
            return try binaryExtended(kernel == .scale ? .mul : kernel, x, Lane(column: x.data, repeated: false), y)
        case .abs:
            let x = try block(args[0], kernel, "x")
            switch x.data {
            case .c128(let a): return Chunk(shape: x.shape, data: .f64((0..<x.data.count).map { cabs(a[2 * $0], a[2 * $0 + 1]) }))
            case .timedelta(let a): return Chunk(shape: x.shape, data: .timedelta(mapI(a) { $0 < 0 ? 0 &- $0 : $0 }))
            default: break
            }
        case .sqrt:
            let x = try block(args[0], kernel, "x")
            if case .c128(let a) = x.data {
                var out = [Double](repeating: 0, count: a.count)
                for i in 0..<x.data.count { (out[2 * i], out[2 * i + 1]) = csqrt(a[2 * i], a[2 * i + 1]) }
                return Chunk(shape: x.shape, data: .c128(out))
            }
        case .where:
            let cond = try block(args[0], kernel, "cond")
            return try selectExtended(cond, try lane(args[1], kernel, "x", like: cond), try lane(args[2], kernel, "y", like: cond))
        case .searchsorted:
            let x = try block(args[0], kernel, "x")
            let edges = try table(args[1], kernel, "edges")
            if let xs = x.data.int64Words, let es = edges.int64Words, x.data.storage == edges.storage {
                return Chunk(shape: x.shape, data: .i64(searchsortedNaTLast(xs, es)))
            }
        case .clip, .dot:
            break
        }
        let kinds = args.map { a -> String in
            switch a {
            case .chunk(let c): c.data.dtypeName
            case .table(let c), .array(_, let c): c.dtypeName
            case .scalar(let s): if case .f64 = s { "float64" } else { "int64" }
            }
        }
        throw KernelError("`\(kernel.rawValue)` is not defined for \(kinds.joined(separator: ", ")) operands")
    }

    /// `table[x]` by position for a complex or nanosecond table: an invalid index gives
    /// NaN+0j (complex, numpy's `nan` cast) or NaT.
    static func takeExtended(_ x: Chunk, _ t: Column) throws(KernelError) -> Chunk {
        guard x.data.isReal else { throw KernelError("`take` needs integer or float indices for `x`, got \(x.data.dtypeName)") }
        let n = t.count
        let index: [Int] = switch x.data {
        case .f64(let a): a.map { v in v.isFinite && v > -1 && v < Double(n) ? Int(v.rounded(.towardZero)) : -1 }
        default: (x.data.int64Words ?? []).map { v in v >= 0 && v < Int64(n) ? Int(v) : -1 }
        }
        switch t {
        case .c128(let a):
            var out = [Double](repeating: 0, count: index.count * 2)
            for (i, j) in index.enumerated() {
                out[2 * i] = j >= 0 ? a[2 * j] : .nan
                out[2 * i + 1] = j >= 0 ? a[2 * j + 1] : 0
            }
            return Chunk(shape: x.shape, data: .c128(out))
        default:
            let words = t.int64Words ?? []
            return Chunk(shape: x.shape, data: Column.i64(index.map { $0 >= 0 ? words[$0] : .min }).converted(to: t.storage))
        }
    }

    /// add/sub/mul/div with a complex or nanosecond operand, with the result type numpy gives.
    static func binaryExtended(_ k: Kernel, _ x: Chunk, _ a: Lane, _ b: Lane) throws(KernelError) -> Chunk {
        guard case .success(let result) = k.resultType({ $0 == 0 ? a.storage : b.storage }) else {
            throw KernelError("`\(k.rawValue)` is not defined for \(a.storage.rawValue) and \(b.storage.rawValue) operands")
        }
        let n = x.data.count
        if result == .complex128 {
            let p = a.column.asComplex
            let q = b.column.asComplex
            var out = [Double](repeating: 0, count: 2 * n)
            for i in 0..<n {
                let (ia, ib) = (a.at(i), b.at(i))
                (out[2 * i], out[2 * i + 1]) = complexOp(k, p[2 * ia], p[2 * ia + 1], q[2 * ib], q[2 * ib + 1])
            }
            return Chunk(shape: x.shape, data: .c128(out))
        }
        if result == .float64 {
            // timedelta / timedelta.
            let p = a.column.int64Words ?? []
            let q = b.column.int64Words ?? []
            return Chunk(shape: x.shape, data: .f64((0..<n).map { i in
                let (u, v) = (p[a.at(i)], q[b.at(i)])
                return u == .min || v == .min ? .nan : Double(u) / Double(v)
            }))
        }
        let out = (0..<n).map { i in nanosecondOp(k, a.column, a.at(i), b.column, b.at(i)) }
        return Chunk(shape: x.shape, data: Column.i64(out).converted(to: result))
    }

    /// One element of a nanosecond result (numpy's `M8`/`m8` loops; an Int64 operand is a
    /// count of nanoseconds, a Float64 one multiplies or divides).
    static func nanosecondOp(_ k: Kernel, _ a: Column, _ i: Int, _ b: Column, _ j: Int) -> Int64 {
        let nat = Int64.min
        if k == .add || k == .sub {
            let (u, v) = (a.int64Words?[i] ?? 0, b.int64Words?[j] ?? 0)
            return u == nat || v == nat ? nat : (k == .add ? u &+ v : u &- v)
        }
        // mul or div: one side is a timedelta, the other a number.
        let (td, other, otherIndex) = a.storage == .timedelta64 ? (a.int64Words?[i] ?? 0, b, j) : (b.int64Words?[j] ?? 0, a, i)
        guard td != nat else { return nat }
        switch other {
        case .f64(let ds):
            let f = ds[otherIndex]
            let r = k == .mul ? Double(td) * f : Double(td) / f
            return r.isNaN ? nat : Int64(exactly: r.rounded(.towardZero)) ?? nat
        default:
            let v = other.int64Words?[otherIndex] ?? 0
            if k == .mul { return td &* v }
            return v == 0 ? nat : td.dividedReportingOverflow(by: v).partialValue
        }
    }

    /// numpy's complex loops: products as `(ar·br − ai·bi, ar·bi + ai·br)`, quotients by
    /// Smith's method (the branch on `|br| ≥ |bi|`).
    @inline(__always)
    static func complexOp(_ k: Kernel, _ ar: Double, _ ai: Double, _ br: Double, _ bi: Double) -> (Double, Double) {
        switch k {
        case .add: return (ar + br, ai + bi)
        case .sub: return (ar - br, ai - bi)
        case .mul: return (ar * br - ai * bi, ar * bi + ai * br)
        default:
            let (absR, absI) = (Swift.abs(br), Swift.abs(bi))
            if absR >= absI {
                if absR == 0 && absI == 0 { return (ar / absR, ai / absR) }
                let rat = bi / br
                let scl = 1.0 / (br + bi * rat)
                return ((ar + ai * rat) * scl, (ai - ar * rat) * scl)
            }
            let rat = br / bi
            let scl = 1.0 / (bi + br * rat)
            return ((ar * rat + ai) * scl, (ai * rat - ar) * scl)
        }
    }

    /// numpy's SIMD `absolute` of a complex value: `larger · √(ratio·ratio + 1)` with
    /// `ratio = smaller / larger` and the multiply-add fused (numpy's FMA targets: every
    /// x86-64-v3 CPU), after infinities and NaNs are spread to both parts.
    static func cabs(_ re: Double, _ im: Double) -> Double {
        var (r, i) = (Swift.abs(re), Swift.abs(im))
        (r, i) = (i.isInfinite ? .infinity : r, r.isInfinite ? .infinity : i)
        (r, i) = (i.isNaN ? .nan : r, r.isNaN ? .nan : i)
        let larger = Swift.max(r, i), smaller = Swift.min(r, i)
        let ratio = larger.isInfinite || larger == 0 ? 0 : smaller / larger
        return (1.0).addingProduct(ratio, ratio).squareRoot() * larger
    }

    /// glibc's `csqrt` (numpy's `np.sqrt` of a complex value), special values included.
    static func csqrt(_ re: Double, _ im: Double) -> (Double, Double) {
        if !re.isFinite || !im.isFinite {
            if im.isInfinite { return (.infinity, im) }
            if re.isInfinite {
                if re < 0 { return (im.isNaN ? .nan : 0, Double(signOf: im, magnitudeOf: .infinity)) }
                return (re, im.isNaN ? .nan : Double(signOf: im, magnitudeOf: 0))
            }
            return (.nan, .nan)
        }
        if im == 0 {
            if re < 0 { return (0, Double(signOf: im, magnitudeOf: (-re).squareRoot())) }
            return (Swift.abs(re.squareRoot()), Double(signOf: im, magnitudeOf: 0))
        }
        if re == 0 {
            let r = Swift.abs(im) >= 2 * Double.leastNormalMagnitude ? (0.5 * Swift.abs(im)).squareRoot() : 0.5 * (2 * Swift.abs(im)).squareRoot()
            return (r, Double(signOf: im, magnitudeOf: r))
        }
        var (x, y, scale) = (re, im, 0)
        let big = Double.greatestFiniteMagnitude / 4, tiny = Double.leastNormalMagnitude
        if Swift.abs(x) > big {
            (x, y, scale) = (scalbn(x, -2), scalbn(y, -2), 1)
        } else if Swift.abs(y) > big {
            (x, y, scale) = (Swift.abs(x) >= 4 * tiny ? scalbn(x, -2) : 0, scalbn(y, -2), 1)
        } else if Swift.abs(x) < 2 * tiny && Swift.abs(y) < 2 * tiny {
            scale = -((Double.significandBitCount + 2) / 2)
            (x, y) = (scalbn(x, -2 * scale), scalbn(y, -2 * scale))
        }
        let d = hypot(x, y)
        var r: Double, s: Double
        if x > 0 {
            r = (0.5 * (d + x)).squareRoot()
            if scale == 1 && Swift.abs(y) < 1 {
                (s, r, scale) = (y / r, scalbn(r, 1), 0)
            } else {
                s = 0.5 * (y / r)
            }
        } else {
            s = (0.5 * (d - x)).squareRoot()
            if scale == 1 && Swift.abs(y) < 1 {
                (r, s, scale) = (Swift.abs(y / s), scalbn(s, 1), 0)
            } else {
                r = Swift.abs(0.5 * (y / s))
            }
        }
        if scale != 0 { (r, s) = (scalbn(r, scale), scalbn(s, scale)) }
        return (r, Double(signOf: im, magnitudeOf: s))
    }

    /// `where` with a complex or nanosecond operand: the common type of `x` and `y`
    /// (numpy's `result_type`); `cond` is true when nonzero (a complex one when either part is).
    static func selectExtended(_ cond: Chunk, _ x: Lane, _ y: Lane) throws(KernelError) -> Chunk {
        guard case .success(let t) = Kernel.where.resultType({ [.int64, x.storage, y.storage][$0] }) else {
            throw KernelError("`where` has no common type for \(x.storage.rawValue) and \(y.storage.rawValue)")
        }
        let truth = cond.data.truth
        let (xc, yc) = (x.column.converted(to: t), y.column.converted(to: t))
        let n = truth.count
        if case .c128(let a) = xc, case .c128(let b) = yc {
            var out = [Double](repeating: 0, count: 2 * n)
            for i in 0..<n {
                let (src, j) = truth[i] ? (a, x.at(i)) : (b, y.at(i))
                (out[2 * i], out[2 * i + 1]) = (src[2 * j], src[2 * j + 1])
            }
            return Chunk(shape: cond.shape, data: .c128(out))
        }
        let (a, b) = (xc.int64Words ?? [], yc.int64Words ?? [])
        return Chunk(shape: cond.shape, data: Column.i64((0..<n).map { truth[$0] ? a[x.at($0)] : b[y.at($0)] }).converted(to: t))
    }

    /// numpy's `searchsorted(edges, x, side='left')` over datetimes or timedeltas: NaT
    /// sorts after every value (numpy ≥ 1.18), so NaT → the number of non-NaT edges.
    static func searchsortedNaTLast(_ xs: [Int64], _ edges: [Int64]) -> [Int64] {
        @inline(__always) func before(_ e: Int64, _ v: Int64) -> Bool {
            e == .min ? false : (v == .min ? true : e < v)
        }
        return xs.map { v in
            var lo = 0, hi = edges.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if before(edges[mid], v) { lo = mid + 1 } else { hi = mid }
            }
            return Int64(lo)
        }
    }
}

/// numpy broadcasting of the operands of an elementwise kernel (docs/kernels.md,
/// "Broadcasting"): blocks of different shapes where a dimension has length 1, and whole
/// ndarrays (`block + curve`), are expanded to the common shape before the loop runs.
extension Kernels {
    /// Kernels whose `block` and `block|scalar` parameters broadcast together.
    static func broadcasts(_ k: Kernel) -> Bool {
        switch k {
        case .add, .sub, .mul, .div, .where: true
        default: false
        }
    }

    /// The broadcast shape of `shapes` (aligned from the right), or nil when they do not broadcast.
    static func broadcastShape(_ shapes: [[Int]]) -> [Int]? {
        let rank = shapes.map(\.count).max() ?? 0
        var out = [Int](repeating: 1, count: rank)
        for s in shapes {
            for (i, n) in s.reversed().enumerated() {
                let d = rank - 1 - i
                if out[d] == 1 { out[d] = n } else if n != 1 && n != out[d] { return nil }
            }
        }
        return out
    }

    /// The elements of `c` (of `shape`) repeated to `target` as numpy broadcasts them.
    static func expand(_ c: Column, from shape: [Int], to target: [Int]) -> Column {
        guard shape != target else { return c }
        let rank = target.count
        let padded = [Int](repeating: 1, count: rank - shape.count) + shape
        var strides = [Int](repeating: 0, count: rank)
        var step = 1
        for d in stride(from: rank - 1, through: 0, by: -1) {
            strides[d] = padded[d] == 1 ? 0 : step
            step *= padded[d]
        }
        let n = target.reduce(1, *)
        var picks = [Int](repeating: 0, count: n)
        var index = [Int](repeating: 0, count: rank)
        var source = 0
        for i in 0..<n {
            picks[i] = source
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                source += strides[d]
                if index[d] < target[d] { break }
                source -= strides[d] * index[d]
                index[d] = 0
                d -= 1
            }
        }
        return c.gather(picks)
    }

    /// The arguments with every block and ndarray operand expanded to their common shape.
    static func broadcastArguments(_ kernel: Kernel, _ args: [KernelArg]) throws(KernelError) -> [KernelArg] {
        var shapes: [[Int]] = []
        for a in args {
            switch a {
            case .chunk(let c): shapes.append(c.shape)
            case .array(let s, _): shapes.append(s)
            default: break
            }
        }
        guard Set(shapes).count > 1 || args.contains(where: { if case .array = $0 { true } else { false } }) else { return args }
        guard let target = broadcastShape(shapes) else {
            throw KernelError("`\(kernel.rawValue)`: operands of shapes \(shapes.map(shapeText).joined(separator: ", ")) do not broadcast")
        }
        return args.map { a in
            switch a {
            case .chunk(let c): .chunk(Chunk(shape: target, data: expand(c.data, from: c.shape, to: target)))
            case .array(let s, let d) where !s.isEmpty || d.isReal: .chunk(Chunk(shape: target, data: expand(d, from: s, to: target)))
            default: a
            }
        }
    }
}
