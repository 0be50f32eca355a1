import PipelineIR

/// The row-wise steps `assign` and `filter` on one partition, with the semantics of the exported
/// program's pandas lines (docs/kernels.md, "Row-wise steps"); `lookup` is `map_column`.
public enum FrameRowKernels {
    /// A column or a written number while an expression is evaluated: numbers stay Python
    /// scalars (NEP 50: weak), columns carry their numpy dtype.
    enum Operand {
        case ints([Int64], NumericType)
        /// float64 or float32 values (float32 held as the Doubles of Floats).
        case floats([Double], NumericType)
        case number(Double, isInteger: Bool)

        var dtype: NumericType? {
            switch self {
            case .ints(_, let t), .floats(_, let t): t
            case .number: nil
            }
        }

        func doubles(_ n: Int) -> [Double] {
            switch self {
            case .ints(let a, let t): t == .uint64 ? a.map { Double(UInt64(bitPattern: $0)) } : a.map { Double($0) }
            case .floats(let a, _): a
            case .number(let v, _): Array(repeating: v, count: n)
            }
        }
    }

    /// `part.assign(column=expr)`.
    public static func assign(_ part: FramePart, column: String, expr: RowExpr) throws(KernelError) -> FramePart {
        let v = try evaluate(expr, part)
        let data: FrameColumnData
        switch v {
        case .ints(let a, let t): data = .integer(a, t)
        case .floats(let a, let t): data = t == .float32 ? .float32(a.map { Float($0) }) : .float64(a)
        case .number: throw KernelError("the expression reads no column")
        }
        return part.assigning(column, data)
    }

    /// `part[part[column] op value]`: the rows where the comparison holds, with their index labels.
    public static func filter(_ part: FramePart, column: String, op: CompareOp, value: Double) throws(KernelError) -> FramePart {
        guard let c = part.column(column), let v = c.asFloat64 else { throw KernelError("the partition has no numeric column `\(column)`") }
        var keep: [Int] = []
        keep.reserveCapacity(v.count)
        for i in 0..<v.count where op.holds(v[i], value) { keep.append(i) }
        return FramePart(start: part.start, rows: keep.count, names: part.names, columns: part.columns.map { $0.select(keep) },
                         labels: keep.map { part.label($0) })
    }

    static func operand(_ c: FrameColumnData, _ name: String) throws(KernelError) -> Operand {
        switch c {
        case .integer(let a, let t): return .ints(a, t)
        case .float64(let a): return .floats(a, .float64)
        case .float32(let a): return .floats(a.map { Double($0) }, .float32)
        default: throw KernelError("column `\(name)` (\(c.dtypeName)) is not an integer or float column")
        }
    }

    static func evaluate(_ e: RowExpr, _ part: FramePart) throws(KernelError) -> Operand {
        switch e {
        case .column(let name, _):
            guard let c = part.column(name) else { throw KernelError("the partition has no column `\(name)`") }
            return try operand(c, name)
        case .number(let v, let isInteger, _):
            return .number(v, isInteger: isInteger)
        case .arith(let op, let a, let b, _):
            return arith(op, try evaluate(a, part), try evaluate(b, part), rows: part.rows)
        case .choose(let cond, let a, let b, _):
            let l = try evaluate(cond.lhs, part), r = try evaluate(cond.rhs, part)
            let x = l.doubles(part.rows), y = r.doubles(part.rows)
            let test = (0..<part.rows).map { cond.op.holds(x[$0], y[$0]) }
            return choose(test, try evaluate(a, part), try evaluate(b, part), rows: part.rows)
        }
    }

    /// numpy's result dtype of a binary operation (NEP 50: a Python int takes the column's dtype,
    /// a Python float makes an integer column float64 and keeps float32).
    static func resultType(_ a: Operand, _ b: Operand) -> NumericType {
        switch (a.dtype, b.dtype) {
        case (let x?, let y?): return promote(x, y)
        case (let x?, nil), (nil, let x?):
            let numberIsFloat = [a, b].contains { if case .number(_, false) = $0 { true } else { false } }
            return numberIsFloat && x.isInteger ? .float64 : x
        case (nil, nil): return .float64
        }
    }

    /// numpy's `promote_types` for the integer and float dtypes of frame columns.
    static func promote(_ x: NumericType, _ y: NumericType) -> NumericType {
        if x == y { return x }
        if x.isFloat || y.isFloat {
            if x == .float64 || y == .float64 { return .float64 }
            let other = x == .float32 ? y : x
            return other.itemSize <= 2 ? .float32 : .float64
        }
        let xs = x.rawValue.hasPrefix("int"), ys = y.rawValue.hasPrefix("int")
        if xs == ys { return x.itemSize >= y.itemSize ? x : y }
        let (s, u) = xs ? (x, y) : (y, x)
        if s.itemSize > u.itemSize { return s }
        switch u.itemSize {
        case 1: return .int16
        case 2: return .int32
        case 4: return .int64
        default: return .float64
        }
    }

    static func arith(_ op: ArithOp, _ a: Operand, _ b: Operand, rows n: Int) -> Operand {
        var t = resultType(a, b)
        if op == .div, t.isInteger { t = .float64 }
        if t.isInteger {
            let x = integers(a, n, t), y = integers(b, n, t)
            var out = [Int64](repeating: 0, count: n)
            for i in 0..<n {
                switch op {
                case .add: out[i] = x[i] &+ y[i]
                case .sub: out[i] = x[i] &- y[i]
                default: out[i] = x[i] &* y[i]
                }
                out[i] = FrameGeneration.wrap(out[i], to: t)
            }
            return .ints(out, t)
        }
        let x = floats(a, n, t), y = floats(b, n, t)
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n {
            switch op {
            case .add: out[i] = x[i] + y[i]
            case .sub: out[i] = x[i] - y[i]
            case .mul: out[i] = x[i] * y[i]
            case .div: out[i] = x[i] / y[i]
            }
            // float32 arithmetic: the exact double result rounded once to float32 (+ − × ÷ of floats).
            if t == .float32 { out[i] = Double(Float(out[i])) }
        }
        return .floats(out, t)
    }

