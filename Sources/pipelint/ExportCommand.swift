import ArgumentParser
import Export
import FileAccess
import Foundation

/// `pipelint export --to dask PIPELINE [-o program.py] [--as-written]`
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a pipeline as a standalone Dask program (dask.array, dask.delayed, distributed).",
        discussion: """
        Placements are optimized as `pipelint run` optimizes them unless --as-written. \
        The program runs on --scheduler-address / DASK_SCHEDULER_ADDRESS, else on a LocalCluster shaped like `cluster:`, \
        and prints its results in `pipelint run`'s format. See docs/dask.md.
        Exit status: 0 written, 2 invalid pipeline, something Dask cannot express, or I/O error.
        """
    )

    @Option(name: .customLong("to"), help: "Target: dask.")
    var target: String

    @Argument(help: "The pipeline file.")
    var pipeline: String

    @Option(name: [.short, .customLong("out")], help: "Write the program here (default: standard output).")
    var out: String?

    @Flag(help: "Honour placements as written (skip the placement optimization).")
    var asWritten = false

    @OptionGroup var optimization: OptimizationOptions

    func run() throws {
        guard target == "dask" else {
            printError("pipelint: error: unknown export target `\(target)` (supported: dask)")
            throw ExitStatus.usage
        }
        try expectPipelineFile(pipeline, command: "export")
        let loaded = try loadPipeline(pipeline)
        let folder = loaded.folder
        let (graph, changed) = try asWritten ? (loaded.graph, []) : optimization.optimize(loaded)
        let cwd = FileManager.default.currentDirectoryPath
        let programFolder = out.map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: cwd)).deletingLastPathComponent().path } ?? cwd
        var options = ExportOptions(asWritten: asWritten)
        options.baseDirectory = relativePath(from: programFolder, to: URL(fileURLWithPath: folder.path, relativeTo: URL(fileURLWithPath: cwd)).path)
        let text: String
        do {
            text = try DaskExport.program(loaded.model, graph: graph, source: loaded.source, changed: changed, options: options)
        } catch {
            printError(error.description)
            throw ExitStatus.usage
        }
        guard let out else {
            writeStandardOutput(text)
            return
        }
        do { try AtomicWrite.write(text, to: out) } catch {
            // A full disk leaves nothing behind: the temporary file is removed.
            printError("pipelint: error: \(error)")
            throw ExitStatus.usage
        }
    }
}

/// `to` relative to `from` (both folders), with `..` as needed: the program finds
/// the pipeline's `load:` files wherever both are moved together.
func relativePath(from: String, to: String) -> String {
    let a = URL(fileURLWithPath: from).standardizedFileURL.pathComponents
    let b = URL(fileURLWithPath: to).standardizedFileURL.pathComponents
    var i = 0
    while i < a.count, i < b.count, a[i] == b[i] { i += 1 }
    let parts = Array(repeating: "..", count: a.count - i) + b[i...]
    return parts.isEmpty ? "." : parts.joined(separator: "/")
}
