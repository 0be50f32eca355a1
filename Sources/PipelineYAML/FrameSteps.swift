import PipelineIR

/// `map_partitions` steps and frame kernels (format 1.2): lowering, and the checks that need the
/// whole pipeline — what each step maps over, the columns kernels read, the tables they look up.
extension Lowerer {
    /// `column`, `columns`, `into` of a function: required by frame kernels, refused elsewhere.
    /// Nil when something is wrong (reported); `.some(nil)` for an array kernel without them.
    mutating func lowerFrameKernelOptions(_ es: [Entry], kernel: Kernel,
                                          kernelRange: SourceRange) -> FrameKernelOptions?? {
        let given = es.filter { Self.frameKernelKeys.containsKey($0.code) }
        guard kernel.isFrameKernel else {
            for e in given {
                error("`\(keyText(e))` applies to the frame kernels (`map_column`, `score_rows`), not `\(kernel.rawValue)`", e.keyRange)
            }
            return given.isEmpty ? .some(nil) : nil
        }
        guard requireVersion12("kernel `\(kernel.rawValue)`", kernelRange) else { return nil }
        func get(_ k: KnownKey) -> Entry? { given.first(k) }
        guard let into = get(.into) else {
            error("kernel `\(kernel.rawValue)` needs `into` (the column it assigns)", kernelRange)
            return nil
        }
        guard let intoName = string(into.value, "`into`") else { return nil }
        var options = FrameKernelOptions(into: intoName, intoRange: textRange(into.value))
        switch kernel {
        case .mapColumn:
            if let c = get(.columns) { error("`map_column` maps one `column`, not `columns`", c.keyRange) }
            guard let c = get(.column) else {
                error("kernel `map_column` needs `column` (the column it looks up)", kernelRange)
                return nil
            }
            guard let name = string(c.value, "`column`") else { return nil }
            options.column = name
            options.columnRange = textRange(c.value)
        default:
            if let c = get(.column) { error("`score_rows` reads `columns` (a list), not `column`", c.keyRange) }
            guard let c = get(.columns) else {
                error("kernel `score_rows` needs `columns` (the columns multiplied by the weights)", kernelRange)
                return nil
            }
            for item in list(c.value, "`columns`") ?? [] {
                guard let name = string(item, "a column name") else { return nil }
                options.columns.append(name)
                options.columnRanges.append(textRange(item))
            }
            if options.columns.isEmpty {
                error("`columns` needs at least one column", c.value.at)
                return nil
            }
        }
        return .some(options)
    }

    /// `map_partitions: f, over: FRAME, args: [...], kwargs: {...}`: one task per partition.
    mutating func lowerMapPartitionsStep(_ name: String, _ nameRange: SourceRange, _ v: WrittenValue,
                                         kindEntry: Entry,
                                         entries es: [Entry], suppressions supp: Suppressions?) -> Step? {
        checkKeys(es, allowed: Self.mapPartitionsKeys, in: "`map_partitions` step `\(name)`")
        guard requireVersion12("a `map_partitions` step", kindEntry.keyRange) else { return nil }
        guard let calleeText = string(kindEntry.value, "`map_partitions`") else { return nil }
        guard let callee = lowerCallee(calleeText, range: textRange(kindEntry.value)) else { return nil }
        guard let overEntry = es.first(.over) else {
            error("`map_partitions` step `\(name)` needs `over` (the frame it maps)", v.at)
            return nil
        }
        var overValue = overEntry.value
        if tree[overValue.id].kind == .sequence {
            let items = list(overValue, "`over`") ?? []
            guard items.count == 1 else {
                error("`map_partitions` maps over one frame; `over` lists \(items.count)", overValue.at)
                return nil
            }
            overValue = items[0]
        }
        guard let over = dataRef(overValue) else { return nil }
        var args: [CallArgument] = []
        if let a = es.first(.args) {
            for item in list(a.value, "`args`") ?? [] {
                if let arg = argument(item) { args.append(arg) }
            }
        }
        var kwargs: [(name: String, nameRange: SourceRange, value: CallArgument)] = []
        if let k = es.first(.kwargs), let ks = mapping(k.value, "`kwargs`", keysAreNames: true) {
            for e in ks {
                if let arg = argument(e.value) { kwargs.append((keyText(e), e.keyRange, arg)) }
            }
        }
        var step = Step(name: name, nameRange: nameRange, range: v.at,
                        kind: .mapBlocks(callee: callee, over: [over], args: args, kwargs: kwargs, dtype: nil), suppressions: supp)
        step.mapsPartitions = true
        return step
    }

