import Driver
import Foundation
import Lint
import PipelineIR
import PipelineYAML
import Rules

/// What `check` was asked to do, however its arguments were parsed (argument-parser, or
/// `FastArguments` for the common invocations, which skip its start-up cost).
struct CheckRequest: Equatable {
    var paths: [String] = ["."]
    var format: ReportFormat?
    var config: String?
    var select: [String] = []
    var extendSelect: [String] = []
    var ignore: [String] = []
    var failOn: Severity = .warning
    var exitZero = false
    var failOnEmpty = false
    var statistics = false
    var quiet = false
    var verbose = false
    var baseline: String?
    var writeBaseline: String?
    var outputFile: String?
    var color: ColorChoice = .auto
    var stdinFilename: String?
    var noIgnore = false
    var forceExclude = false
}

/// One `check` run: collect, lint, filter, report, pick the exit status.
struct CheckRun {
    var request: CheckRequest

    /// The files found and what went wrong on the way.
    struct Inputs {
        var files: [CollectedFile] = []
        var configurations: [Configuration] = []
        var skipped: [String] = []
        var errors = false
    }

    func run() throws {
        var configs = ConfigurationResolver(explicit: request.config, known: allRules.map { $0.description.id },
                                            overrides: try ruleOverrides(select: request.select, extendSelect: request.extendSelect, ignore: request.ignore))
        let inputs = try collect(&configs)
        let reports = lintInParallel(inputs.files, configurations: inputs.configurations, rules: makeAllRules())
        var notPipelines: [String] = []
        var shown: [FileReport] = []
        for (i, report) in reports.enumerated() {
            let file = inputs.files[i]
            if file.fromDirectory, !DirectoryScan.keeps(report, limits: inputs.configurations[i].settings.parseLimits) {
                notPipelines.append(file.path)
            } else {
                shown.append(report)
            }
        }
        let problems = shown.flatMap(\.problems)
        for p in problems { printError("pipelint: error: \(p)") }
        let failed = inputs.errors || !problems.isEmpty
        if !failed, shown.isEmpty { warnNothingFound() }

        if let path = request.writeBaseline {
            try write(baselineOf: shown, to: path)
            if failed { throw ExitStatus.usage }
            return
        }
        if let path = request.baseline { shown = try applyBaseline(path, to: shown) }
        try Output.emit(render(shown, failed: failed), to: request.outputFile)
        if request.verbose {
            for s in notPipelines.sorted() { printError("skipped \(s): not a pipeline") }
            for s in inputs.skipped { printError("skipped \(s)") }
        }
        if failed || (request.failOnEmpty && shown.isEmpty) { throw ExitStatus.usage }
        let failing = shown.contains { $0.findings.contains { $0.severity >= request.failOn } }
        if failing, !request.exitZero { throw ExitStatus.findings }
    }

    /// The files to lint, each with its configuration; directory-scan files the configuration excludes are dropped.
    func collect(_ configs: inout ConfigurationResolver) throws -> Inputs {
        var inputs = Inputs()
        var collected = FileCollector.collect(request.paths.filter { $0 != "-" }, ignores: request.noIgnore ? nil : IgnoreFiles()) { path in
            (try? configs.configuration(for: path))?.settings.parseLimits.maxFileBytes ?? ParseLimits.default.maxFileBytes
        }
        if request.paths.contains("-") {
            let path = request.stdinFilename ?? "-"
            let limit = (try? configs.configuration(for: path))?.settings.parseLimits.maxFileBytes ?? ParseLimits.default.maxFileBytes
            switch StandardInput.read(limit: limit) {
            case .success(let bytes): collected.files.insert(CollectedFile(path: path, source: SourceFile(path: path, bytes: bytes), fromDirectory: false), at: 0)
            case .failure(let e): collected.errors.append("standard input: \(e.message)")
            }
        }
        if request.forceExclude { collected.files = collected.files.map { var f = $0; f.fromDirectory = true; return f } }
        for e in collected.errors { printError("pipelint: error: \(e)") }
        for w in collected.warnings { printError("pipelint: warning: \(w)") }
        inputs.errors = !collected.errors.isEmpty
        inputs.skipped = collected.skipped
        for f in collected.files {
            let c: Configuration
            do { c = try configs.configuration(for: f.path) } catch {
                printError("pipelint: error: \(error)")
                throw ExitStatus.usage
            }
            if f.fromDirectory, c.isExcluded(f.path) { continue }
            inputs.files.append(f)
            inputs.configurations.append(c)
        }
        for w in configs.warnings { printError(w) }
        return inputs
    }

