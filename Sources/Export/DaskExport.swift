import Optimizer
import PipelineIR
import PipelineYAML

/// Options of one export.
public struct ExportOptions: Sendable {
    /// Honour placements as written (skip the placement optimization).
    public var asWritten = false
    /// The optimizer's placement decisions (the CLI takes them from PL001's fixes,
    /// as `pipelint run` does); nil: every object a `map_blocks` step embeds on a
    /// serializing scheduler becomes `delayed`.
    public var decisions: [PlacementDecision]?
    /// The pipeline file's folder relative to the generated program's folder
    /// (`load:`/`save:` paths are relative to the pipeline file).
    public var baseDirectory = "."
    /// How the header names the source file.
    public var sourceDisplayPath: String?

    public init(asWritten: Bool = false, decisions: [PlacementDecision]? = nil, baseDirectory: String = ".") {
        self.asWritten = asWritten
        self.decisions = decisions
        self.baseDirectory = baseDirectory
    }
}

/// `pipelint export --to dask`: a standalone Python program that builds the
/// pipeline's graph with dask.array (objects from their recipes, placements as
/// Dask does them, the built-in kernels in numpy) and prints its results in
/// `pipelint run`'s format. docs/dask.md describes the mapping.
public enum DaskExport {
    /// The program for `loaded` (a valid pipeline).
    public static func program(_ loaded: LoadedPipeline, options: ExportOptions = ExportOptions()) throws(ExportError) -> String {
        guard let pipeline = loaded.pipeline, let graph = loaded.graph else {
            throw ExportError("the pipeline is invalid", location: loaded.source.path)
        }
        var g = graph
        var changed: [String] = []
        if !options.asWritten {
            let decisions = options.decisions ?? PlacementRewrite.defaultDecisions(graph)
            switch PassManager(passes: [PlacementRewrite(decisions: decisions), Cull()]).run(graph) {
            case .success(let r):
                g = r.graph
                changed = g.layers.compactMap { l in
                    guard let o = l.object, let before = graph.layer(named: l.name)?.object, before.placement != o.placement else { return nil }
                    return l.name
                }
            case .failure(let f):
                throw ExportError("the optimizer produced an invalid graph: \(f)", location: loaded.source.path)
            }
        }
        var writer = ProgramWriter(source: loaded.source, pipeline: pipeline, graph: g, options: options, changed: changed)
        return try writer.write()
    }

    /// Names of the kernel functions in the runtime, in the order of `Kernel.allCases`.
    public static func kernelFunctionName(_ k: Kernel) -> String { "_k_" + k.rawValue }
}

/// Writes one program. Names are assigned once (`Namer`) so no user name can
/// shadow another or the program's own.
struct ProgramWriter {
    let source: SourceFile
    let pipeline: Pipeline
    let graph: Graph
    let options: ExportOptions
    let changed: [String]

    var globals: Namer
    /// Python name of each object, array, step and function.
    var names: [String: String] = [:]
    /// Classes by (module or "", qualified name).
    var classes: [ClassKey: ClassInfo] = [:]
    var classOrder: [ClassKey] = []
    /// `_call_Class_method` wrappers for bound methods whose receiver is delayed or scattered.
    var wrappers: [String: String] = [:]
    var wrapperOrder: [String] = []
    /// `build_…` function of each object (defined in the generated objects module).
    var builders: [String: String] = [:]

    struct ClassKey: Hashable {
        var module: String
        var qualname: String
        var isMain: Bool { module.isEmpty }
        var reference: String { "\(module):\(qualname)" }
    }

    struct ClassInfo {
        var fieldLists: [[String]] = []
        /// Method name → (Python text of the def, where it is declared).
        var methods: [(name: String, text: String, range: SourceRange)] = []
        var firstRange: SourceRange
    }

    init(source: SourceFile, pipeline: Pipeline, graph: Graph, options: ExportOptions, changed: [String]) {
        self.source = source
        self.pipeline = pipeline
        self.graph = graph
        self.options = options
        self.changed = changed
        let own: Set<String> = ["PIPELINE", "SCHEDULER", "CLUSTER", "BASE_DIR", "MODULES", "PROBES", "build_graph", "build_objects", "main", "Delayed"]
        globals = Namer(reserved: PythonSyntax.usedGlobals.union(DaskRuntime.definedNames).union(own))
    }

    func error(_ message: String, _ range: SourceRange, help: String? = nil) -> ExportError {
        ExportError(message, at: range, in: source, help: help)
    }

    // MARK: the program

