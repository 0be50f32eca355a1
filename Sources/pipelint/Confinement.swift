import Executor
import FileAccess
import Foundation
import Lint
import PipelineIR
import PipelineYAML
import Rules

/// Commands that read or write files for a pipeline (`run`, `compare`, `export`,
/// `graph`) refuse `load:` paths that leave its folder through a symbolic link, or
/// name a FIFO or a device, as `check` reports them (PL015), before anything runs.
func refuseUnsafeLoads(_ loaded: LoadedPipeline, _ path: String) throws {
    let unsafe = Linter(rules: [MissingFileRule()]).lint(loaded.source).findings.filter {
        $0.message.hasSuffix(SafeFiles.Failure.outside.phrase) || $0.message.hasSuffix(", not a regular file")
    }
    guard !unsafe.isEmpty else { return }
    for f in unsafe {
        printError("\(path):\(loaded.source.position(of: f.range.start)): error: \(f.message) [\(f.code.id) \(f.code.name)]")
    }
    throw ExitStatus.usage
}

/// The default output folder of `run` and `compare`: `pipelint-out/<slug>`, where the
/// slug keeps letters, digits, `-`, `_` and `.` of the pipeline's name (no leading
/// dot, at most 64 bytes) and replaces anything else with `-`, so a name such as
/// `../../x` cannot reach outside `pipelint-out/`.
/// A `pipelint-out` or slug folder that is a symbolic link (planted in a repository) is refused.
func defaultOutputFolder(_ pipelineName: String) throws -> String {
    let folder = "pipelint-out/" + OutputSlug.slug(pipelineName)
    for p in ["pipelint-out", folder] {
        var st = stat()
        if lstat(p, &st) == 0, st.st_mode & S_IFMT == S_IFLNK {
            printError("pipelint: error: \(p) is a symbolic link; results are never written through links (choose a folder with -o)")
            throw ExitStatus.usage
        }
    }
    return folder
}

/// A pipeline file named on the command line, read with the default size limit: a
/// FIFO or device is refused (exit 2) and a larger file is left to the parser's
/// reported as the parser would, at most limit + 1 bytes being read.
func readPipelineFile(_ path: String) throws -> [UInt8] {
    let limit = ParseLimits.default.maxFileBytes
    switch SafeFiles.read(path, limit: limit) {
    case .success(let bytes): return bytes
    case .failure(.tooLarge):
        printError("\(path):1:1: error: file is over the \(limit)-byte limit [\(CheckCode.invalidYAML.id) \(CheckCode.invalidYAML.name)]")
        throw ExitStatus.usage
    case .failure(let why):
        printError("pipelint: error: cannot read \(path): it \(why.phrase)")
        throw ExitStatus.usage
    }
}

/// `run` and `compare` say when the file asks for more workers than the executor runs.
func noteWorkerCap(_ loaded: LoadedPipeline) {
    guard let workers = loaded.pipeline?.cluster.workers, workers > RunPreflight.maxWorkers else { return }
    printError("pipelint: warning: the cluster declares \(workers) workers; the local executor runs \(RunPreflight.maxWorkers), so memory per worker is simulated for \(RunPreflight.maxWorkers)")
}

/// `fix --diff`: the errors of files that do not parse or are not valid pipelines,
/// rendered (they have no diff, and make the exit status 1 as `fix` does).
func invalidFileErrors(_ reports: [FileReport]) -> String {
    reports.map { r in
        let errors = r.findings.filter { $0.code == .invalidYAML || $0.code == .invalidPipeline }
        return errors.isEmpty ? "" : TextReporter().render(FileReport(source: r.source, findings: errors, isPipeline: r.isPipeline))
    }.joined()
}

/// SIGINT and SIGTERM both cancel a run: tasks in flight finish, nothing new starts,
/// temporary files are removed (a plain SIGTERM used to leave `.partial-PID` files).
final class CancelSignals {
    private var sources: [DispatchSourceSignal] = []

    init(_ control: RunControl) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { control.cancel() }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for s in sources { s.cancel() }
    }
}
