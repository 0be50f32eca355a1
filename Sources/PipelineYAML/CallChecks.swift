import PipelineIR

/// Checks that need the whole pipeline: each `map_blocks` call against its
/// function or method (arity, keyword names, field paths, kernel parameter kinds).
extension Lowerer {
    /// Checks every `map_blocks` call and records, on each valid one, how the function's
    /// parameters are passed (`Step.parameterRoles`): the graph builder turns that into the call site.
    mutating func checkSteps(_ pipeline: inout Pipeline) {
        for i in pipeline.steps.indices where stepsWithErrors.isEmpty || !stepsWithErrors.contains(pipeline.steps[i].name) {
            guard case .mapBlocks(let callee, let over, let args, let kwargs, _) = pipeline.steps[i].kind else { continue }
            var hints = StepReferences(self, step: i)
            let roles = checkCall(step: pipeline.steps[i].name, callee: callee, over: over, args: args, kwargs: kwargs, in: pipeline, hints: &hints)
            pipeline.steps[i].parameterRoles = roles
        }
    }

    /// What a function parameter receives at a call site.
    enum Incoming {
        case block(Ref)
        case object(PipelineObject, path: FieldPath, range: SourceRange)
        case literal(range: SourceRange)
        case receiver(PipelineObject, range: SourceRange)
        /// A per-item step's item: a number.
        case item(range: SourceRange)
    }

    /// The positions a lowered step's references were found at (`Lowerer.references`), in the order
    /// the lowering recorded them; -1 past the end (no hint: the name is looked up).
    struct StepReferences {
        var next: Int
        let end: Int
        init(_ l: Lowerer, step i: Int) {
            let known = i + 1 < l.referenceStart.count
            next = known ? Int(l.referenceStart[i]) : 0
            end = known ? Int(l.referenceStart[i + 1]) : 0
        }
        /// No hints (a step the lowering did not record).
        static let none = StepReferences(next: 0, end: 0)
        private init(next: Int, end: Int) {
            self.next = next
            self.end = end
        }
        mutating func take(_ l: Lowerer) -> Int {
            guard next < end else { return -1 }
            defer { next += 1 }
            return Int(l.references[next])
        }
    }

    /// Object `name`, at its hinted position when the hint holds (no lookup by name).
    func hintedObject(_ name: String, at hint: Int, in p: Pipeline) -> PipelineObject? {
        if hint >= 0, hint < p.objects.count, p.objects[hint].name == name { return p.objects[hint] }
        return p.object(named: name)
    }

    /// The function or method a step calls, the receiver when it is a method, and the callee's range.
    mutating func callee(_ callee: Callee, in p: Pipeline, hints: inout StepReferences) -> (function: PipelineFunction, receiver: PipelineObject?, range: SourceRange)? {
        let hint = hints.take(self)
        switch callee {
        case .function(let name, let range):
            if hint >= 0, hint < p.functions.count, p.functions[hint].name == name { return (p.functions[hint], nil, range) }
            guard let f = p.function(named: name) else { return nil }
            return (f, nil, range)
        case .method(let objName, let objRange, let methodName, let methodRange):
            guard let obj = hintedObject(objName, at: hint, in: p) else { return nil }
            guard case .instance(let inst) = obj.recipe else {
                error("object `\(objName)` is \(kindArticle(obj.recipe)); only `class` instances have methods", objRange)
                return nil
            }
            guard let m = inst.method(methodName) else {
                let hint = suggestion(for: methodName, among: inst.methods.map(\.name)).map { "did you mean `\($0)`?" }
                error("class `\(inst.className)` has no method `\(methodName)`", methodRange,
                      help: hint ?? (inst.methods.isEmpty ? "declare it under the object's `methods:`" : "its methods are \(inst.methods.map { "`\($0.name)`" }.joined(separator: ", "))"))
                return nil
            }
            return (m.function, obj, SourceRange(start: objRange.start, end: methodRange.end))
        case .instance(let objName, let range):
            guard let obj = hintedObject(objName, at: hint, in: p) else { return nil }
            guard case .instance(let inst) = obj.recipe else {
                error("object `\(objName)` is \(kindArticle(obj.recipe)), which cannot be called", range, help: "call a function, or a `class` instance that declares `__call__`")
                return nil
            }
            guard let call = inst.method("__call__") else {
                error("object `\(objName)` is not callable: class `\(inst.className)` declares no `__call__` method", range,
                      help: "declare `__call__` under its `methods:`, or call one of its methods as `\(objName).method`")
                return nil
            }
            return (call.function, obj, range)
        }
    }

