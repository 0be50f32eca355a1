import Executor
import Foundation
import Lint
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
