import PipelineIR

/// Row-wise DataFrame steps (format 1.2): `lookup`, `assign` and `filter` — lowering, and the
/// checks against the frame each step reads (docs/pipeline-format.md, "Row-wise steps").
extension Lowerer {
    static let rowStepKinds: [KnownKey] = [.lookup, .assign, .filter]
    static let lookupKeys: [KnownKey] = [.lookup, .through, .into, .lint]
    static let assignKeys: [KnownKey] = [.assign, .column, .expr, .lint]
    static let filterKeys: [KnownKey] = [.filter, .column, .op, .value, .lint]
    /// How deep an `assign` expression may nest (each level an operation or `where`).
    static let maxExprDepth = 16

    /// `lookup: FRAME.COLUMN, through: TABLE, into: COLUMN`, `assign: FRAME, column:, expr:`,
    /// `filter: FRAME, column:, op:, value:`.
    mutating func lowerRowStep(_ name: String, _ nameRange: SourceRange, _ v: WrittenValue, kindEntry: Entry, entries es: [Entry],
                               suppressions supp: Suppressions?) -> Step? {
        let kind = keyText(kindEntry)
        let allowed = kind == "lookup" ? Self.lookupKeys : kind == "assign" ? Self.assignKeys : Self.filterKeys
        checkKeys(es, allowed: allowed, in: "`\(kind)` step `\(name)`")
        guard requireVersion12("a `\(kind)` step", kindEntry.keyRange) else { return nil }
        func get(_ k: KnownKey) -> Entry? { es.first(k) }
        func need(_ keys: [KnownKey], _ what: String) -> [Entry]? {
            let found = keys.compactMap(get)
            guard found.count == keys.count else {
                error("`\(kind)` step `\(name)` needs \(what)", v.at)
                return nil
            }
            return found
        }
        let op: RowOp, over: Ref
        switch kind {
        case "lookup":
            guard let e = need([.through, .into], "`through` (a `dict:` or `series:` object) and `into` (the column it assigns)") else { return nil }
            guard let (frame, column) = frameColumn(kindEntry.value, "`lookup`"),
                  let table = string(e[0].value, "`through`"), let into = string(e[1].value, "`into`") else { return nil }
            guard isDeclared(table, in: .objects) else {
                error("`\(table)` is not an object; `through` names a `dict:` or `series:` object", textRange(e[0].value),
                      help: suggestion(for: table, among: declaredNames(in: .objects)).map { "did you mean `\($0)`?" })
                return nil
            }
            over = frame
            op = .lookup(column: column.name, columnRange: column.range, table: table, tableRange: textRange(e[0].value), into: into, intoRange: textRange(e[1].value))
        case "assign":
            guard let e = need([.column, .expr], "`column` (the column it assigns) and `expr` (what it computes)") else { return nil }
            guard let frame = dataRef(kindEntry.value), let column = string(e[0].value, "`column`"), let expr = rowExpr(e[1].value, depth: 0) else { return nil }
            over = frame
            op = .assign(column: column, columnRange: textRange(e[0].value), expr: expr)
        default:
            guard let e = need([.column, .op, .value], "`column`, `op` (one of \(CompareOp.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", "))) and `value` (a number)") else { return nil }
            guard let frame = dataRef(kindEntry.value), let column = string(e[0].value, "`column`"),
                  let cmp = enumValue(e[1].value, "`op`", as: CompareOp.self), let value = number(e[2].value, "`value`") else { return nil }
            over = frame
            op = .filter(column: column, columnRange: textRange(e[0].value), op: cmp, value: value, valueRange: e[2].value.at)
        }
        return Step(name: name, nameRange: nameRange, range: v.at, kind: .rows(over, op), suppressions: supp)
    }