    /// Checks one call and returns how each parameter is passed, in the function's order (nil when the call is invalid).
    mutating func checkCall(step: String, callee c: Callee, over: [Ref], args: [CallArgument], kwargs: [(name: String, nameRange: SourceRange, value: CallArgument)], in p: Pipeline,
                            hints: inout StepReferences) -> [Graph.EdgeRole]? {
        guard let (function, receiver, calleeRange) = callee(c, in: p, hints: &hints) else { return nil }
        var incoming: [(value: Incoming, role: Graph.EdgeRole)] = []
        incoming.reserveCapacity(1 + over.count + args.count + kwargs.count + function.carried.count)
        if let receiver, case .method(_, let objRange, _, _) = c { incoming.append((.receiver(receiver, range: objRange), .receiver)) }
        if let receiver, case .instance(_, let range) = c { incoming.append((.receiver(receiver, range: range), .carried(.instance, name: "self"))) }
        for (i, r) in over.enumerated() { incoming.append((.block(r), .block(i))) }
        for (i, a) in args.enumerated() { incoming.append((incomingArgument(a, p, hints: &hints), .argument(i))) }
        let positional = incoming.count
        let expected = function.calledParamCount
        var byKeyword: [Int: (value: Incoming, role: Graph.EdgeRole)] = [:]
        for kw in kwargs {
            // Taken before any `continue`: hints follow the written order.
            let value = incomingArgument(kw.value, p, hints: &hints)
            guard let idx = function.params.firstIndex(where: { $0.name == kw.name }), !(function.isMethod && idx == 0) else {
                let names = function.params.map(\.name).filter { $0 != "self" || !function.isMethod }
                error("`\(function.name)` has no parameter `\(kw.name)`", kw.nameRange,
                      help: suggestion(for: kw.name, among: names).map { "did you mean `\($0)`?" } ?? "its parameters are \(names.map { "`\($0)`" }.joined(separator: ", "))")
                continue
            }
            if idx >= expected, let c = function.carried.first(where: { $0.name == kw.name }) {
                error("parameter `\(kw.name)` of `\(function.name)` is carried by the function (\(c.route.phrase)); a step cannot pass it", kw.nameRange)
                continue
            }
            if idx < positional {
                error("parameter `\(kw.name)` of `\(function.name)` is already passed by position", kw.nameRange)
                continue
            }
            byKeyword[idx] = (value, .keyword(kw.name))
        }
        let passed = positional + byKeyword.count
        if passed != expected || (positional < expected && (positional..<expected).contains { byKeyword[$0] == nil }) {
            let selfNote = function.isMethod ? 1 : 0
            let takes = expected - selfNote
            let parts = (over.isEmpty ? [] : ["\(over.count) block\(over.count == 1 ? "" : "s") from `over`"])
                + (args.isEmpty ? [] : ["\(args.count) in `args`"])
                + (kwargs.isEmpty ? [] : ["\(kwargs.count) in `kwargs`"])
            error("`\(function.name)` takes \(takes) parameter\(takes == 1 ? "" : "s") but step `\(step)` passes \(passed - selfNote) (\(parts.joined(separator: ", ")))",
                  calleeRange, help: "the blocks of `over` come first, then `args`, then `kwargs` by name")
            return nil
        }
        // Keyword slots in parameter order, then the objects the function carries.
        incoming += (positional..<expected).compactMap { byKeyword[$0] }
        for carried in function.carried {
            guard let obj = p.object(named: carried.object) else { return nil }
            incoming.append((.object(obj, path: carried.path, range: carried.range), .carried(carried.route, name: carried.name)))
        }
        checkBindings(of: function, step: step, incoming: incoming.map(\.value))
        return incoming.map(\.role)
    }

