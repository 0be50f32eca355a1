import Foundation
import PipelineIR

/// The user's Python for the dask engine (`PIPELINT_PYTHON`, else `python3` on `PATH`), checked
/// before anything runs: it must import dask, distributed, numpy and pandas of supported versions,
/// and every `python:` module the pipeline names.
struct PythonEnvironment {
    /// The interpreter, as found.
    var python: String
    var pythonVersion: String
    var daskVersion: String
    /// `PYTHONPATH` for the check and the run: the pipeline's folder first (its `python:` modules).
    var environment: [String: String]

    /// The oldest dask (and distributed) the engine accepts; CI runs the version pinned in crosscheck/requirements.txt.
    static let minimumDask = [2024, 12, 0]
    static let testedDask = "2026.8.0"
    static let required = ["dask", "distributed", "numpy", "pandas"]

    /// Why the check failed: one message (exit 2), located at a `python:` reference when a module fails.
    struct Failure: Error {
        var message: String
        var help: String?
        var location: String?
    }

    /// What the check script prints: the interpreter, its version, package versions and import errors.
    struct Report: Decodable {
        var python: String
        var version: String
        var versions: [String: String]
        var missing: [String: String]
    }

    static let checkScript = """
    import importlib, json, sys
    out = {"python": sys.executable, "version": sys.version.split()[0], "versions": {}, "missing": {}}
    for m in sys.argv[1:]:
        try:
            out["versions"][m] = str(getattr(importlib.import_module(m), "__version__", ""))
        except BaseException as e:
            out["missing"][m] = (type(e).__name__ + ": " + str(e)).splitlines()[0][:300]
    print(json.dumps(out))
    """

    /// The interpreter to use, or a failure saying what was looked for.
    static func locate() throws(Failure) -> String {
        let install = "pip install 'dask[distributed]==\(testedDask)' numpy pandas"
        if let p = ProcessInfo.processInfo.environment["PIPELINT_PYTHON"], !p.isEmpty {
            let path = p.contains("/") ? p : (findOnPath(p) ?? p)
            guard access(path, X_OK) == 0 else {
                throw Failure(message: "the dask engine needs Python: PIPELINT_PYTHON=\(p) is not an executable file",
                              help: "point PIPELINT_PYTHON at a Python that has dask, distributed, numpy and pandas (\(install))")
            }
            return path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        }
        guard let p = findOnPath("python3") else {
            throw Failure(message: "the dask engine needs Python 3 with dask, distributed, numpy and pandas: PIPELINT_PYTHON is not set and there is no python3 on PATH",
                          help: "install Python 3.10 or later, then `python3 -m \(install)`, or set PIPELINT_PYTHON")
        }
        return p
    }

    /// Finds and checks the interpreter; `modules` are the pipeline's `python:` modules with the
    /// place each is first named, `folder` the pipeline's folder.
    static func check(modules: [(module: String, location: String)], folder: URL) throws(Failure) -> PythonEnvironment {
        let python = try locate()
        var env = ProcessInfo.processInfo.environment
        env["PYTHONPATH"] = ([folder.standardizedFileURL.path] + (env["PYTHONPATH"].map { [$0] } ?? [])).joined(separator: ":")
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        let names = required + modules.map(\.module).filter { !required.contains($0) }
        var lines: [String] = []
        let report: Report
        do {
            let child = try ChildProcess([python, "-c", checkScript] + names, environment: env) { _ in }
            let status = child.wait(cancelled: { false })
            lines = child.standardOutput
            guard status == 0, let last = lines.last, let r = try? JSONDecoder().decode(Report.self, from: Data(last.utf8)) else {
                throw ChildProcessError("it exited with status \(status)")
            }
            report = r
        } catch {
            throw Failure(message: "the dask engine could not check \(python): \(error)",
                          help: "set PIPELINT_PYTHON to a Python 3.10 or later with dask, distributed, numpy and pandas")
        }
        try judge(report, python: python, modules: modules)
        return PythonEnvironment(python: python, pythonVersion: report.version, daskVersion: report.versions["dask"] ?? "", environment: env)
    }

    /// A failure for what is missing or unsupported in `report`.
    static func judge(_ report: Report, python: String, modules: [(module: String, location: String)]) throws(Failure) {
        let missing = required.filter { report.missing[$0] != nil }
        let pins = ["dask": "'dask==\(testedDask)'", "distributed": "'distributed==\(testedDask)'", "numpy": "numpy", "pandas": "pandas"]
        if !missing.isEmpty {
            let why = missing.map { "\($0) (\(report.missing[$0] ?? ""))" }.joined(separator: ", ")
            throw Failure(message: "the dask engine needs dask, distributed, numpy and pandas; \(python) (Python \(report.version)) cannot import \(why)",
                          help: "\(python) -m pip install \(missing.compactMap { pins[$0] }.joined(separator: " ")) (or set PIPELINT_PYTHON to another Python)")
        }
        let dask = report.versions["dask"] ?? "", distributed = report.versions["distributed"] ?? ""
        if !supported(dask) || dask != distributed {
            throw Failure(message: "the dask engine supports dask and distributed \(minimumDask.map(String.init).joined(separator: ".")) or later, of the same version (tested with \(testedDask)); \(python) has dask \(dask) and distributed \(distributed)",
                          help: "\(python) -m pip install 'dask[distributed]==\(testedDask)'")
        }
        for m in modules {
            if let e = report.missing[m.module] {
                throw Failure(message: "python: module `\(m.module)` does not import under \(python): \(e)",
                              help: "make `\(m.module)` importable: install its package into that Python, or put it in the pipeline's folder (it is on PYTHONPATH)",
                              location: m.location)
            }
        }
    }

    /// Whether a dask version string is at least `minimumDask`.
    static func supported(_ version: String) -> Bool {
        let parts = version.split(separator: ".").prefix(3).map { Int($0.prefix { $0.isNumber }) ?? 0 }
        guard parts.count >= 2 else { return false }
        let padded = parts + Array(repeating: 0, count: 3 - parts.count)
        return padded.lexicographicallyPrecedes(minimumDask) == false
    }
}

/// The `python:` modules a graph needs, each with the first place that names it.
func pythonModules(of graph: Graph, in source: SourceFile) -> [(module: String, location: String)] {
    var seen: [String: String] = [:]
    var order: [String] = []
    func add(_ reference: String, _ range: SourceRange) {
        let module = String(reference.split(separator: ":", maxSplits: 1).first ?? "")
        guard !module.isEmpty, seen[module] == nil else { return }
        seen[module] = "\(source.path):\(source.position(of: range.start))"
        order.append(module)
    }
    for l in graph.layers {
        if case .mapBlocks(let call?) = l.kind, case .python(let ref) = call.function.body { add(ref, call.function.range) }
        if let o = l.object { for f in pythonFactories(in: o.recipe) { add(f, o.range) } }
    }
    return order.map { ($0, seen[$0] ?? "") }
}

/// Every Python factory a recipe names (the object's own, or its instance fields').
func pythonFactories(in r: Recipe) -> [String] {
    switch r {
    case .python(let factory, _): return [factory]
    case .instance(let i): return i.fields.flatMap { pythonFactories(in: $0.recipe) }
    default: return []
    }
}
