import Driver
import Foundation
@testable import Executor
import PipelineIR
import PipelineYAML

/// The repository root (for samples/).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Loads `samples/<name>.yaml`, displayed as `samples/<name>.yaml`.
func loadSample(_ name: String) throws -> LoadedPipeline {
    let url = repoRoot.appendingPathComponent("samples/\(name).yaml")
    let bytes = try [UInt8](Data(contentsOf: url))
    return LoadedPipeline.load(SourceFile(path: "samples/\(name).yaml", bytes: bytes))
}

/// The graph `pipelint run` runs: as written, or optimized by the policy with unsafe fixes allowed
/// (the executor has every file and package a fix assumes).
func graphToRun(_ loaded: LoadedPipeline, asWritten: Bool) throws(ExecutorError) -> (graph: Graph, changed: [String]) {
    guard let g = loaded.graph else {
        let first = loaded.diagnostics.first { $0.severity == .error }
        throw ExecutorError(.input, first?.message ?? "not a valid pipeline", location: first.map { "\(loaded.source.path):\(loaded.source.position(of: $0.range.start))" })
    }
    if asWritten { return (g, []) }
    do {
        let o = try OptimizationPolicy(unsafeFixes: true).optimize(g, source: loaded.source)
        return (o.graph, o.changed)
    } catch {
        throw ExecutorError(.internalError, error.message)
    }
}

/// Runs a loaded pipeline as `pipelint run` would.
func run(_ loaded: LoadedPipeline, in dir: URL, asWritten: Bool = false, memoryLimit: Int? = nil,
         control: RunControl? = nil) throws(ExecutorError) -> RunReport {
    let (graph, changed) = try graphToRun(loaded, asWritten: asWritten)
    var options = RunOptions(optimizedObjects: changed)
    options.memoryLimit = memoryLimit
    return try Executor.run(graph, source: loaded.source, baseDirectory: dir, options: options, control: control)
}

/// Runs a sample with its folder as the base directory.
func runSample(_ name: String, asWritten: Bool = false, memoryLimit: Int? = nil) throws(ExecutorError) -> RunReport {
    let loaded: LoadedPipeline
    do { loaded = try loadSample(name) } catch { throw ExecutorError(.io, "cannot read sample \(name): \(error)") }
    return try run(loaded, in: repoRoot.appendingPathComponent("samples"), asWritten: asWritten, memoryLimit: memoryLimit)
}

/// Loads pipeline text as `t.yaml`.
func loadText(_ text: String) -> LoadedPipeline {
    LoadedPipeline.load(SourceFile(path: "t.yaml", text: text))
}

/// Runs pipeline text with `dir` as its folder.
func runText(_ text: String, in dir: URL = FileManager.default.temporaryDirectory, asWritten: Bool = false,
             control: RunControl? = nil) throws(ExecutorError) -> RunReport {
    try run(loadText(text), in: dir, asWritten: asWritten, control: control)
}

/// A fresh temporary folder.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-exec-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// CRC-32 of an output's data in C order (what results.json records).
func checksum(_ o: OutputResult) -> String {
    guard case .array(let shape, let chunks, let grid) = o.data else { return "" }
    let n = shape.reduce(1, *)
    let item = chunks.first?.data.isComplex == true ? 16 : 8
    var all = [UInt8](repeating: 0, count: n * item)
    let geo = GridGeometry(grid)
    for (i, ch) in chunks.enumerated() {
        let box = geo.box(i)
        let bytes: [UInt8] = ch.data.withRawBytes { Array($0) }
        forEachRow(arrayShape: shape, origin: box.origin, shape: box.shape) { g, local, len in
            for k in 0..<(len * item) { all[g * item + k] = bytes[local * item + k] }
        }
    }
    var crc = CRC32()
    all.withUnsafeBytes { crc.update($0) }
    return String(format: "%08x", crc.value)
}

/// A python3 with numpy, if there is one (`PIPELINT_PYTHON` overrides the search).
let pythonWithNumpy: String? = {
    let candidates = [ProcessInfo.processInfo.environment["PIPELINT_PYTHON"], "/usr/bin/python3", "/usr/local/bin/python3"].compactMap { $0 }
    for p in candidates where FileManager.default.isExecutableFile(atPath: p) {
        let proc = Process()
        proc.executableURL = URL(fileURLWithPath: p)
        proc.arguments = ["-c", "import numpy"]
        proc.standardOutput = FileHandle.nullDevice
        proc.standardError = FileHandle.nullDevice
        do { try proc.run() } catch { continue }
        proc.waitUntilExit()
        if proc.terminationStatus == 0 { return p }
    }
    return nil
}()