    mutating func write() throws(ExportError) -> String {
        try collectClasses()
        for l in graph.layers { names[l.name] = globals.fresh(l.name) }
        for f in pipeline.functions where names[f.name] == nil { names[f.name] = globals.fresh(f.name) }
        for l in graph.layers where l.object != nil { builders[l.name] = globals.fresh("build_" + l.name) }

        let classText = try classDefinitions()
        var out: [String] = []
        out.append("#!/usr/bin/env python3")
        out.append("# Generated by `pipelint export --to dask` from \(PythonSyntax.string(options.sourceDisplayPath ?? source.path)).")
        if options.asWritten {
            out.append("# Placements as written.")
        } else if changed.isEmpty {
            out.append("# Optimized: no placement changed.")
        } else {
            out.append("# Optimized: made delayed or scattered as `pipelint run` does: \(changed.map { names[$0] ?? $0 }.joined(separator: ", ")).")
        }
        out.append("# Builds the pipeline's graph with dask.array and runs it; see docs/dask.md in pipelint.")
        out.append("#   python3 PROGRAM [--scheduler-address tcp://HOST:8786] [--out DIR] [--memory-sampler memory.csv]")
        out.append("# Without an address (or DASK_SCHEDULER_ADDRESS) it starts a LocalCluster shaped like `cluster:`.")
        out.append(DaskRuntime.imports)
        out.append("")
        let c = pipeline.cluster
        out.append("PIPELINE = \(PythonSyntax.string(pipeline.name))")
        out.append("SCHEDULER = \(PythonSyntax.string(c.scheduler.rawValue))")
        out.append("CLUSTER = {'workers': \(c.workers), 'threads_per_worker': \(c.threadsPerWorker), 'memory_per_worker': \(c.memoryPerWorker.map(String.init) ?? "None")}")
        out.append("# `load:` and `save:` paths are relative to the pipeline file's folder.")
        out.append("BASE_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), \(PythonSyntax.string(options.baseDirectory))))")
        out.append(try modulesConstant(objects: try objectsModule()))
        out.append(probesConstant())
        out.append("")
        out.append("")
        out.append(DaskRuntime.installText)
        out.append(runtimeImport())
        if let b = builderImport() { out.append(b) }
        out.append("")
        out.append("")
        out.append(DaskRuntime.driverText)
        out.append("")
        out.append("# ---------------------------------------------------------------------------")
        out.append("# The pipeline: classes, objects, functions, graph.")
        out.append("# ---------------------------------------------------------------------------")
        var blocks: [String] = []
        if !classText.isEmpty { blocks.append(classText) }
        if let objects = objectsFunction() { blocks.append(objects) }
        for f in pipeline.functions {
            guard case .kernel = f.body, let name = names[f.name] else { continue }
            blocks.append(try functionDefinition(f, name: name, indent: ""))
        }
        let graphText = try buildGraph()
        blocks += wrapperOrder.compactMap { wrappers[$0] }
        blocks.append(graphText)
        blocks.append("if __name__ == \"__main__\":\n    sys.exit(main())")
        out.append("\n\n" + blocks.joined(separator: "\n\n\n"))
        return out.joined(separator: "\n") + "\n"
    }

    // MARK: classes

    mutating func collectClasses() throws(ExportError) {
        func visit(_ r: Recipe, _ range: SourceRange) throws(ExportError) {
            guard case .instance(let inst) = r else { return }
            let key = ClassKey(module: inst.module ?? "", qualname: inst.className)
            let parts = inst.className.split(separator: ".").map(String.init)
            for p in parts where !PythonSyntax.isPlainIdentifier(p) {
                throw error("class name `\(inst.className)` cannot be written in Python (`\(p)` is a keyword)", range)
            }
            if key.isMain, classes[key] == nil, let top = parts.first, !classes.keys.contains(where: { $0.isMain && $0.qualname.split(separator: ".").first.map(String.init) == top }) {
                guard globals.claim(top) else {
                    throw error("class name `\(top)` is a name the exported program needs (a module or helper it uses)", range,
                                help: "rename the class, or put it in a module (`package.module:\(inst.className)`)")
                }
            }
            if let top = key.module.split(separator: ".").first.map(String.init), Self.reservedModules.contains(top) {
                throw error("module `\(key.module)` cannot be written by the exported program: `\(top)` is a module it generates or imports", range,
                            help: "put the class in a module with another name")
            }
            var info = classes[key] ?? ClassInfo(firstRange: range)
            if classes[key] == nil { classOrder.append(key) }
            let fields = inst.fields.map(\.name)
            if !info.fieldLists.contains(fields) { info.fieldLists.append(fields) }
            for m in inst.methods {
                let text = try functionDefinition(m.function, name: m.name, indent: "    ")
                if let existing = info.methods.first(where: { $0.name == m.name }) {
                    if existing.text != text {
                        throw error("method `\(m.name)` of class `\(inst.className)` is declared differently here and at \(source.path):\(source.position(of: existing.range.start)); one Python class has one body per method", m.nameRange)
                    }
                } else {
                    info.methods.append((m.name, text, m.nameRange))
                }
            }
            classes[key] = info
            for f in inst.fields { try visit(f.recipe, f.nameRange) }
        }
        for l in graph.layers {
            if let o = l.object { try visit(o.recipe, o.range) }
        }
    }