    /// `FRAME.COLUMN`: the frame (a ref) and the column's name and range.
    mutating func frameColumn(_ v: WrittenValue, _ what: String) -> (Ref, (name: String, range: SourceRange))? {
        guard let s = string(v, what) else { return nil }
        let r = textRange(v)
        guard let dot = s.firstIndex(of: "."), dot != s.startIndex, s.index(after: dot) != s.endIndex else {
            error("\(what) reads `FRAME.COLUMN` (e.g. `people.zip`), not `\(s)`", r)
            return nil
        }
        let head = String(s[..<dot]), column = String(s[s.index(after: dot)...])
        let headRange = SourceRange(start: r.start, end: r.start + head.utf8.count)
        guard isDataInput(head) else {
            error("`\(head)` is not a frame or step", headRange, help: suggestion(for: head, among: declaredNames(in: .frames, .steps)).map { "did you mean `\($0)`?" })
            return nil
        }
        return (Ref(name: head, range: headRange), (column, SourceRange(start: min(r.end, headRange.end + 1), end: r.end)))
    }

    /// An `assign` expression: a column name, a number, `{add|sub|mul|div: [a, b]}` or `{where: [cond, a, b]}`.
    mutating func rowExpr(_ v: WrittenValue, depth: Int) -> RowExpr? {
        guard depth < Self.maxExprDepth else {
            error("the expression nests deeper than \(Self.maxExprDepth) levels; assign a part to a column in a step of its own", v.at)
            return nil
        }
        switch scalar(v) {
        case .int(let i)?: return .number(Double(i), isInteger: true, range: v.at)
        case .float(let d)? where d.isFinite: return .number(d, isInteger: false, range: v.at)
        case .string(let s)?: return .column(s, range: textRange(v))
        case nil: break
        default:
            error("an expression is a column name, a number or an operation (`{mul: [income, 2]}`), not \(kindName(v))", v.at)
            return nil
        }
        guard let es = mapping(v, "an expression"), es.count == 1, let e = es.first else {
            if tree[v.id].kind == .mapping { error("an operation is a mapping of one key (`add`, `sub`, `mul`, `div`, `where`)", v.at) }
            return nil
        }
        let key = keyText(e)
        guard let items = list(e.value, "`\(key)`") else { return nil }
        if let arith = ArithOp(rawValue: key) {
            guard items.count == 2 else {
                error("`\(key)` takes two operands, not \(items.count)", e.value.at)
                return nil
            }
            guard let a = rowExpr(items[0], depth: depth + 1), let b = rowExpr(items[1], depth: depth + 1) else { return nil }
            return .arith(arith, a, b, range: v.at)
        }
        guard key == "where" else {
            let options = ArithOp.allCases.map(\.rawValue) + ["where"]
            error("unknown operation `\(key)`", e.keyRange,
                  help: suggestion(for: key, among: options).map { "did you mean `\($0)`?" } ?? "expected one of: \(options.map { "`\($0)`" }.joined(separator: ", "))")
            return nil
        }
        guard items.count == 3 else {
            error("`where` takes a condition and two values (`{where: [{gt: [age, 17]}, a, b]}`), not \(items.count) items", e.value.at)
            return nil
        }
        guard let cond = rowCondition(items[0], depth: depth + 1), let a = rowExpr(items[1], depth: depth + 1), let b = rowExpr(items[2], depth: depth + 1) else { return nil }
        return .choose(cond, a, b, range: v.at)
    }

    /// `{gt: [a, b]}` (`eq`, `ne`, `lt`, `le`, `gt`, `ge`): a row-by-row comparison.
    mutating func rowCondition(_ v: WrittenValue, depth: Int) -> RowCondition? {
        let names = CompareOp.allCases.map(\.keyword)
        guard tree[v.id].kind == .mapping, let es = mapping(v, "a condition"), es.count == 1, let e = es.first else {
            error("a condition is a comparison of one key (\(names.map { "`\($0)`" }.joined(separator: ", "))), e.g. `{gt: [age, 17]}`", v.at)
            return nil
        }
        let key = keyText(e)
        guard let op = CompareOp(keyword: key) else {
            error("unknown comparison `\(key)`", e.keyRange,
                  help: suggestion(for: key, among: names).map { "did you mean `\($0)`?" } ?? "expected one of: \(names.map { "`\($0)`" }.joined(separator: ", "))")
            return nil
        }
        guard let items = list(e.value, "`\(key)`") else { return nil }
        guard items.count == 2 else {
            error("`\(key)` compares two operands, not \(items.count)", e.value.at)
            return nil
        }
        guard let a = rowExpr(items[0], depth: depth + 1), let b = rowExpr(items[1], depth: depth + 1) else { return nil }
        return RowCondition(op: op, lhs: a, rhs: b)
    }