    /// `merge: LEFT, with: RIGHT, on: COLUMN, how: left|inner|right|outer` (default inner, as pandas).
    mutating func lowerMergeStep(_ name: String, _ nameRange: SourceRange, _ v: WrittenValue,
                                 kindEntry: Entry,
                                 entries es: [Entry], suppressions supp: Suppressions?) -> Step? {
        checkKeys(es, allowed: Self.mergeKeys, in: "`merge` step `\(name)`")
        guard requireVersion12("a `merge` step", kindEntry.keyRange) else { return nil }
        guard let left = dataRef(kindEntry.value) else { return nil }
        guard let w = es.first(.with), let o = es.first(.on) else {
            error("`merge` step `\(name)` needs `with` (a DataFrame object or a frame) and `on` (the column)", v.at)
            return nil
        }
        guard let rightName = string(w.value, "`with`"), let on = string(o.value, "`on`") else { return nil }
        let right: MergeRight
        if isDeclared(rightName, in: .objects) {
            right = .object(name: rightName, range: textRange(w.value))
        } else {
            guard let r = dataRef(w.value) else { return nil }
            right = .frame(r)
        }
        var how = MergeHow.inner
        if let h = es.first(.how) {
            guard let v = enumValue(h.value, "`how`", as: MergeHow.self) else { return nil }
            how = v
        }
        return Step(name: name, nameRange: nameRange, range: v.at,
                    kind: .merge(left, with: right, on: on, onRange: textRange(o.value), how: how), suppressions: supp)
    }

    /// A merge against its inputs: the key column on both sides, of the same kind; the result's columns.
    mutating func checkMerge(_ s: Step, left: Ref, right: MergeRight, on: String, onRange: SourceRange, how: MergeHow,
                             in p: Pipeline, schemas: [String: FrameSchema]) -> FrameSchema? {
        guard let l = schemas[left.name] else {
            // A step after a failed one fails silently, and so do the steps after it.
            if stepsWithErrors.contains(left.name) {
                stepsWithErrors.insert(s.name)
            } else if !isDeclared(left.name, in: .frames), p.step(named: left.name)?.frameSchema == nil {
                error("`\(left.name)` is not a frame; `merge` joins a frame or a frame-valued step", left.range)
            }
            return nil
        }
        let r: FrameSchema, rightName: String, rightRange: SourceRange
        switch right {
        case .object(let name, let range):
            guard let obj = p.object(named: name) else { return nil }
            guard case .dataframe(let d) = obj.recipe else {
                error("`merge` joins a `dataframe` object or a frame, but `\(name)` is \(kindArticle(obj.recipe))", range)
                return nil
            }
            (r, rightName, rightRange) = (d.schema, name, range)
        case .frame(let ref):
            guard let schema = schemas[ref.name] else {
                if stepsWithErrors.contains(ref.name) {
                    stepsWithErrors.insert(s.name)
                } else if !isDeclared(ref.name, in: .frames) {
                    error("`\(ref.name)` is not a frame; `merge` joins a frame or a frame-valued step", ref.range)
                }
                return nil
            }
            (r, rightName, rightRange) = (schema, ref.name, ref.range)
        }
        guard let a = knownColumn(on, onRange, of: left.name, step: s.name, l) else { return nil }
        guard let b = r.column(named: on) else {
            let names = r.columns.map(\.name)
            error("`\(rightName)` has no column `\(on)` to merge on", rightRange,
                  help: suggestion(for: on, among: names).map { "did you mean `\($0)`?" } ?? "its columns are \(names.map { "`\($0)`" }.joined(separator: ", "))")
            return nil
        }
        func kind(_ t: ColumnType) -> String {
            switch t {
            case .string, .category: "text"
            case .numeric(let n): n.isTemporal ? "datetime" : (n == .bool ? "bool" : "number")
            }
        }
        guard kind(a.type) == kind(b.type) else {
            error("step `\(s.name)` merges on `\(on)`, which is \(a.type.name) in `\(left.name)` but \(b.type.name) in `\(rightName)`: no key would match", onRange)
            return nil
        }
        // Each self-merge doubles the columns: a chain of 20 would make a million.
        let width = l.columns.count + r.columns.count - 1
        guard width <= Self.maxColumns else {
            error("step `\(s.name)` merges `\(left.name)` (\(l.columns.count) columns) with `\(rightName)` (\(r.columns.count) columns) "
                  + "into \(width) columns; pipelint models frames of at most \(Self.maxColumns)", left.range)
            return nil
        }
        // pandas suffixes columns both sides have (but the key) with `_x` and `_y`.
        let leftNames = Set(l.columns.map(\.name)), rightNames = Set(r.columns.map(\.name))
        var out = FrameSchema(columns: [])
        for c in l.columns {
            var c = c
            if c.name != on, rightNames.contains(c.name) { c.name += "_x" }
            out.columns.append(c)
        }
        for c in r.columns where c.name != on {
            var c = c
            if leftNames.contains(c.name) { c.name += "_y" }
            out.columns.append(c)
        }
        return out
    }

