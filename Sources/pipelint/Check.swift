import ArgumentParser
import Foundation
import Lint
import PipelineIR
import PipelineYAML
import Rules

/// `pipelint check PATH...`
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lint pipeline files and directories.",
        discussion: "Exit status: 0 no findings, 1 findings (an invalid pipeline is a finding), 2 usage, configuration or I/O error."
    )

    @Argument(help: "Files or directories to lint (directories: *.yaml/*.yml files with a top-level `pipeline:` key).")
    var paths: [String] = ["."]

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "List the files a directory scan skipped.")
    var verbose = false

    @Flag(help: "Exit 0 even when there are findings.")
    var exitZero = false

    func run() throws {
        let settings = LintSettings.default
        let collected = FileCollector.collect(paths)
        for e in collected.errors { printError("pipelint: error: \(e)") }
        let linter = Linter(rules: makeAllRules(), settings: settings)
        let reports = lintInParallel(collected.files, linter: linter)
        var shown: [FileReport] = []
        var skipped = collected.skipped
        for (file, report) in zip(collected.files, reports) {
            // A directory scan keeps pipelines, and unparsable files that still look like one.
            let unparsable = report.findings.contains { $0.code == .invalidYAML }
            if file.fromDirectory, !report.isPipeline, !(unparsable && FileCollector.mentionsPipeline(report.source.bytes)) {
                skipped.append(file.path)
                continue
            }
            shown.append(report)
        }
        let out: String
        switch format {
        case .text:
            let color = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
            out = TextOutput.render(shown, color: color)
        case .json:
            out = JSONOutput.render(shown)
        }
        FileHandle.standardOutput.write(Data(out.utf8))
        if verbose {
            for s in skipped.sorted() { printError("skipped \(s): not a pipeline") }
        }
        if !collected.errors.isEmpty { throw ExitStatus.usage }
        let failing = shown.contains { $0.findings.contains { $0.severity >= .warning } }
        if failing, !exitZero { throw ExitStatus.findings }
    }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Lints files on all cores; the result order is the input order.
func lintInParallel(_ files: [CollectedFile], linter: Linter) -> [FileReport] {
    let results = ResultBox(count: files.count)
    DispatchQueue.concurrentPerform(iterations: files.count) { i in
        let f = files[i]
        if let size = f.oversizeBytes {
            let limit = linter.settings.parseLimits.maxFileBytes
            let finding = Finding(code: .invalidYAML, severity: .error,
                                  message: "file is \(size) bytes, over the \(limit)-byte limit", range: .at(0),
                                  help: "raise the file size limit in the configuration if this file is legitimate")
            results.set(i, FileReport(source: f.source, findings: [finding], isPipeline: true))
        } else {
            results.set(i, linter.lint(f.source))
        }
    }
    return results.values()
}

/// Slots written by concurrent workers, each slot once.
final class ResultBox: @unchecked Sendable {
    private var slots: [FileReport?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: FileReport) {
        lock.lock()
        slots[i] = r
        lock.unlock()
    }
    func values() -> [FileReport] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
