import PipelineIR

/// Format 1.1: the version key, and what 1.1 adds to functions and calls —
/// objects a function carries itself (`partial`, `closure`, `globals`) and
/// callable instances (`map_blocks: scorer` where `Scorer` declares `__call__`).
extension Lowerer {
    /// The versions this pipelint reads, by their exact text.
    static let versions = ["1": 0, "1.1": 1, "1.2": 2]

    /// `version:` is read by its text, never as a number: YAML reads `1.10` as the float 1.1,
    /// so a number would let `1.10` (or `1.100`) pass for 1.1. `1` and `1.1` are accepted,
    /// plain or quoted; anything else is a located error.
    mutating func lowerVersion(_ v: WrittenValue) {
        guard tree[v.id].kind == .scalar, let text = tree.scalar(v.id) else {
            error("`version` must be `1`, `1.1` or `1.2`, not \(kindName(v))", v.at)
            return
        }
        if let minor = Self.versions[text] {
            minorVersion = minor
            return
        }
        switch scalar(v) {
        case .float(let d)? where d == 1.1 || d == 1.2:
            let exact = d == 1.1 ? "1.1" : "1.2"
            error("format version `\(text)` reads as the number \(exact) in YAML; write it exactly as `\(exact)`", textRange(v))
        case .int(let i)?:
            error("unsupported format version \(i); this pipelint reads versions 1, 1.1 and 1.2", textRange(v))
        default:
            error("unsupported format version `\(text)`; this pipelint reads versions 1, 1.1 and 1.2", textRange(v),
                  help: "write `version: 1`, `version: 1.1` or `version: 1.2`")
        }
    }

    /// A `dtype:` value; the complex and nanosecond dtypes need format 1.1.
    mutating func dtypeValue(_ v: WrittenValue) -> NumericType? {
        guard let d = enumValue(v, "dtype", as: NumericType.self) else { return nil }
        guard !d.needsFormat11 || requireVersion11("dtype `\(d.rawValue)`", v.at) else { return nil }
        return d
    }

    /// Whether the file's version has what `what` needs (1.1); reports at `range` otherwise.
    mutating func requireVersion11(_ what: @autoclosure () -> String, _ range: SourceRange) -> Bool {
        guard minorVersion < 1 else { return true }
        error("\(what()) needs format version 1.1; this file declares `version: 1`", range, help: "write `version: 1.1` (every version 1 file means the same under 1.1)")
        return false
    }

    static let carryRoutes: [(key: KnownKey, route: Graph.CarryRoute)] = [(.partial, .partial), (.closure, .closure), (.globals, .global)]

    /// `partial:`, `closure:`, `globals:` of a function: each entry `name: object` (or a field path,
    /// taken on the client) becomes a parameter the function carries, after the declared ones.
    /// Nil when an entry is wrong (reported): the function is not lowered, so nothing cascades.
    mutating func lowerCarried(_ es: [Entry], params: inout [Param],
                               function name: String, isMethod: Bool, isPython: Bool) -> [CarriedObject]? {
        var carried: [CarriedObject] = []
        let before = diagnostics.count
        for (code, route) in Self.carryRoutes {
            guard let e = es.first(code) else { continue }
            let key = code.rawValue
            // Reported, then lowered as 1.1 would, so the rest of the file is checked too.
            _ = requireVersion11("`\(key)`", e.keyRange)
            if isMethod {
                error("a method carries its instance; `\(key)` is for functions", e.keyRange, help: "read the instance's fields through `self`")
                continue
            }
            if isPython, route != .partial {
                let why = route == .global ? "an importable module's globals are not shipped with its functions (each worker imports the module)"
                    : "a `python:` function is imported by name, so it has no closure pipelint can describe"
                error("`\(key)` needs a `kernel` function: \(why)", e.keyRange)
                continue
            }
            for m in mapping(e.value, "`\(key)`", keysAreNames: true) ?? [] {
                let carriedName = keyText(m)
                guard isIdentifier(carriedName) else {
                    error("`\(carriedName)` is not a valid name", m.keyRange)
                    continue
                }
                if params.contains(where: { $0.name == carriedName }) {
                    error("`\(carriedName)` is both a parameter of function `\(name)` and carried by its `\(key)`", m.keyRange,
                          help: "a carried name is not passed by the call: remove it from `params`")
                    continue
                }
                guard let (object, path, range) = carriedValue(m.value) else { continue }
                params.append(Param(name: carriedName, range: m.keyRange))
                carried.append(CarriedObject(name: carriedName, nameRange: m.keyRange, route: route, object: object, path: path, range: range))
            }
        }
        return diagnostics.count - before > carriedVersionErrors(es) ? nil : carried
    }

    /// How many version errors `lowerCarried` reports for these entries (they do not stop the lowering).
    func carriedVersionErrors(_ es: [Entry]) -> Int {
        minorVersion >= 1 ? 0 : Self.carryRoutes.filter { r in es.contains { $0.code == r.key } }.count
    }

    /// A carried value: an object name or a field path into one (`model.weights`).
    mutating func carriedValue(_ v: WrittenValue) -> (String, FieldPath, SourceRange)? {
        guard case .string(let s)? = scalar(v) else {
            error("a carried value must be an object name or a field path, not \(kindName(v))", v.at)
            return nil
        }
        let head = pathHead(s)
        let r = textRange(v)
        let headRange = SourceRange(start: r.start, end: r.start + head.utf8.count)
        guard isDeclared(head, in: .objects) else {
            error("`\(head)` is not an object", headRange,
                  help: suggestion(for: head, among: declaredNames(in: .objects)).map { "did you mean `\($0)`?" } ?? "define it under `objects:`")
            return nil
        }
        guard let parsed = parsedPath(s, v, malformedHelp: "write fields separated by dots, e.g. `model.weights`") else { return nil }
        return (head, parsed.path, r)
    }

    /// The objects functions carry, against the lowered objects: the field path exists,
    /// and the object is embedded (Dask never unpacks a function, so a delayed or scattered
    /// object cannot travel inside one).
    mutating func checkCarried(_ p: Pipeline) {
        // Only functions that carry objects are read whole (most carry none).
        for i in p.functions.indices where !p.functions[i].carried.isEmpty {
            let f = p.functions[i]
            for c in f.carried {
                guard let obj = p.object(named: c.object) else { continue }
                checkFieldPath(c.path, in: obj.recipe, at: c.range, display: c.path.applied(to: c.object))
                if obj.placement != .embed {
                    error("function `\(f.name)` carries object `\(c.object)`, which is \(obj.placement.rawValue): Dask never unpacks a function, so the task would receive the \(obj.placement == .delayed ? "Delayed" : "Future") itself",
                          c.range, help: "pass `\(c.object)` as an argument instead (add a parameter and `args: [\(c.path.applied(to: c.object))]`)")
                }
            }
        }
    }

    /// `map_blocks: scorer`, an object: a callable instance (its class declares `__call__`).
    mutating func instanceCallee(_ name: String, range: SourceRange) -> Callee? {
        guard requireVersion11("calling an object (a callable instance)", range) else { return nil }
        return .instance(object: name, range: range)
    }
}