    /// What a `reduce` reads: an array or step, or (1.2) `FRAME.COLUMN` of a frame or frame-valued step.
    mutating func reduceInput(_ v: WrittenValue) -> (Ref, ReducedColumn?)? {
        if case .string(let s)? = scalar(v), let dot = s.firstIndex(of: "."), isDataInput(String(s[..<dot])) {
            let head = String(s[..<dot]), column = String(s[s.index(after: dot)...])
            let r = textRange(v)
            guard requireVersion12("a reduction of a column (`\(s)`)", r) else { return nil }
            let headRange = SourceRange(start: r.start, end: r.start + head.utf8.count)
            let columnRange = SourceRange(start: min(r.end, headRange.end + 1), end: r.end)
            return (Ref(name: head, range: headRange), ReducedColumn(name: column, range: columnRange))
        }
        return dataRef(v).map { ($0, nil) }
    }

    /// A reduction of a frame: of one of its columns, numeric but for `count`.
    mutating func checkReducedColumn(_ s: Step, _ r: Reduction, over: Ref, in schemas: [String: FrameSchema]) -> ReducedColumn? {
        guard let schema = schemas[over.name] else {
            if let c = s.reducedColumn, !isDeclared(over.name, in: .frames), !stepsWithErrors.contains(over.name) {
                error("`\(over.name)` is not a frame; `\(over.name).\(c.name)` reduces a column of a frame", over.range)
            }
            return nil
        }
        guard var c = s.reducedColumn else {
            error("`\(over.name)` is a frame; reduce one of its columns: `over: \(over.name).\(schema.columns.first?.name ?? "column")`", over.range)
            return nil
        }
        guard let column = knownColumn(c.name, c.range, of: over.name, step: s.name, schema) else { return nil }
        switch column.type {
        case .numeric(let t) where !t.isTemporal || r == .min || r == .max || r == .count:
            c.dtype = t
        case _ where r == .count:
            c.dtype = nil
        default:
            error("`\(r.rawValue)` of column `\(c.name)` of `\(over.name)`, which is \(column.type.name): Dask reduces numbers", c.range)
            return nil
        }
        return c
    }

    // MARK: whole-pipeline checks

    /// Each step against what it maps over (frames only through `map_partitions`, arrays only
    /// through `map_blocks`), the columns each frame kernel reads, the tables it looks values up
    /// in; records each frame-valued step's columns (`Step.frameSchema`). Frames cannot be saved,
    /// reduced or rechunked yet.
    mutating func checkFrameSteps(_ p: inout Pipeline) {
        // By index: reading each step's fields in place, not a copy of every step.
        guard !p.frames.isEmpty || p.steps.indices.contains(where: { i in
            if p.steps[i].reducedColumn != nil || p.steps[i].mapsPartitions { return true }
            switch p.steps[i].kind {
            case .merge, .rows, .groupby: return true
            default: return false
            }
        }) else { return }
        var schemas: [String: FrameSchema] = [:]
        for f in p.frames { schemas[f.name] = f.schema }
        var state: [String: Bool] = [:]  // false: visiting, true: done
        for i in p.steps.indices { frameSchema(ofStep: i, &p, &schemas, &state) }
        checkFrameSaves(p, schemas: schemas)
    }

