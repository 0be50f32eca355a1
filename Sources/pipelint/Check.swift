import ArgumentParser
import Driver
import FileAccess
import Foundation
import Lint
import PipelineIR
import PipelineYAML
import Rules

/// `pipelint check PATH...`
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lint pipeline files and directories.",
        discussion: """
            Configuration comes from the nearest `.pipelint.yml` above each file, or from --config.
            Exit status: 0 no findings at or above --fail-on, 1 findings (an invalid pipeline is an error finding), \
            2 usage, configuration or I/O error, 3 internal error.
            """
    )

    @Argument(help: "Files or directories to lint (directories: *.yaml/*.yml files with a top-level `pipeline:` key).")
    var paths: [String] = ["."]

    @Option(help: "Output format: text, json, sarif, github, junit or gitlab (github by default when GITHUB_ACTIONS=true).")
    var format: ReportFormat?

    @Option(help: "Configuration file (default: the nearest .pipelint.yml above each file).")
    var config: String?

    @Option(help: "Rules to run instead of the configured ones: IDs, ID prefixes, names or ALL (comma-separated, repeatable).")
    var select: [String] = []

    @Option(help: "Rules to run in addition: IDs, ID prefixes, names or ALL (comma-separated, repeatable).")
    var extendSelect: [String] = []

    @Option(help: "Rules not to run: IDs, ID prefixes, names or ALL (comma-separated, repeatable).")
    var ignore: [String] = []

    @Option(help: "Lowest severity that fails the run: info, warning or error.")
    var failOn: Severity = .warning

    @Flag(help: "Exit 0 even when there are findings.")
    var exitZero = false

    @Flag(help: "Print the number of findings per rule.")
    var statistics = false

    @Flag(help: "Print findings only: no summary line.")
    var quiet = false

    @Flag(help: "List the files a directory scan skipped.")
    var verbose = false

    @Option(help: "Report only findings not in this baseline file.")
    var baseline: String?

    @Option(help: "Write the current findings to this baseline file and exit 0.")
    var writeBaseline: String?

    @OptionGroup var exclusion: ForceExcludeOption

    func run() throws {
        var configs = ConfigurationResolver(explicit: config, known: allRules.map { $0.description.id },
                                            overrides: try ruleOverrides(select: select, extendSelect: extendSelect, ignore: ignore))
        // Each file's size limit comes from its configuration (a broken configuration is reported below).
        var collected = FileCollector.collect(paths) { path in
            (try? configs.configuration(for: path))?.settings.parseLimits.maxFileBytes ?? ParseLimits.default.maxFileBytes
        }
        collected.files = exclusion.apply(collected.files)
        for e in collected.errors { printError("pipelint: error: \(e)") }
        for w in collected.warnings { printError("pipelint: warning: \(w)") }

        // Each file's configuration; excluded directory-scan files are dropped.
        var fileConfigs: [Configuration] = []
        var kept: [CollectedFile] = []
        for f in collected.files {
            let c: Configuration
            do { c = try configs.configuration(for: f.path) } catch {
                printError("pipelint: error: \(error)")
                throw ExitStatus.usage
            }
            if f.fromDirectory, c.isExcluded(f.path) { continue }
            kept.append(f)
            fileConfigs.append(c)
        }
        for w in configs.warnings { printError(w) }
        collected.files = kept

        let rules = makeAllRules()
        let reports = lintInParallel(kept, configurations: fileConfigs, rules: rules)
        var shown: [FileReport] = []
        var skipped: [String] = []
        for (file, report) in zip(kept, reports) {
            // A directory scan keeps pipelines, and unparsable files that still look like one.
            let unparsable = report.findings.contains { $0.code == .invalidYAML }
            if file.fromDirectory, !report.isPipeline, !(unparsable && FileCollector.mentionsPipeline(report.source.bytes)) {
                skipped.append(file.path)
                continue
            }
            shown.append(report)
        }
        let problems = shown.flatMap(\.problems)
        for p in problems { printError("pipelint: error: \(p)") }

        if let path = writeBaseline {
            let text = Baseline(reports: shown).serialized()
            do { try AtomicWrite.write(text, to: path) } catch {
                printError("pipelint: error: \(error)")
                throw ExitStatus.usage
            }
            printError("wrote \(shown.reduce(0) { $0 + $1.findings.count }) findings to \(path)")
            if !collected.errors.isEmpty || !problems.isEmpty { throw ExitStatus.usage }
            return
        }
        if let path = baseline {
            do { shown = try Baseline.load(path: path).filter(shown) } catch {
                printError("pipelint: error: \(error)")
                throw ExitStatus.usage
            }
        }

        let chosen = format ?? (ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" ? .github : .text)
        var out: String
        switch chosen {
        case .text:
            let env = ProcessInfo.processInfo.environment
            let color = isatty(STDOUT_FILENO) == 1 && (env["NO_COLOR"] ?? "").isEmpty && env["TERM"] != "dumb"
            out = quiet ? shown.map { TextReporter(color: color).render($0) }.joined() : TextOutput.render(shown, color: color)
        case .json: out = JSONReporter.render(shown)
        case .sarif: out = SARIFReporter.render(shown, rules: allRules.map { $0.description })
        case .github: out = GitHubReporter.render(shown)
        case .junit: out = JUnitReporter.render(shown)
        case .gitlab: out = GitLabReporter.render(shown)
        }
        if statistics { out += Statistics.render(shown.flatMap(\.findings)) }
        writeStandardOutput(out)
        if verbose {
            for s in skipped.sorted() { printError("skipped \(s): not a pipeline") }
            for s in collected.skipped { printError("skipped \(s)") }
        }
        if !collected.errors.isEmpty || !problems.isEmpty { throw ExitStatus.usage }
        let failing = shown.contains { $0.findings.contains { $0.severity >= failOn } }
        if failing, !exitZero { throw ExitStatus.findings }
    }
}

/// `--select`, `--extend-select` and `--ignore` resolved as `.pipelint.yml` resolves rule lists
/// (`check` and `fix` alike); an unknown selector is a usage error with a suggestion.
func ruleOverrides(select: [String], extendSelect: [String], ignore: [String]) throws -> (select: [String], extendSelect: [String], ignore: [String]) {
    let (overrides, unknown) = RuleSelectors.catalogue.overrides(select: select, extendSelect: extendSelect, ignore: ignore)
    if let first = unknown.first {
        let hint = RuleSelectors.catalogue.suggestion(for: first).map { "; did you mean `\($0)`?" } ?? "; `pipelint rules` lists them"
        printError("pipelint: error: unknown rule ID, prefix or name `\(first)`\(hint)")
        throw ExitStatus.usage
    }
    return overrides
}

extension ReportFormat: ExpressibleByArgument {}
extension Severity: ExpressibleByArgument {}

/// `--statistics`: findings per rule, most frequent first.
enum Statistics {
    static func render(_ findings: [Finding]) -> String {
        var counts: [CheckCode: (n: Int, fixable: Bool)] = [:]
        for f in findings {
            let fixable = f.fix.map { !$0.edits.isEmpty && $0.applicability != .displayOnly } ?? false
            let c = counts[f.code] ?? (0, false)
            counts[f.code] = (c.n + 1, c.fixable || fixable)
        }
        return counts.sorted { ($1.value.n, $0.key.id) < ($0.value.n, $1.key.id) }
            .map { String(format: "%5d", $0.value.n) + "  \($0.key.id)  \($0.key.name)\($0.value.fixable ? "  [*] fixable" : "")\n" }
            .joined()
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