    // MARK: checks against the frame

    /// A row-wise step against the frame it reads: its columns and table; the result's columns.
    mutating func checkRowStep(_ s: Step, over: Ref, op: RowOp, in p: Pipeline, schemas: [String: FrameSchema]) -> FrameSchema? {
        guard let input = schemas[over.name] else {
            if stepsWithErrors.contains(over.name) {
                stepsWithErrors.insert(s.name)
            } else if !isDeclared(over.name, in: .frames), p.step(named: over.name)?.frameSchema == nil {
                error("`\(over.name)` is \(isDeclared(over.name, in: .arrays) ? "an array" : "not a frame"); `\(op.keyword)` reads a frame or a frame-valued step", over.range)
            }
            return nil
        }
        switch op {
        case .lookup(let c, let cRange, let t, let tRange, let into, let intoRange):
            guard let column = knownColumn(c, cRange, of: over.name, step: s.name, input), let obj = p.object(named: t) else { return nil }
            let type: ColumnType
            switch obj.recipe {
            case .stringDict(let d): type = .string(length: d.valueLength)
            case .series(let sr): type = .numeric(sr.dtype)
            default:
                error("`lookup` maps through a `dict:` or `series:` object, but `\(t)` is \(kindArticle(obj.recipe))", tRange)
                return nil
            }
            if let problem = lookupMismatch(column, obj.recipe) {
                error("step `\(s.name)` maps column `\(c)` (\(column.type.name)) of `\(over.name)` through `\(t)`, \(problem): no value would be found (every result NaN)", tRange)
                return nil
            }
            return input.assigning(FrameColumn(name: into, nameRange: intoRange, type: type))
        case .assign(let c, let cRange, let expr):
            guard let t = exprType(expr, s, over: over, input) else { return nil }
            guard case .column(let dtype) = t else {
                error("step `\(s.name)` assigns a number to every row; the expression needs a column of `\(over.name)`", expr.range)
                return nil
            }
            return input.assigning(FrameColumn(name: c, nameRange: cRange, type: .numeric(dtype)))
        case .filter(let c, let cRange, _, _, _):
            guard let column = knownColumn(c, cRange, of: over.name, step: s.name, input) else { return nil }
            guard case .numeric(let t) = column.type, !t.isTemporal else {
                error("step `\(s.name)` compares column `\(c)` of `\(over.name)` with a number, but `\(c)` is \(column.type.name)", cRange)
                return nil
            }
            return input
        }
    }

    /// What an expression yields: a column dtype, or a Python number (numpy's "weak" scalars, NEP 50).
    enum ExprType: Equatable {
        case column(NumericType)
        case int, float
    }

    /// The type of an `assign` expression by numpy's promotion (docs/pipeline-format.md, "Result dtypes"); nil after an error.
    mutating func exprType(_ e: RowExpr, _ s: Step, over: Ref, _ schema: FrameSchema) -> ExprType? {
        switch e {
        case .number(_, let isInteger, _):
            return isInteger ? .int : .float
        case .column(let name, let range):
            guard let c = knownColumn(name, range, of: over.name, step: s.name, schema) else { return nil }
            guard case .numeric(let t) = c.type, !t.isTemporal, t != .bool else {
                error("step `\(s.name)` computes with column `\(name)` of `\(over.name)`, which is \(c.type.name): `assign` expressions take numbers", range)
                return nil
            }
            return .column(t)
        case .arith(let op, let a, let b, _):
            guard let x = exprType(a, s, over: over, schema), let y = exprType(b, s, over: over, schema) else { return nil }
            if op != .div, !literalFits(a, y, s) || !literalFits(b, x, s) { return nil }
            let t = Self.promote(x, y)
            guard op == .div else { return t }
            switch t {
            case .column(let d): return .column(d.isFloat ? d : .float64)
            case .int, .float: return .float
            }
        case .choose(let cond, let a, let b, _):
            let c1 = exprType(cond.lhs, s, over: over, schema), c2 = exprType(cond.rhs, s, over: over, schema)
            guard let x = exprType(a, s, over: over, schema), let y = exprType(b, s, over: over, schema), c1 != nil, c2 != nil else { return nil }
            if case .column = c1 {} else if case .column = c2 {} else {
                error("the condition of `where` compares two numbers; compare a column (`{gt: [age, 17]}`)", cond.lhs.range)
                return nil
            }
            if case .column = x {} else if case .column = y {} else {
                error("`where` picks between two numbers; one of its values must read a column (`{where: [{gt: [age, 17]}, income, 0]}`)", e.range)
                return nil
            }
            return Self.promote(x, y)
        }
    }