    /// The columns step `i` yields when it is frame-valued (depth first, each step once).
    mutating func frameSchema(ofStep i: Int, _ p: inout Pipeline, _ schemas: inout [String: FrameSchema], _ state: inout [String: Bool]) {
        let s = p.steps[i]
        guard state[s.name] == nil else { return }
        state[s.name] = false
        defer { state[s.name] = true }
        for r in s.inputs {
            let dep = Int(p.positions(of: r.name).step)
            if dep >= 0, dep < p.steps.count, state[r.name] == nil { frameSchema(ofStep: dep, &p, &schemas, &state) }
        }
        guard !stepsWithErrors.contains(s.name) else { return }
        let before = diagnostics.count
        defer { if diagnostics.count > before { stepsWithErrors.insert(s.name) } }
        guard readsNoGroupby(s, in: p) else { return }
        switch s.kind {
        case .mapBlocks(let callee, let over, let args, let kwargs, _):
            var hints = StepReferences.none
            let function = self.callee(callee, in: p, hints: &hints)?.function
            if s.mapsPartitions {
                guard let r = over.first, let input = schemas[r.name] else {
                    // A frame or `map_partitions` step that failed was reported already.
                    if let r = over.first, stepsWithErrors.contains(r.name) { stepsWithErrors.insert(s.name) }
                    if let r = over.first, state[r.name] != false, !isDeclared(r.name, in: .frames),
                       !stepsWithErrors.contains(r.name), p.step(named: r.name)?.mapsPartitions != true {
                        error("`\(r.name)` is \(isDeclared(r.name, in: .arrays) ? "an array" : "not a frame"); `map_partitions` maps over a frame or a frame-valued step", r.range,
                              help: "map over an array's blocks with `map_blocks`")
                    }
                    return
                }
                guard let function else { return }
                if let out = checkFrameCall(s, function: function, callee: callee, over: r, input: input, args: args, kwargs: kwargs, in: p) {
                    schemas[s.name] = out
                    p.steps[i].frameSchema = out
                }
            } else {
                for r in over where schemas[r.name] != nil {
                    error("`\(r.name)` is a frame; map over its partitions with `map_partitions`", r.range)
                }
                if case .kernel(let k, _)? = function?.body, k.isFrameKernel, let f = function {
                    error("kernel `\(k.rawValue)` of `\(f.name)` works on DataFrame partitions; call it with `map_partitions`", calleeRange(callee))
                }
            }
        case .merge(let left, let right, let on, let onRange, let how):
            if let out = checkMerge(s, left: left, right: right, on: on, onRange: onRange, how: how, in: p, schemas: schemas) {
                schemas[s.name] = out
                p.steps[i].frameSchema = out
            }
        case .rows(let over, let op):
            if let out = checkRowStep(s, over: over, op: op, in: p, schemas: schemas) {
                schemas[s.name] = out
                p.steps[i].frameSchema = out
            }
        case .reduce(let r, let over, _):
            if schemas[over.name] != nil || s.reducedColumn != nil {
                p.steps[i].reducedColumn = checkReducedColumn(s, r, over: over, in: schemas)
            }
        case .groupby(let g):
            if let checked = checkGroupby(s, g, in: p, schemas: schemas) { p.steps[i].kind = .groupby(checked) }
        case .rechunk(let over, _):
            if schemas[over.name] != nil {
                error("`\(over.name)` is a frame; rechunking a frame is not supported yet", over.range)
            }
        }
    }

    func calleeRange(_ c: Callee) -> SourceRange {
        switch c {
        case .function(_, let r), .instance(_, let r): r
        case .method(_, let o, _, let m): SourceRange(start: o.start, end: m.end)
        }
    }