    /// `class Mapper:` with `__init__` taking the declared fields, and the methods.
    func classText(_ key: ClassKey, indent: String) -> String {
        guard let info = classes[key] else { return "" }
        let name = key.qualname.split(separator: ".").last.map(String.init) ?? key.qualname
        var lines = ["\(indent)class \(name):"]
        lines.append("\(indent)    \"\"\"Class \(PythonSyntax.string(key.isMain ? key.qualname : key.reference)) as the pipeline declares it: its fields and methods.\"\"\"")
        lines.append("")
        if info.fieldLists.count == 1, let fields = info.fieldLists.first {
            var local = Namer(reserved: ["self"])
            let params = fields.map { local.fresh($0) }
            lines.append("\(indent)    def __init__(self\(params.map { ", " + $0 }.joined())):")
            if fields.isEmpty { lines.append("\(indent)        pass") }
            for (f, p) in zip(fields, params) {
                lines.append(PythonSyntax.isPlainIdentifier(f) ? "\(indent)        self.\(f) = \(p)" : "\(indent)        setattr(self, \(PythonSyntax.string(f)), \(p))")
            }
        } else {
            lines.append("\(indent)    def __init__(self, **fields):")
            lines.append("\(indent)        # Objects of this class declare different fields.")
            lines.append("\(indent)        self.__dict__.update(fields)")
        }
        for m in info.methods {
            lines.append("")
            // Method text is written for a top-level class; a nested class indents it further.
            let text = m.text.split(separator: "\n", omittingEmptySubsequences: false).map { indent + $0 }.joined(separator: "\n")
            if PythonSyntax.isPlainIdentifier(m.name) {
                lines.append(text)
            } else {
                // A method named after a Python keyword: defined under another name, then stored under its own.
                lines.append(text.replacingFirst("def \(m.name)(", with: "def \(m.name)_("))
                lines.append("\(indent)    vars()[\(PythonSyntax.string(m.name))] = \(m.name)_")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Classes of `__main__`, nested by qualified name (`Outer.Inner`).
    func classDefinitions() throws(ExportError) -> String {
        var blocks: [String] = []
        var done = Set<String>()
        for key in classOrder where key.isMain {
            let parts = key.qualname.split(separator: ".").map(String.init)
            guard let top = parts.first, !done.contains(top) else { continue }
            done.insert(top)
            blocks.append(nestedClasses(prefix: [top], module: "", indent: ""))
        }
        return blocks.joined(separator: "\n\n\n")
    }

    func nestedClasses(prefix: [String], module: String, indent: String) -> String {
        let qual = prefix.joined(separator: ".")
        let key = ClassKey(module: module, qualname: qual)
        var text = classes[key] != nil ? classText(key, indent: indent)
            : "\(indent)class \(prefix.last ?? ""):\n\(indent)    \"\"\"Holds nested classes.\"\"\""
        let children = Set(classOrder.filter { $0.module == module }.compactMap { k -> String? in
            let parts = k.qualname.split(separator: ".").map(String.init)
            guard parts.count > prefix.count, Array(parts.prefix(prefix.count)) == prefix else { return nil }
            return parts[prefix.count]
        }).sorted()
        for child in children {
            text += "\n\n" + nestedClasses(prefix: prefix + [child], module: module, indent: indent + "    ")
        }
        return text
    }

    /// `MODULES`: the runtime (`pipelint_runtime`, which every program imports so that
    /// Dask pickles its functions by reference) and a generated module per importable
    /// class's module.
    func modulesConstant(objects: String?) throws(ExportError) -> String {
        let modules = Array(Set(classOrder.filter { !$0.isMain }.map(\.module))).sorted()
        var files: [(String, String)] = []
        let kernels = Kernel.allCases.map(DaskExport.kernelFunctionName).joined(separator: ", ")
        files.append((DaskRuntime.moduleName + ".py", DaskRuntime.moduleText))
        if let objects { files.append((Self.objectsModule + ".py", objects)) }
        var packages = Set<String>()
        for m in modules {
            let parts = m.split(separator: ".").map(String.init)
            for i in 1..<max(parts.count, 1) { packages.insert(parts.prefix(i).joined(separator: "/") + "/__init__.py") }
            var text = "# Generated by pipelint: class stand-ins with the declared fields and methods.\n"
            text += "from \(DaskRuntime.moduleName) import \(kernels)\n"
            var done = Set<String>()
            for key in classOrder where key.module == m {
                guard let top = key.qualname.split(separator: ".").first.map(String.init), !done.contains(top) else { continue }
                done.insert(top)
                text += "\n\n" + nestedClasses(prefix: [top], module: m, indent: "") + "\n"
            }
            files.append((parts.joined(separator: "/") + ".py", text))
        }
        for p in packages.sorted() where !files.contains(where: { $0.0 == p }) { files.append((p, "")) }
        var lines = ["# Generated modules: the runtime, and importable classes (`package.module:Class`), written to a",
                     "# temporary folder on sys.path and uploaded to an existing cluster's workers (docs/dask.md).",
                     "MODULES = {"]
        for (path, text) in files {
            // The runtime and the objects are written out readably: a raw string, when the text has no
            // `\'\'\'`, no final backslash and no carriage return.
            let readable = [DaskRuntime.moduleName + ".py", Self.objectsModule + ".py"].contains(path)
                && !text.contains("\'\'\'") && !text.hasSuffix("\\") && !text.contains("\r")
            lines.append("    \(PythonSyntax.string(path)): " + (readable ? "r\'\'\'" + text + "\'\'\'," : "\(PythonSyntax.string(text)),"))
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// The generated module that holds the objects' builders.
    static let objectsModule = "pipelint_objects"

    /// Top-level modules a class's stand-in module must not be written as: the generated ones,
    /// and the packages the program and its runtime import (a stand-in `numpy/__init__.py` first
    /// on `sys.path` would hide numpy).
    static let reservedModules: Set<String> = [
        DaskRuntime.moduleName, objectsModule, "numpy", "pandas", "dask", "distributed", "argparse", "atexit", "builtins",
        "contextlib", "gc", "importlib", "json", "os", "shutil", "sys", "tempfile", "time", "zipfile", "zlib",
    ]

    /// A `python:` reference (`package.module:name`) may not point into a generated module.
    func checkReference(_ reference: String, _ range: SourceRange) throws(ExportError) {
        let top = reference.split(separator: ":").first.flatMap { $0.split(separator: ".").first }.map(String.init) ?? ""
        if [DaskRuntime.moduleName, Self.objectsModule].contains(top) {
            throw error("`\(reference)` refers to `\(top)`, a module the exported program generates", range,
                        help: "name your own package differently")
        }
    }

    /// `pipelint_objects`: one `build_…` function per object. A module, not the program, so
    /// that Dask pickles a delayed object's builder by reference (a `__main__` function would
    /// travel by value, code and all); the `__main__` classes it instantiates and the pipeline
    /// file's folder are its arguments. `nil` when the pipeline has no objects.
    func objectsModule() throws(ExportError) -> String? {
        var defs: [String] = []
        for l in graph.layers {
            guard let o = l.object, let b = builders[l.name] else { continue }
            defs.append("""
            def \(b)(\(builderArguments(o.recipe).joined(separator: ", "))):
                \"\"\"Object \(PythonSyntax.string(o.name)) (\(o.recipe.kindName)), built from its recipe.\"\"\"
                return \(try recipeExpression(o.recipe, range: o.range))
            """)
        }
        guard !defs.isEmpty else { return nil }
        let header = """
        # Generated by pipelint: the pipeline's objects, each built from its recipe. Dask pickles these
        # builders by reference; `__main__` classes and the pipeline's folder (BASE_DIR) are arguments.
        import numpy as np

        from \(DaskRuntime.moduleName) import _at, _csv_column, _import, _ndarray, _random_values, _series
        """
        return header + "\n\n\n" + defs.joined(separator: "\n\n\n") + "\n"
    }

    /// What a builder takes: the top-level `__main__` classes its recipe instantiates (in
    /// order of first use), then `BASE_DIR` when it reads a file.
    func builderArguments(_ r: Recipe) -> [String] {
        r.mainClasses.map(\.topLevelName) + (r.readsFile ? ["BASE_DIR"] : [])
    }

    /// `from pipelint_objects import build_…`, when there are objects.
    func builderImport() -> String? {
        let names = graph.layers.compactMap { $0.object == nil ? nil : builders[$0.name] }
        guard !names.isEmpty else { return nil }
        return "# The objects' builders (MODULES above), imported.\nfrom \(Self.objectsModule) import " + names.joined(separator: ", ")
    }

    /// `build_objects()`: every object built here on the client, by name (to inspect them).
    func objectsFunction() -> String? {
        let entries = graph.layers.compactMap { l -> String? in
            guard let o = l.object, let b = builders[l.name] else { return nil }
            return "        \(PythonSyntax.string(o.name)): \(b)(\(builderArguments(o.recipe).joined(separator: ", "))),"
        }
        guard !entries.isEmpty else { return nil }
        return (["def build_objects():",
                 "    \"\"\"Every object, built here on the client: name -> object (to inspect them).\"\"\"",
                 "    return {"] + entries + ["    }"]).joined(separator: "\n")
    }

    /// `from pipelint_runtime import (...)`: every runtime name, one line per few names.
    func runtimeImport() -> String {
        var lines = ["# The runtime, imported: Dask pickles its functions by reference (module and name).",
                     "from \(DaskRuntime.moduleName) import ("]
        var line = "   "
        for name in DaskRuntime.moduleNames {
            if line.count + name.count + 2 > 100 { lines.append(line); line = "   " }
            line += " \(name),"
        }
        lines.append(line)
        lines.append(")")
        return lines.joined(separator: "\n")
    }

    /// `PROBES`: what `--count-copies` counts on the workers for each object.
    func probesConstant() -> String {
        var items: [String] = []
        for l in graph.layers {
            guard let o = l.object else { continue }
            switch o.recipe {
            case .instance(let i):
                items.append("(\(PythonSyntax.string(o.name)), 'class', (\(PythonSyntax.string(i.module ?? "__main__")), \(PythonSyntax.string(i.className))))")
            case .series(let s):
                if let n = s.source.count { items.append("(\(PythonSyntax.string(o.name)), 'series', \(n))") }
            default:
                continue
            }
        }
        return "# What --count-copies counts inside the workers: instances of a class, or Series of a length.\n"
            + "PROBES = [\(items.joined(separator: ", "))]"
    }

    // MARK: functions

    /// `def name(params): return _k_kernel(...)` for a kernel function or method.
    func functionDefinition(_ f: PipelineFunction, name: String, indent: String) throws(ExportError) -> String {
        var local = Namer(reserved: PythonSyntax.usedGlobals.subtracting(["self"]).union(DaskRuntime.definedNames))
        let params = f.params.map { local.fresh($0.name) }
        var lines = ["\(indent)def \(name)(\(params.joined(separator: ", "))):"]
        switch f.body {
        case .kernel(let k, let bindings):
            var args: [String] = []
            for (b, p) in zip(bindings, k.params) {
                switch b {
                case .literal(let d): args.append(PythonSyntax.number(d))
                case .param(let index, let path):
                    guard index < params.count else {
                        throw error("`\(k.rawValue)` parameter `\(p.name)` is bound to a parameter `\(name)` does not have", f.range)
                    }
                    args.append(path.reduce(params[index]) { PythonSyntax.attribute($0, $1) })
                }
            }
            lines.append("\(indent)    return \(DaskExport.kernelFunctionName(k))(\(args.joined(separator: ", ")))")
        case .python(let ref):
            try checkReference(ref, f.range)
            lines.append("\(indent)    return _import(\(PythonSyntax.string(ref)))(\(params.joined(separator: ", ")))")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: objects

    func recipeExpression(_ r: Recipe, range: SourceRange) throws(ExportError) -> String {
        switch r {
        case .value(let l): return literal(l)
        case .intList(let start, let count):
            return "list(range(\(start), \(start &+ Int64(count))))"
        case .series(let s):
            let values: String
            switch s.source {
            case .range(let n): values = "np.arange(\(n))"
            case .values(let ls): values = "[" + ls.map(literal).joined(separator: ", ") + "]"
            case .random(let n, let seed, let low, let high):
                values = "_random_values(\(seed), np.arange(\(n), dtype=np.uint64), \(PythonSyntax.float(low)), \(PythonSyntax.float(high)), \(s.dtype.isFloat ? "True" : "False"))"
            case .load(let path, let length):
                values = "_csv_column(_at(BASE_DIR, \(PythonSyntax.string(path))), \(s.dtype.isFloat ? "True" : "False"), \(length.map(String.init) ?? "None"))"
            }
            return "_series(\(values), '\(s.dtype.rawValue)', \(s.index == .int64 ? "True" : "False"), \(s.name.map(PythonSyntax.string) ?? "None"))"
        case .ndarray(let a):
            if let path = a.load { return "np.load(_at(BASE_DIR, \(PythonSyntax.string(path))))" }
            return "_ndarray(\(tuple(a.shape)), '\(a.dtype.rawValue)', '\(a.fill.rawValue)', \(a.seed))"
        case .bytes(let n):
            return "bytes(\(n))"
        case .instance(let i):
            let ctor = i.isMain ? i.className : "_import(\(PythonSyntax.string("\(i.module ?? ""):\(i.className)")))"
            let key = ClassKey(module: i.module ?? "", qualname: i.className)
            var args: [String] = []
            let explicit = (classes[key]?.fieldLists.count ?? 0) == 1
            var local = Namer(reserved: ["self"])
            for f in i.fields {
                let value = try recipeExpression(f.recipe, range: f.nameRange)
                args.append(explicit ? "\(local.fresh(f.name))=\(value)" : "\(PythonSyntax.string(f.name)): \(value)")
            }
            return explicit ? "\(ctor)(\(args.joined(separator: ", ")))" : "\(ctor)(**{\(args.joined(separator: ", "))})"
        case .python(let factory, _):
            try checkReference(factory, range)
            return "_import(\(PythonSyntax.string(factory)))()"
        }
    }

    func literal(_ l: Literal) -> String {
        switch l {
        case .none: "None"
        case .bool(let b): b ? "True" : "False"
        case .int(let i): "\(i)"
        case .float(let d): PythonSyntax.float(d)
        case .string(let s): PythonSyntax.string(s)
        case .list(let xs): "[" + xs.map(literal).joined(separator: ", ") + "]"
        case .map(let es): "{" + es.map { "\(PythonSyntax.string($0.key)): \(literal($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    func tuple(_ xs: [Int]) -> String {
        "(" + xs.map(String.init).joined(separator: ", ") + (xs.count == 1 ? ",)" : ")")
    }

    func chunksText(_ grid: ChunkGrid) -> String {
        let dims = grid.dims.map { d -> String in
            switch d {
            case .uniform(let s, _): "\(s)"
            case .explicit(let xs): tuple(xs)
            }
        }
        return "(" + dims.joined(separator: ", ") + (dims.count == 1 ? ",)" : ")")
    }

    // MARK: the graph

    mutating func buildGraph() throws(ExportError) -> String {
        var body: [String] = []
        var pythonFunctions = Set<String>()
        for l in graph.layers {
            guard let v = names[l.name] else { continue }
            switch l.kind {
            case .object(let o):
                let b = builders[l.name] ?? "None"
                let a = builderArguments(o.recipe).joined(separator: ", ")
                switch o.placement {
                case .embed:
                    body.append("\(v) = \(b)(\(a))  # placement: embed (passed directly: each task carries a copy)")
                case .delayed:
                    body.append("\(v) = dask.delayed(\(b), pure=True)(\(a))  # placement: delayed (built inside one task)")
                case .scatter:
                    body.append("\(v) = _scatter(client, \(b)(\(a)))  # placement: scatter (one copy per worker, up front)")
                }
            case .array(let a):
                var src: String
                switch a.source {
                case .zeros: src = "'zeros'"
                case .ones: src = "'ones'"
                case .range: src = "'range'"
                case .random(let seed, let low, let high):
                    src = "'random', seed=\(seed), low=\(PythonSyntax.float(low)), high=\(PythonSyntax.float(high))"
                case .load(let path): src = "'load', path=_path(\(PythonSyntax.string(path)))"
                }
                body.append("\(v) = _source(\(PythonSyntax.string(l.name)), \(tuple(l.grid.shape)), \(chunksText(l.grid)), '\(a.dtype.rawValue)', \(src))")
            case .mapBlocks(let f):
                guard let f, let step = pipeline.step(named: l.name), case .mapBlocks(let callee, let over, let args, let kwargs, _) = step.kind else {
                    throw error("step `\(l.name)` calls an unknown function", l.range)
                }
                if case .python(let ref) = f.body, case .function = callee, let fn = names[f.name], !pythonFunctions.contains(fn) {
                    try checkReference(ref, f.range)
                    pythonFunctions.insert(fn)
                    body.append("\(fn) = _import(\(PythonSyntax.string(ref)))  # python: function, imported by path")
                }
                body.append(try mapBlocksLine(l, f: f, callee: callee, over: over, args: args, kwargs: kwargs, variable: v))
            case .reduce(let r, let split):
                guard let e = l.inputs.first, let input = names[graph[e.source].name] else { continue }
                body.append("\(v) = _reduce(\(input), '\(r.rawValue)', split_every=\(split))")
            case .rechunk:
                guard let e = l.inputs.first, let input = names[graph[e.source].name] else { continue }
                body.append("\(v) = \(input).rechunk(\(chunksText(l.grid)))")
            }
        }
        var outs: [String] = []
        for o in pipeline.outputs {
            guard let v = names[o.target.name] else { continue }
            let (kind, save): (String, String) = switch o.kind {
            case .compute: ("compute", "None")
            case .persist: ("persist", "None")
            case .save(let p): ("save", PythonSyntax.string(p))
            }
            outs.append("        (\(PythonSyntax.string(o.target.name)), '\(kind)', \(save), \(v)),")
        }
        var lines = ["def build_graph(client):",
                     "    \"\"\"The pipeline's collections; returns (name, output kind, save path, collection) per output.\"\"\""]
        lines += body.map { "    " + $0 }
        lines.append("    return [")
        lines += outs
        lines.append("    ]")
        return lines.joined(separator: "\n")
    }

    /// Names Dask's `map_blocks` takes for itself: a kwarg with one of these names is passed by position.
    static let mapBlocksKeywords: Set<String> = ["func", "name", "token", "dtype", "chunks", "drop_axis", "new_axis", "enforce_ndim", "meta", "block_info", "block_id"]

    mutating func mapBlocksLine(_ l: Graph.Layer, f: PipelineFunction, callee: Callee, over: [Ref], args: [CallArgument],
                                kwargs: [(name: String, nameRange: SourceRange, value: CallArgument)], variable v: String) throws(ExportError) -> String {
        var positional: [String] = []
        var function: String
        // A bound method's receiver fills parameter 0 (`self`) without being passed.
        var selfBound = 0
        switch callee {
        case .function(let name, _):
            function = names[name] ?? name
        case .method(let object, _, let method, _):
            guard let e = l.inputs.first(where: { $0.role == .receiver }), let receiver = names[object],
                  let o = graph[e.source].object, case .instance(let inst) = o.recipe else {
                throw error("step `\(l.name)` calls a method of an object that is not an instance", l.range)
            }
            if o.placement == .embed {
                function = PythonSyntax.attribute(receiver, method)
                selfBound = 1
            } else {
                // map_blocks never unpacks a delayed object or future used as the function.
                let key = "_call_\(inst.className.replacingOccurrences(of: ".", with: "_"))_\(method)"
                if wrappers[key] == nil {
                    let w = globals.fresh(key)
                    wrappers[key] = """
                    def \(w)(receiver, *args):
                        \"\"\"`\(inst.className).\(method)` on a delayed or scattered receiver: map_blocks never unpacks the function.\"\"\"
                        return \(PythonSyntax.attribute("receiver", method))(*args)
                    """
                    wrapperOrder.append(key)
                    names["wrapper:" + key] = w
                }
                function = names["wrapper:" + key] ?? key
                positional.append(receiver)
            }
        }
        // Blocks: inputs on another chunk grid are rechunked to the first input's grid, as `pipelint run` does.
        for e in l.inputs {
            guard case .block = e.role, let input = names[graph[e.source].name] else { continue }
            positional.append(graph[e.source].grid != l.grid ? "\(input).rechunk(\(names[over.first?.name ?? ""] ?? input).chunks)" : input)
        }
        for (i, a) in args.enumerated() {
            switch a {
            case .literal(let d, _): positional.append(PythonSyntax.number(d))
            case .object:
                if let e = l.inputs.first(where: { $0.role == .argument(i) }) { positional.append(objectArgument(e)) }
            }
        }
        var keywords: [String] = []
        let byPosition = kwargs.contains { Self.mapBlocksKeywords.contains($0.name) || !PythonSyntax.isPlainIdentifier($0.name) }
        var kwValues: [(index: Int, name: String, text: String, range: SourceRange)] = []
        for kw in kwargs {
            let text: String
            switch kw.value {
            case .literal(let d, _): text = PythonSyntax.number(d)
            case .object:
                guard let e = l.inputs.first(where: { $0.role == .keyword(kw.name) }) else { continue }
                text = objectArgument(e)
            }
            kwValues.append((f.params.firstIndex { $0.name == kw.name } ?? Int.max, kw.name, text, kw.nameRange))
        }
        if byPosition {
            // A keyword Dask's map_blocks keeps for itself: pass every keyword by its parameter's position.
            var next = positional.count + selfBound
            for kw in kwValues.sorted(by: { $0.index < $1.index }) {
                guard kw.index == next else {
                    throw error("keyword `\(kw.name)` is a name Dask's map_blocks keeps for itself, and it cannot be passed by position here", kw.range,
                                help: "rename the parameter")
                }
                positional.append(kw.text)
                next += 1
            }
        } else {
            keywords = kwValues.map { "\($0.name)=\($0.text)" }
        }
        let dtype = storage(resultIsFloat(l))
        let ndim = l.grid.dims.count
        var shapeArgs = ""
        var metaDims = ndim
        if case .kernel(.dot, _) = f.body {
            let (extra, dims) = try dotShape(l, f: f, args: args, callee: callee)
            shapeArgs = extra
            metaDims = dims
        }
        let meta = "np.empty(\(tuple(Array(repeating: 0, count: metaDims))), dtype=np.\(dtype))"
        let all = [function] + positional + keywords + (shapeArgs.isEmpty ? [] : [shapeArgs]) + ["dtype=np.\(dtype)", "meta=\(meta)", "token=\(PythonSyntax.string(l.name))"]
        return "\(v) = da.map_blocks(\(all.joined(separator: ", ")))"
    }

    /// An object argument: the object itself, or a field of it (taken on the client for an
    /// embedded object, inside the cluster for a delayed or scattered one).
    func objectArgument(_ e: Graph.Edge) -> String {
        let src = graph[e.source]
        let v = names[src.name] ?? src.name
        guard !e.path.isEmpty else { return v }
        if src.object?.placement == .embed || src.object == nil {
            return e.path.reduce(v) { PythonSyntax.attribute($0, $1) }
        }
        return "_project(client, \(v), \(PythonSyntax.strings(e.path)))"
    }

    /// `drop_axis`/`chunks` of a `dot` step, whose blocks change shape.
    func dotShape(_ l: Graph.Layer, f: PipelineFunction, args: [CallArgument], callee: Callee) throws(ExportError) -> (String, Int) {
        guard let w = operandRecipe(l, f: f, kernelParam: 1), case .ndarray(let a) = w.recipe else {
            throw error("step `\(l.name)`: `dot` needs its weights' shape to export (an `ndarray` object)", l.range)
        }
        let shape = a.shape
        _ = args
        _ = callee
        // The step's grid is the result's (GraphBuilder.dotGrid); the blocks are the first input's.
        let input = l.inputs.first { if case .block = $0.role { true } else { false } }.map { graph[$0.source] }
        let blockRank = input?.grid.dims.count ?? l.grid.dims.count
        switch (blockRank, shape.count) {
        case (2, 1): return ("drop_axis=1", 1)
        case (2, 2): return ("chunks=(\(names[input?.name ?? ""] ?? "x").chunks[0], (\(shape[1]),))", 2)
        default:
            throw error("step `\(l.name)`: `dot` of \(blockRank)-D blocks with \(shape.count)-D weights has no chunked result Dask can describe", l.range)
        }
    }

    // MARK: dtypes

    func storage(_ isFloat: Bool) -> String { isFloat ? "float64" : "int64" }

    /// Whether a layer's chunks are Float64 in the executor's storage types (docs/kernels.md).
    func resultIsFloat(_ l: Graph.Layer) -> Bool {
        switch l.kind {
        case .object: return false
        case .array(let a): return a.dtype.isFloat
        case .reduce(let r, _):
            if r == .count { return false }
            if r == .mean { return true }
            return l.inputs.first.map { resultIsFloat(graph[$0.source]) } ?? true
        case .rechunk:
            return l.inputs.first.map { resultIsFloat(graph[$0.source]) } ?? true
        case .mapBlocks(let f):
            guard let f, case .kernel(let k, _) = f.body else { return l.dtype?.isFloat ?? true }
            func op(_ i: Int) -> Bool? { operandIsFloat(l, f: f, kernelParam: i) }
            switch k {
            case .identity, .abs: return op(0) ?? true
            case .take: return op(1) ?? true
            case .add, .sub, .mul, .scale, .dot: return (op(0) ?? true) || (op(1) ?? true)
            case .div, .sqrt: return true
            case .clip: return (op(0) ?? true) || (op(1) ?? true) || (op(2) ?? true)
            case .where: return (op(1) ?? true) || (op(2) ?? true)
            case .searchsorted: return false
            }
        }
    }

    /// Where a kernel parameter's value comes from in a step: the function parameter it is bound to.
    enum OperandSource {
        case layer(Graph.Layer)
        case number(Double)
        case object(Recipe, path: [String])
    }

    func operandSource(_ l: Graph.Layer, f: PipelineFunction, kernelParam: Int) -> OperandSource? {
        guard case .kernel(_, let bindings) = f.body, kernelParam < bindings.count,
              let step = pipeline.step(named: l.name), case .mapBlocks(let callee, let over, let args, let kwargs, _) = step.kind else { return nil }
        let (index, path): (Int, [String])
        switch bindings[kernelParam] {
        case .literal(let d): return .number(d)
        case .param(let i, let p): (index, path) = (i, p)
        }
        var position = index
        func object(_ e: Graph.Edge) -> OperandSource? {
            guard case .object(let o) = graph[e.source].kind else { return nil }
            return .object(o.recipe, path: e.path + path)
        }
        if callee.isMethod {
            if position == 0 { return l.inputs.first { $0.role == .receiver }.flatMap(object) }
            position -= 1
        }
        if position < over.count {
            return l.inputs.first { $0.role == .block(position) }.map { .layer(graph[$0.source]) }
        }
        position -= over.count
        if position < args.count {
            switch args[position] {
            case .literal(let d, _): return .number(d)
            case .object: return l.inputs.first { $0.role == .argument(position) }.flatMap(object)
            }
        }
        guard index < f.params.count, let kw = kwargs.first(where: { $0.name == f.params[index].name }) else { return nil }
        switch kw.value {
        case .literal(let d, _): return .number(d)
        case .object: return l.inputs.first { $0.role == .keyword(kw.name) }.flatMap(object)
        }
    }

    func operandRecipe(_ l: Graph.Layer, f: PipelineFunction, kernelParam: Int) -> (recipe: Recipe, path: [String])? {
        guard case .object(let r, let path)? = operandSource(l, f: f, kernelParam: kernelParam) else { return nil }
        var cur = r
        for p in path {
            guard case .instance(let i) = cur, let field = i.field(p) else { return nil }
            cur = field.recipe
        }
        return (cur, [])
    }

    func operandIsFloat(_ l: Graph.Layer, f: PipelineFunction, kernelParam: Int) -> Bool? {
        switch operandSource(l, f: f, kernelParam: kernelParam) {
        case .layer(let input)?: return resultIsFloat(input)
        case .number(let d)?: return PythonSyntax.number(d).contains(where: { $0 == "." || $0 == "e" || $0 == "f" })
        case .object?:
            guard let (r, _) = operandRecipe(l, f: f, kernelParam: kernelParam) else { return nil }
            switch r {
            case .series(let s): return s.dtype.isFloat
            case .ndarray(let a): return a.dtype.isFloat
            case .intList: return false
            case .value(.int), .value(.bool): return false
            case .value(.float): return true
            default: return nil
            }
        case nil: return nil
        }
    }
}

extension Callee {
    var isMethod: Bool {
        if case .method = self { return true }
        return false
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let r = range(of: target) else { return self }
        return replacingCharacters(in: r, with: replacement)
    }
}