    /// Each kernel parameter against what its binding receives: kind, and field paths that exist.
    mutating func checkBindings(of function: PipelineFunction, step: String, incoming: [Incoming]) {
        guard case .kernel(let kernel, let bindings) = function.body else { return }
        for (kp, binding) in zip(kernel.params, bindings) {
            guard case .param(let idx, let path) = binding, idx < incoming.count else { continue }
            switch incoming[idx] {
            case .block(let r):
                if !path.isEmpty {
                    error("`\(path.applied(to: function.params[idx].name))`: parameter `\(function.params[idx].name)` receives a block of `\(r.name)`, which has no fields", r.range)
                } else if !kp.kind.accepts(.block) {
                    error("kernel `\(kernel.rawValue)` needs \(describe(kp.kind)) for `\(kp.name)`, but step `\(step)` passes a block of `\(r.name)`", r.range)
                }
            case .literal(let range):
                if !path.isEmpty {
                    error("`\(path.applied(to: function.params[idx].name))`: a number has no fields", range)
                } else if !kp.kind.accepts(.scalar) {
                    error("kernel `\(kernel.rawValue)` needs \(describe(kp.kind)) for `\(kp.name)`, but step `\(step)` passes a number", range)
                }
            case .item(let range):
                if !path.isEmpty {
                    error("`\(path.applied(to: function.params[idx].name))`: the item is a number, which has no fields", range)
                } else if !kp.kind.accepts(.block) && !kp.kind.accepts(.scalar) {
                    error("kernel `\(kernel.rawValue)` needs \(describe(kp.kind)) for `\(kp.name)`, but step `\(step)` passes the item, a number", range)
                }
            case .object(let obj, let argPath, let range):
                checkObjectBinding(obj, argPath: argPath, bindingPath: path, isReceiver: false, range: range, kernel: kernel, kp: kp)
            case .receiver(let obj, let range):
                checkObjectBinding(obj, argPath: [], bindingPath: path, isReceiver: true, range: range, kernel: kernel, kp: kp)
            }
        }
    }

    /// An object reaches a kernel parameter: the projected field must exist and be of the right kind.
    mutating func checkObjectBinding(_ obj: PipelineObject, argPath: FieldPath, bindingPath path: FieldPath, isReceiver: Bool,
                                     range: SourceRange, kernel: Kernel, kp: (name: String, kind: ParamKind)) {
        // Built only for messages.
        func display() -> String { argPath.applied(to: obj.name) }
        func shown() -> String { path.applied(to: display()) }
        guard let shipped = checkFieldPath(argPath, in: obj.recipe, at: range, display: display()) else { return }
        // Method bodies were checked against their class when declared.
        let target = isReceiver ? shipped.projected(through: path)
            : checkFieldPath(path, in: shipped, at: range, display: shown())
        guard let value = target else { return }
        let kind = valueKind(value)
        if !kp.kind.accepts(kind) {
            error("kernel `\(kernel.rawValue)` needs \(describe(kp.kind)) for `\(kp.name)`, but `\(shown())` is \(kindArticle(value))", range)
        } else if kp.kind == .blockOrScalar, kind == .ndarray || kind == .ndarray1D {
            _ = requireVersion11("an ndarray operand broadcast against each block (`\(shown())` for `\(kp.name)` of kernel `\(kernel.rawValue)`)", range)
        }
    }


    func incomingArgument(_ a: CallArgument, _ p: Pipeline, hints: inout StepReferences) -> Incoming {
        switch a {
        case .literal(_, let range): return .literal(range: range)
        case .item(let range): return .item(range: range)
        case .object(let name, let path, let range):
            guard let obj = hintedObject(name, at: hints.take(self), in: p) else { return .literal(range: range) }
            return .object(obj, path: path, range: range)
        }
    }

    func valueKind(_ r: Recipe) -> ValueKind {
        switch r {
        case .series: .series
        case .ndarray(let a): a.shape.count == 1 ? .ndarray1D : .ndarray
        case .value(let l):
            switch l {
            case .int, .float, .bool: .scalar
            default: .other
            }
        case .python: .unknown
        case .element: .scalar
        case .intList, .bytes, .instance: .other
        case .dataframe: .dataframe
        case .stringDict: .dict
        }
    }

    func describe(_ k: ParamKind) -> String {
        switch k {
        case .block: "a block"
        case .table: "a table (a Series or 1-D ndarray)"
        case .array: "an ndarray"
        case .scalar: "a number"
        case .blockOrScalar: "a block, a number or an ndarray"
        case .partition: "a DataFrame partition"
        case .lookupTable: "a lookup table (a dict or a Series)"
        }
    }
}