    /// A `map_partitions` call's function against the frame it maps: its result's columns, nil when wrong.
    mutating func checkFrameCall(_ s: Step, function: PipelineFunction, callee: Callee, over: Ref, input: FrameSchema,
                                 args: [CallArgument], kwargs: [(name: String, nameRange: SourceRange, value: CallArgument)], in p: Pipeline) -> FrameSchema? {
        guard case .kernel(let kernel, let bindings) = function.body else { return input }
        guard kernel.isFrameKernel, let options = function.frameOptions else {
            error("kernel `\(kernel.rawValue)` of `\(function.name)` works on array blocks; `map_partitions` needs a frame kernel (`map_column`, `score_rows`) or a `python` function",
                  calleeRange(callee))
            return nil
        }
        // What each function parameter receives: the receiver, the partition, `args`, then `kwargs` by name.
        var incoming: [CallArgument?] = []
        if case .method(let o, let r, _, _) = callee { incoming.append(.object(name: o, path: [], range: r)) }
        incoming.append(nil)
        incoming += args.map { Optional($0) }
        func operand(_ k: Int) -> (recipe: Recipe, shown: String, range: SourceRange)? {
            guard k < bindings.count, case .param(let idx, let inside) = bindings[k], idx < function.params.count else { return nil }
            let name = function.params[idx].name
            let arg = idx < incoming.count ? incoming[idx] : kwargs.first { $0.name == name }?.value
            guard case .object(let o, let path, let range)? = arg, let obj = p.object(named: o),
                  let r = obj.recipe.projected(through: path + inside) else { return nil }
            return (r, (path + inside).applied(to: o), range)
        }
        switch kernel {
        case .mapColumn:
            guard let c = options.column, let range = options.columnRange, let column = knownColumn(c, range, of: over.name, step: s.name, input) else { return nil }
            let table = operand(1)
            if let t = table, let problem = lookupMismatch(column, t.recipe) {
                error("step `\(s.name)` maps column `\(c)` (\(column.type.name)) of `\(over.name)` through `\(t.shown)`, \(problem): no value would be found (every result NaN)", t.range)
                return nil
            }
            let type: ColumnType
            switch table?.recipe {
            case .stringDict(let d)?: type = .string(length: d.valueLength)
            case .series(let sr)?: type = .numeric(sr.dtype)
            default: type = .numeric(.float64)
            }
            return input.assigning(FrameColumn(name: options.into, nameRange: options.intoRange, type: type))
        default:
            var ok = true
            for (c, range) in zip(options.columns, options.columnRanges) {
                guard let column = knownColumn(c, range, of: over.name, step: s.name, input) else { ok = false; continue }
                if !column.type.isNumeric {
                    error("`score_rows` multiplies numbers, but column `\(c)` of `\(over.name)` is \(column.type.name)", range)
                    ok = false
                }
            }
            if ok, let w = operand(1), let shape = w.recipe.shape, shape.count == 1, shape[0] != options.columns.count {
                error("`\(w.shown)` has \(shape[0]) weights but `score_rows` reads \(options.columns.count) columns", w.range)
                ok = false
            }
            return ok ? input.assigning(FrameColumn(name: options.into, nameRange: options.intoRange, type: .numeric(.float64))) : nil
        }
    }

    /// The column `name` of the frame a step maps, or a located error with a suggestion.
    mutating func knownColumn(_ name: String, _ range: SourceRange, of frame: String, step: String, _ schema: FrameSchema) -> FrameColumn? {
        if let c = schema.column(named: name) { return c }
        let names = schema.columns.map(\.name)
        error("step `\(step)` reads `\(frame)`, which has no column `\(name)`", range,
              help: suggestion(for: name, among: names).map { "did you mean `\($0)`?" } ?? "its columns are \(names.map { "`\($0)`" }.joined(separator: ", "))")
        return nil
    }

    /// Why `Series.map(table)` finds nothing for `column`'s values, or nil when the types can match.
    func lookupMismatch(_ column: FrameColumn, _ table: Recipe) -> String? {
        let isText: Bool
        switch column.type {
        case .string, .category: isText = true
        case .numeric(let t): isText = false
            if case .series = table, !(t.isInteger || t == .bool) { return "a Series labelled by integers 0…n-1, while the column holds \(t.rawValue) values" }
        }
        switch table {
        case .stringDict: return isText ? nil : "a dict keyed by strings"
        case .series: return isText ? "a Series labelled by integers" : nil
        default: return nil
        }
    }
}
