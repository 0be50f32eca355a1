import Executor
import Foundation
import PipelineIR

/// `fix --verify` on the dask engine: the file before and after its fixes, each cut to two chunks
/// per dimension (as the bundled verification does) and run as written by the exported program;
/// the fix is written only when both runs give the same results (`DaskComparison.mismatch`).
enum DaskVerification {
    static func difference(original: Pipeline, in originalSource: SourceFile, fixed: Pipeline, in fixedSource: SourceFile,
                           folder: URL, options: EngineOptions) -> String? {
        let a = FixVerification.shrunk(original), b = FixVerification.shrunk(fixed)
        guard let ga = GraphBuilder.build(a).graph, let gb = GraphBuilder.build(b).graph else {
            return "the pipeline could not be reduced to small data"
        }
        let python: PythonEnvironment
        do {
            python = try PythonEnvironment.check(modules: pythonModules(of: ga, in: originalSource), folder: folder)
        } catch {
            return "could not run it with Dask: \(error.message)" + (error.help.map { " (\($0))" } ?? "")
        }
        let control = RunControl()
        let signals = installInterruptHandler(control)
        defer { signals.cancel() }
        let quiet = ProgressDisplay(style: .quiet) { _ in }
        var runs: [DaskRun] = []
        do {
            for (pipeline, graph, source) in [(a, ga, originalSource), (b, gb, fixedSource)] {
                let staging = try DaskEngine.temporaryFolder().appendingPathComponent("out")
                defer { try? FileManager.default.removeItem(at: staging.deletingLastPathComponent()) }
                let job = DaskJob(model: pipeline, graph: graph, changed: [], source: source, folder: folder, asWritten: true,
                                  schedulerAddress: options.schedulerAddress)
                runs.append(try DaskEngine.run(job, python: python, staging: staging, progress: quiet, control: control))
            }
        } catch {
            if error.kind == .cancelled { return "cancelled" }
            return "could not run it with Dask: \(error.location.map { "\($0): " } ?? "")\(error.message)"
        }
        return DaskComparison.mismatch(runs[0], runs[1]).map { $0.replacingOccurrences(of: "between the as-written and the optimized run", with: "after the fix") }
    }
}