    /// ruff's behaviour: finding nothing to lint is a warning, not a silent pass (`--fail-on-empty` makes it fail).
    func warnNothingFound() { DirectoryScan.warnNothingFound(request.paths) }

    func write(baselineOf shown: [FileReport], to path: String) throws {
        let text = Baseline(reports: shown).serialized()
        do { try writeFile(path, text) } catch {
            printError("pipelint: error: cannot write \(path): \(error)")
            throw ExitStatus.usage
        }
        printError("wrote \(plural(shown.reduce(0) { $0 + $1.findings.count }, "finding")) to \(path)")
    }

    /// The reports without the baselined findings; how many were hidden and how many entries are stale goes to standard error.
    func applyBaseline(_ path: String, to shown: [FileReport]) throws -> [FileReport] {
        let outcome: Baseline.Outcome
        do { outcome = try Baseline.load(path: path).apply(to: shown) } catch {
            printError("pipelint: error: \(error)")
            throw ExitStatus.usage
        }
        if !request.quiet {
            var line = "baseline \(path): \(plural(outcome.hidden, "finding")) hidden"
            line += outcome.stale == 0 ? "" : "; \(plural(outcome.stale, "entry", "entries")) no longer found (rewrite it with `--write-baseline`)"
            printError(line)
        }
        return outcome.reports
    }

    /// The report in the chosen format (or only the counts with `--statistics`).
    func render(_ shown: [FileReport], failed: Bool) -> String {
        let chosen = request.format ?? (Output.environment("GITHUB_ACTIONS") == "true" ? .github : .text)
        if request.statistics { return Statistics.render(shown.flatMap(\.findings), json: chosen == .json) }
        let color = Output.colors(request.color, toFile: request.outputFile != nil)
        // A run that could not read everything it was given does not claim that all checks passed.
        let summary = !request.quiet && !(failed && shown.allSatisfy(\.findings.isEmpty))
        switch chosen {
        case .text:
            return summary ? TextOutput.render(shown, color: color) : shown.map { TextReporter(color: color).render($0) }.joined()
        case .concise:
            let lines = shown.map { ConciseReporter(color: color).render($0) }.joined()
            return summary ? lines + TextOutput.summary(shown) : lines
        case .json: return JSONReporter.render(shown)
        case .sarif: return SARIFReporter.render(shown, rules: allRules.map { $0.description })
        case .github: return GitHubReporter.render(shown)
        case .junit: return JUnitReporter.render(shown)
        case .gitlab: return GitLabReporter.render(shown)
        }
    }
}

/// Lints files on all cores, each with its own configuration; the result order is the input order.
func lintInParallel(_ files: [CollectedFile], configurations: [Configuration], rules: [any Rule]) -> [FileReport] {
    parallelMap(files.count) { i in
        let f = files[i]
        let linter = Linter(rules: rules, configuration: configurations[i])
        guard let size = f.oversizeBytes else { return linter.lint(f.source) }
        let limit = linter.settings.parseLimits.maxFileBytes
        let finding = Finding(code: .invalidYAML, severity: .error,
                              message: "file is \(size) bytes, over the \(limit)-byte limit", range: .at(0),
                              help: "raise `limits.max-file-bytes` in .pipelint.yml if this file is legitimate")
        return FileReport(source: f.source, findings: [finding], isPipeline: true)
    }
}