    /// Values as integers of dtype `t` (a Python int wraps as numpy would refuse; in range here).
    static func integers(_ o: Operand, _ n: Int, _ t: NumericType) -> [Int64] {
        switch o {
        case .ints(let a, _): return a
        case .floats(let a, _): return a.map { Int64(exactly: $0.rounded(.towardZero)) ?? 0 }
        case .number(let v, _): return Array(repeating: FrameGeneration.wrap(Int64(exactly: v.rounded(.towardZero)) ?? 0, to: t), count: n)
        }
    }

    /// Values cast to the float dtype `t` (float32: rounded to Float first).
    static func floats(_ o: Operand, _ n: Int, _ t: NumericType) -> [Double] {
        let d: [Double]
        switch o {
        case .ints(let a, let s):
            d = t == .float32 ? a.map { Double(Float($0)) } : (s == .uint64 ? a.map { Double(UInt64(bitPattern: $0)) } : a.map { Double($0) })
            return d
        case .floats(let a, _): d = a
        case .number(let v, _): d = Array(repeating: v, count: n)
        }
        return t == .float32 ? d.map { Double(Float($0)) } : d
    }

    /// `a.where(test, b)` (`b.mask(test, a)` when `a` is a written number), with pandas' result
    /// dtype (`Block.where`): the column's dtype when every row keeps its value or when the other
    /// value can be held losslessly (`np_can_hold_element`), else the promoted dtype.
    static func choose(_ test: [Bool], _ a: Operand, _ b: Operand, rows n: Int) -> Operand {
        let (block, other, keep) = a.dtype == nil ? (b, a, test.map { !$0 }) : (a, b, test)
        let t = whereType(block, other, keep: keep, rows: n)
        if t.isInteger {
            let x = integers(block, n, t), y = integers(other, n, t)
            return .ints((0..<n).map { keep[$0] ? x[$0] : y[$0] }, t)
        }
        let x = floats(block, n, t), y = floats(other, n, t)
        return .floats((0..<n).map { keep[$0] ? x[$0] : y[$0] }, t)
    }

    /// The dtype of `block.where(keep, other)` in pandas 3.1 (value-dependent).
    static func whereType(_ block: Operand, _ other: Operand, keep: [Bool], rows n: Int) -> NumericType {
        guard let d = block.dtype else { return resultType(block, other) }
        if keep.allSatisfy({ $0 }) { return d }  // nothing to replace: pandas returns the block as it is
        if d.isFloat {
            // A float block holds any number; float32 holds an array whose values round-trip through it.
            guard let t = other.dtype, d == .float32, t != .float32 else { return d }
            return other.doubles(n).allSatisfy { $0.isNaN || Double(Float($0)) == $0 } ? d : promote(d, t)
        }
        switch other {
        case .number(let v, _):
            if v.rounded() == v, v.isFinite, fits(v, d) { return d }
            if v.rounded() != v || !v.isFinite { return .float64 }
            let wider: [NumericType] = d.rawValue.hasPrefix("u") && v >= 0 ? [.uint16, .uint32, .uint64] : [.int16, .int32, .int64]
            return wider.first { $0.itemSize > d.itemSize && fits(v, $0) } ?? .float64
        case .floats(let v, let t):
            return v.allSatisfy({ !$0.isNaN && fits($0, d) && $0.rounded() == $0 }) ? d : promote(d, t)
        case .ints(let v, let t):
            if d.rawValue.hasPrefix("u") && t.rawValue.hasPrefix("int") {
                return v.allSatisfy { $0 >= 0 && FrameGeneration.wrap($0, to: d) == $0 } ? d : promote(d, t)
            }
            // Held or not, an integer array other gives numpy's `where` type: int32 with uint32 is int64.
            return promote(d, t)
        }
    }

    /// Whether the whole number `v` lies in the integer dtype's range.
    static func fits(_ v: Double, _ t: NumericType) -> Bool {
        if t == .uint64 { return v >= 0 && v < 18446744073709551616.0 }
        guard v >= -9223372036854775808.0, v < 9223372036854775808.0 else { return false }
        let i = Int64(v)
        return FrameGeneration.wrap(i, to: t) == i && (t.rawValue.hasPrefix("int") || i >= 0)
    }
}

extension FrameColumnData {
    /// The rows at local positions `rows`, in that order.
    public func select(_ rows: [Int]) -> FrameColumnData {
        switch self {
        case .float64(let a): return .float64(rows.map { a[$0] })
        case .float32(let a): return .float32(rows.map { a[$0] })
        case .integer(let a, let t): return .integer(rows.map { a[$0] }, t)
        case .bool(let a): return .bool(rows.map { a[$0] })
        case .datetime(let a): return .datetime(rows.map { a[$0] })
        case .category(let c, let k): return .category(codes: rows.map { c[$0] }, count: k)
        case .string(let s):
            var out = FrameStrings()
            for i in rows { out.append(s.isValid(i) ? s.slice(i) : nil) }
            return .string(out)
        }
    }
}
