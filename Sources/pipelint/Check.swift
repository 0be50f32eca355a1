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

    @Option(help: "Rule IDs or prefixes to run instead of the configured ones (comma-separated, repeatable).")
    var select: [String] = []

    @Option(help: "Rule IDs or prefixes to run in addition (comma-separated, repeatable).")
    var extendSelect: [String] = []

    @Option(help: "Rule IDs or prefixes not to run (comma-separated, repeatable).")
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

    func run() throws {
        let known = allRules.map { $0.description.id } + [CheckCode.invalidYAML.id, CheckCode.invalidPipeline.id]
        for list in [select, extendSelect, ignore] {
            for id in list.flatMap({ $0.split(separator: ",").map(String.init) }) where !known.contains(where: { $0.hasPrefix(id) }) || !id.hasPrefix("PL") {
                printError("pipelint: error: unknown rule ID or prefix `\(id)`; `pipelint rules` lists them")
                throw ExitStatus.usage
            }
        }
        var configs = ConfigurationResolver(explicit: config, known: allRules.map { $0.description.id }, overrides: (
            select.flatMap { $0.split(separator: ",").map(String.init) },
            extendSelect.flatMap { $0.split(separator: ",").map(String.init) },
            ignore.flatMap { $0.split(separator: ",").map(String.init) }))
        // Each file's size limit comes from its configuration (a broken configuration is reported below).
        var collected = FileCollector.collect(paths) { path in
            (try? configs.configuration(for: path))?.settings.parseLimits.maxFileBytes ?? ParseLimits.default.maxFileBytes
        }
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
            do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                printError("pipelint: error: cannot write \(path): \(error.localizedDescription)")
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

extension ReportFormat: ExpressibleByArgument {}
extension Severity: ExpressibleByArgument {}

/// Finds and caches each folder's configuration, applying command-line overrides.
struct ConfigurationResolver {
    let explicit: String?
    let known: [String]
    let overrides: (select: [String], extendSelect: [String], ignore: [String])
    var byPath: [String: Configuration] = [:]
    var byDirectory: [String: String?] = [:]
    var warnings: [String] = []

    init(explicit: String?, known: [String], overrides: (select: [String], extendSelect: [String], ignore: [String])) {
        self.explicit = explicit
        self.known = known
        self.overrides = overrides
    }

    mutating func configuration(for file: String) throws -> Configuration {
        let dir = (file as NSString).deletingLastPathComponent
        let path: String?
        if let explicit { path = explicit } else if let cached = byDirectory[dir] { path = cached } else {
            path = ConfigurationLoader.find(from: dir.isEmpty ? "." : dir)
            byDirectory[dir] = path
        }
        var c: Configuration
        if let path {
            if let cached = byPath[path] { c = cached } else {
                let (loaded, w) = try ConfigurationLoader.load(path: path, knownRules: known)
                warnings += w
                byPath[path] = loaded
                c = loaded
            }
        } else {
            c = Configuration()
        }
        // As in ruff, a command-line selection starts afresh: the file's select and ignore give way.
        if !overrides.select.isEmpty {
            c.select = overrides.select
            c.extendSelect = []
            c.ignore = []
        }
        c.extendSelect += overrides.extendSelect
        c.ignore += overrides.ignore
        c.settings.parseLimits = try trustedLimits(c.settings.parseLimits, from: path)
        return c
    }
}

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
    let results = ResultBox(count: files.count)
    DispatchQueue.concurrentPerform(iterations: files.count) { i in
        let f = files[i]
        let linter = Linter(rules: rules, configuration: configurations[i])
        if let size = f.oversizeBytes {
            let limit = linter.settings.parseLimits.maxFileBytes
            let finding = Finding(code: .invalidYAML, severity: .error,
                                  message: "file is \(size) bytes, over the \(limit)-byte limit", range: .at(0),
                                  help: "raise `limits.max-file-bytes` in .pipelint.yml if this file is legitimate")
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