    /// NEP 50: `+ - *` convert a written integer to the other operand's integer dtype, and numpy
    /// raises `OverflowError` when it is out of that dtype's range (`int8 + 300`, `uint8 - -1`) —
    /// Dask hits it while building the graph. An error at the number (division casts to float64 first).
    mutating func literalFits(_ e: RowExpr, _ other: ExprType, _ s: Step) -> Bool {
        guard case .number(let v, true, let range) = e, case .column(let t) = other, t.isInteger else { return true }
        let bounds: (low: Double, end: Double)  // [low, end)
        switch t {
        case .int8: bounds = (-0x1p7, 0x1p7)
        case .int16: bounds = (-0x1p15, 0x1p15)
        case .int32: bounds = (-0x1p31, 0x1p31)
        case .uint8: bounds = (0, 0x1p8)
        case .uint16: bounds = (0, 0x1p16)
        case .uint32: bounds = (0, 0x1p32)
        case .uint64: bounds = (0, 0x1p64)
        default: return true  // an integer literal is an Int64: int64 holds it
        }
        guard v < bounds.low || v >= bounds.end else { return true }
        let text = Int64(exactly: v).map(String.init) ?? "\(v)"
        error("step `\(s.name)` computes with the number \(text) and an \(t.rawValue) column: numpy raises OverflowError (Python integer \(text) out of bounds for \(t.rawValue))", range,
              help: "write a number that fits \(t.rawValue), or make the column wider first")
        return false
    }

    /// numpy's result type of a binary operation: two dtypes by `promote_types`; a Python int
    /// keeps a column's dtype, a Python float keeps a float column's and makes an integer one float64.
    static func promote(_ x: ExprType, _ y: ExprType) -> ExprType {
        switch (x, y) {
        case (.int, .int): return .int
        case (.int, .float), (.float, .int), (.float, .float): return .float
        case (.column(let t), .int), (.int, .column(let t)): return .column(t)
        case (.column(let t), .float), (.float, .column(let t)): return .column(t.isFloat ? t : .float64)
        case (.column(let a), .column(let b)): return .column(promoteTypes(a, b))
        }
    }

    /// `numpy.promote_types` over the integer and float dtypes.
    static func promoteTypes(_ a: NumericType, _ b: NumericType) -> NumericType {
        if a == b { return a }
        if a.isFloat || b.isFloat {
            let f = a.isFloat && b.isFloat ? max(a.itemSize, b.itemSize) : (a.isFloat ? a : b).itemSize
            let other = a.isFloat ? b : a
            // An integer of more than 2 bytes needs float64 (float32 holds 24-bit integers exactly).
            return f == 8 || (!other.isFloat && other.itemSize > 2) ? .float64 : .float32
        }
        let signedA = !a.rawValue.hasPrefix("u"), signedB = !b.rawValue.hasPrefix("u")
        func signed(_ bytes: Int) -> NumericType { [1: .int8, 2: .int16, 4: .int32][bytes] ?? .int64 }
        if signedA == signedB { return a.itemSize >= b.itemSize ? a : b }
        let (s, u) = signedA ? (a, b) : (b, a)
        if s.itemSize > u.itemSize { return s }
        return u.itemSize >= 8 ? .float64 : signed(u.itemSize * 2)
    }
}
