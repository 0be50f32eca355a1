import PipelineIR

/// Functions that carry objects (format 1.1), written as a user writes them:
/// `functools.partial(score, table=lookup)`, a factory whose nested function
/// closes over its argument, a module global a `__main__` function reads (set
/// by `build_graph`, shipped by cloudpickle with the function), and a callable
/// instance passed as the function.
extension ProgramWriter {
    /// The parameter names inside a function's `def` (and its closure), as `functionDefinition` writes them.
    func localNames(_ f: PipelineFunction) -> [String] {
        var local = Namer(reserved: PythonSyntax.usedGlobals.subtracting(["self"]).union(DaskRuntime.definedNames))
        let start = f.calledParamCount
        return f.params.indices.map { i in
            if i >= start, f.carried[i - start].route == .global, let g = carriedGlobals[f.name + "." + f.params[i].name] { return g }
            return local.fresh(f.params[i].name)
        }
    }

    /// Whether parameter `i` is not in the function's own `def`: a closure cell or a module global.
    func isFree(_ f: PipelineFunction, parameter i: Int) -> Bool {
        let start = f.calledParamCount
        guard i >= start else { return false }
        return f.carried[i - start].route != .partial
    }

    /// Names for the module globals and closure factories, claimed before anything is written.
    mutating func nameCarried() {
        for f in pipeline.functions {
            for c in f.carried where c.route == .global { carriedGlobals[f.name + "." + c.name] = globals.fresh(c.name) }
            if f.carried.contains(where: { $0.route == .closure }) { closureFactories[f.name] = globals.fresh("make_" + f.name) }
        }
    }

    /// `import functools` when a partial is written, and the module globals the functions read.
    func carriedPreamble() -> String? {
        var lines: [String] = []
        if pipeline.functions.contains(where: { $0.carried.contains { $0.route == .partial } }) {
            lines.append("import functools")
        }
        let assigned = carriedGlobals.sorted { $0.value < $1.value }
        if !assigned.isEmpty {
            if !lines.isEmpty { lines.append("") }
            lines.append("# Module globals the functions below read; build_graph sets them. cloudpickle ships a")
            lines.append("# `__main__` function by value with the globals it reads, so each task carries them.")
            for (key, name) in assigned { lines.append("\(name) = None  # `\(key)`") }
        }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    /// The function's definition: its `def`, or, when it closes over objects, a factory
    /// taking them whose nested `def` reads them as closure cells.
    func carryingDefinition(_ f: PipelineFunction, name: String) throws(ExportError) -> String {
        guard let factory = closureFactories[f.name] else { return try functionDefinition(f, name: name, indent: "") }
        let locals = localNames(f)
        let start = f.calledParamCount
        let cells = f.carried.indices.filter { f.carried[$0].route == .closure }.map { locals[start + $0] }
        return """
            def \(factory)(\(cells.joined(separator: ", "))):
                \"\"\"`\(f.name)` closes over \(cells.map { "`\($0)`" }.joined(separator: ", ")): the function carries them (closure cells).\"\"\"
            \(try functionDefinition(f, name: name, indent: "    "))
                return \(name)
            """
    }

    /// What map_blocks is handed for a pipeline function: the function, a closure made by its
    /// factory, wrapped in `functools.partial` for the objects it binds.
    func carryingCallable(_ l: Graph.Layer, call: CallSite) throws(ExportError) -> String {
        let f = call.function
        var text = names[f.name] ?? f.name
        guard !f.carried.isEmpty else { return text }
        let locals = localNames(f)
        let start = f.calledParamCount
        func values(_ route: Graph.CarryRoute) throws(ExportError) -> [String] {
            var out: [String] = []
            for (i, c) in f.carried.enumerated() where c.route == route {
                out.append("\(locals[start + i])=\(try carriedValue(l, c))")
            }
            return out
        }
        if let factory = closureFactories[f.name] { text = "\(factory)(\(try values(.closure).joined(separator: ", ")))" }
        let bound = try values(.partial)
        if !bound.isEmpty { text = "functools.partial(\(([text] + bound).joined(separator: ", ")))" }
        return text
    }

    /// `table = lookup` before a step whose function reads `table` as a module global.
    func globalAssignments(_ l: Graph.Layer, call: CallSite) throws(ExportError) -> [String] {
        var lines: [String] = []
        for c in call.function.carried where c.route == .global {
            guard let g = carriedGlobals[call.function.name + "." + c.name] else { continue }
            lines.append("\(g) = \(try carriedValue(l, c))  # read by `\(names[call.function.name] ?? call.function.name)` as a module global")
        }
        return lines
    }

    /// The object (projected on the client) a carried parameter holds at this call.
    func carriedValue(_ l: Graph.Layer, _ c: CarriedObject) throws(ExportError) -> String {
        guard let e = l.inputs.first(where: { $0.role == .carried(c.route, name: c.name) }) else {
            throw error("step `\(l.name)`: the object `\(c.name)` its function carries has no input", l.range)
        }
        return try objectArgument(e)
    }
}
