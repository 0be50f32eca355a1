import ArgumentParser
import Executor
import Foundation

/// `pipelint compare PIPELINE`
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a pipeline as written and optimized; check the results are identical and compare memory.",
        discussion: """
        Writes compare.svg (both memory lines) and compare.json into the output folder.
        Exit status: 0 identical results, 1 results differ or a run failed, 2 invalid pipeline or I/O error, 130 interrupted.
        """
    )

    @Argument(help: "The pipeline file.")
    var pipeline: String

    @Option(name: [.short, .customLong("out")], help: "Output folder (default pipelint-out/<pipeline>).")
    var out: String?

    @OptionGroup var optimization: OptimizationOptions

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var engineOptions: EngineOptions

    func run() throws {
        try expectPipelineFile(pipeline, command: "compare")
        let loaded = try loadPipeline(pipeline)
        let control = RunControl()
        let signals = installInterruptHandler(control)
        defer { signals.cancel() }
        let (optimized, changed) = try optimization.optimize(loaded)
        let engine = try engineOptions.resolve(loaded.graph, loaded.source, allowBoth: true, command: "compare")
        if engine == .dask {
            return try compareOnDask(loaded, optimized: optimized, changed: changed, control: control)
        }
        if engine == .both { try refuseBundled(loaded) }
        let dir = try URL(fileURLWithPath: out ?? defaultOutputFolder(loaded.graph.name))
        // The bundled runs read `load:` frames in Dask's read_csv blocks.
        let reblocked = loaded.withDaskCSVBlocks()
        let bundled = reblocked ?? loaded
        let bundledOptimized = try reblocked.map { try optimization.optimize($0).graph } ?? optimized
        let comparison = try inOutputFolder(dir) { () throws -> Comparison in
            do {
                let comparison = try Comparison.run(asWritten: bundled.graph, optimized: bundledOptimized, optimizedObjects: changed, source: loaded.source,
                                                    baseDirectory: loaded.folder,
                                                    daskWrapped: (objectUses(of: bundled.graph).daskWrapped, objectUses(of: bundledOptimized).daskWrapped),
                                                    progress: progressDisplay(quiet: quiet), control: control)
                // With both engines, the dask comparison writes the bundled one beside its own.
                if engine != .both { try comparison.write(to: dir) }
                return comparison
            } catch {
                throw reportFailure(error)
            }
        }
        if engine == .both {
            return try compareOnDask(loaded, optimized: optimized, changed: changed, control: control, bundled: comparison)
        }
        print(comparison.summary(directory: dir.path))
        if let m = comparison.mismatch {
            printError("error: \(m)")
            throw ExitStatus.findings
        }
    }
}
