import ArgumentParser
import Executor
import Foundation
import Lint
import PipelineIR
import PipelineYAML
import Rules

/// `pipelint fix PATH...`
struct FixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "Apply fixes by editing the YAML text (comments and formatting outside each edit stay byte-for-byte).",
        discussion: """
            Safe fixes are applied; unsafe ones need --unsafe-fixes; display-only ones are never applied. \
            Files are replaced atomically; a file whose fix would break it is left unchanged. \
            Exit status: 0 nothing left to fix, 1 findings remain (with --diff: there would be changes), \
            2 usage or I/O error (the file is unchanged), 3 a fix broke a file or did not converge (the file is unchanged).
            """
    )

    @Argument(help: "Files or directories to fix (directories: *.yaml/*.yml files with a top-level `pipeline:` key).")
    var paths: [String] = ["."]

    @Flag(help: "Print a unified diff of the fixes and write nothing (exit 1 when there would be changes).")
    var diff = false

    @Flag(help: "Also apply unsafe fixes (they assume a file, a package or a live client on the workers).")
    var unsafeFixes = false

    @Flag(help: "List each applied fix.")
    var showFixes = false

    @Option(help: "Only these rules: IDs, ID prefixes or names, comma-separated or repeated (default: all).")
    var select: [String] = []

    @Option(help: "Skip these rules: IDs, ID prefixes or names.")
    var ignore: [String] = []

    @Option(help: "Configuration file (default: the nearest .pipelint.yml above each file).")
    var config: String?

    @Flag(help: "Run each pipeline before and after its fixes on small data (two chunks per dimension) and write only when the results are identical.")
    var verify = false

    @Option(help: "Placement a placement fix sets: delayed (the rules' choice) or scatter (always unsafe: needs --unsafe-fixes).")
    var prefer: PlacementChoice = .delayed

    func run() throws {
        let selection = RuleSelection(select: split(select), ignore: split(ignore))
        let unknown = selection.unknownSelectors(among: allRules.map { ($0.description.id, $0.description.name) })
        if !unknown.isEmpty {
            printError("pipelint: error: no rule matches \(unknown.map { "`\($0)`" }.joined(separator: ", ")); `pipelint rules` lists them")
            throw ExitStatus.usage
        }
        if prefer == .scatter, !unsafeFixes {
            printError("pipelint: error: scatter fixes are always unsafe (they need a live client); add `--unsafe-fixes` to `--prefer scatter`")
            throw ExitStatus.usage
        }
        let rules = allRules.filter { selection.includes(id: $0.description.id, name: $0.description.name) }.map { $0.init() }
        let engine = FixEngine(linter: Linter(rules: rules), options: FixOptions(
            unsafeFixes: unsafeFixes, preferredPlacement: prefer == .scatter ? .scatter : nil))

        var resolver = ConfigurationResolver(explicit: config, known: allRules.map { $0.description.id }, overrides: ([], [], []))
        // Collect per argument: a file may be replaced only inside the tree it was found in.
        var files: [(file: CollectedFile, root: String)] = []
        var ioError = false
        for p in paths {
            let collected = FileCollector.collect([p]) { path in
                (try? resolver.configuration(for: path))?.settings.parseLimits.maxFileBytes ?? ParseLimits.default.maxFileBytes
            }
            for e in collected.errors {
                printError("pipelint: error: \(e)")
                ioError = true
            }
            let root = isDirectory(p) ? p : (p as NSString).deletingLastPathComponent
            files += collected.files.map { ($0, root.isEmpty ? "." : root) }
        }
        // Two paths naming one file (`a.yaml ./a.yaml`, a hard link, a link): fixing it twice
        // would race with itself, so it is not fixed at all.
        var byIdentity: [FileIdentity: [String]] = [:]
        for f in files { if let id = AtomicFileWriter.identity(f.file.path) { byIdentity[id, default: []].append(f.file.path) } }
        let clashing = Set(byIdentity.values.filter { $0.count > 1 }.flatMap { $0 })
        for group in byIdentity.values where group.count > 1 {
            printError("pipelint: error: \(group.joined(separator: ", ")): these paths name the same file; it was not fixed")
            ioError = true
        }
        files.removeAll { clashing.contains($0.file.path) }
        for f in files where f.file.oversizeBytes != nil {
            printError("pipelint: error: \(f.file.path): over the file size limit; not fixed")
            ioError = true
        }
        files.removeAll { $0.file.oversizeBytes != nil }

        // Each file's configuration (severities, thresholds, per-file ignores, excludes).
        var engines: [FixEngine] = []
        var keptFiles: [(file: CollectedFile, root: String)] = []
        for f in files {
            let c: Configuration
            do { c = try resolver.configuration(for: f.file.path) } catch {
                printError("pipelint: error: \(error)")
                throw ExitStatus.usage
            }
            if f.file.fromDirectory, c.isExcluded(f.file.path) { continue }
            keptFiles.append(f)
            engines.append(FixEngine(linter: Linter(rules: rules, configuration: c), options: engine.options))
        }
        for w in resolver.warnings { printError(w) }
        files = keptFiles
        let outcomes = fixInParallel(files.map(\.file), engines: engines)
        var shown: [FileReport] = []
        var diffs = ""
        var applied: [(path: String, fix: AppliedFix)] = []
        var changedFiles = 0
        var brokenFix = false
        for (((file, root), outcome), fileEngine) in zip(zip(files, outcomes), engines) {
            let report = outcome.remaining
            if file.fromDirectory, !report.isPipeline { continue }
            if let failure = outcome.failure {
                printError("pipelint: error: \(file.path): \(failure)")
                brokenFix = true
            }
            guard outcome.changed else {
                shown.append(report)
                continue
            }
            if verify {
                let folder = URL(fileURLWithPath: file.path).deletingLastPathComponent()
                let before = LoadedPipeline.load(outcome.original)
                let after = LoadedPipeline.load(SourceFile(path: file.path, bytes: outcome.fixed))
                if let why = FixVerification.difference(original: before, fixed: after, baseDirectory: folder) {
                    printError("pipelint: error: \(file.path): not fixed: verification failed: \(why)")
                    if why.hasPrefix("output") { brokenFix = true } else { ioError = true }
                    shown.append(fileEngine.linter.lint(outcome.original))
                    continue
                }
            }
            if diff {
                diffs += UnifiedDiff.render(path: file.path, old: outcome.original.bytes, new: outcome.fixed)
            } else {
                do {
                    try AtomicFileWriter.replace(file.path, expected: outcome.original.bytes, with: outcome.fixed, root: root)
                } catch {
                    printError("pipelint: error: \(error)")
                    ioError = true
                    // Nothing was written: what is left is what was there.
                    shown.append(fileEngine.linter.lint(outcome.original))
                    continue
                }
            }
            changedFiles += 1
            applied += outcome.applied.map { (file.path, $0) }
            shown.append(report)
        }

        let fixCount = applied.count
        if diff {
            writeStandardOutput(diffs)
            var s = fixCount == 0 ? "No fixes to apply.\n"
                : "Would fix \(plural(fixCount, "finding")) in \(plural(changedFiles, "file")).\n"
            s = invalidFileErrors(shown) + (showFixes ? listing(applied, verb: "Would apply") : "") + s
            FileHandle.standardError.write(Data(s.utf8))
        } else {
            var out = shown.map { TextReporter().render($0) }.joined()
            if showFixes { out += listing(applied, verb: "Applied") }
            // Information findings (notes about a fixed object, say) are shown but are not "left to fix".
            let remaining = shown.reduce(0) { $0 + $1.findings.filter { $0.severity >= .warning }.count }
            out += fixCount == 0 ? "No fixes applied" : "Fixed \(plural(fixCount, "finding")) in \(plural(changedFiles, "file"))"
            out += remaining == 0 ? "; nothing left.\n" : "; \(remaining) remaining.\n"
            let hidden = shown.flatMap(\.findings).filter { $0.fix.map { !$0.edits.isEmpty && $0.applicability == .unsafe } ?? false }.count
            if hidden > 0, !unsafeFixes { out += "\(plural(hidden, "more fix", "more fixes")) available with `--unsafe-fixes`.\n" }
            writeStandardOutput(out)
        }
        if brokenFix { throw ExitStatus(code: 3) }
        if ioError { throw ExitStatus.usage }
        if diff {
            if changedFiles > 0 || !invalidFileErrors(shown).isEmpty { throw ExitStatus.findings }
        } else if shown.contains(where: { $0.findings.contains { $0.severity >= .warning } }) {
            throw ExitStatus.findings
        }
    }

    func listing(_ applied: [(path: String, fix: AppliedFix)], verb: String) -> String {
        guard !applied.isEmpty else { return "" }
        var s = "\(verb) fixes:\n"
        for a in applied {
            s += "  \(a.path):\(a.fix.position.line):\(a.fix.position.column): \(a.fix.code.id) \(a.fix.fix.title) (\(a.fix.fix.applicabilityLabel))\n"
            if let c = a.fix.fix.caveat { s += "      note: \(c)\n" }
        }
        return s
    }

    func split(_ xs: [String]) -> [String] {
        xs.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
    }

    func isDirectory(_ p: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: p, isDirectory: &d) && d.boolValue
    }
}

/// `--prefer`
enum PlacementChoice: String, ExpressibleByArgument, CaseIterable {
    case delayed, scatter
}

/// "1 finding", "2 findings".
func plural(_ n: Int, _ one: String, _ many: String? = nil) -> String {
    "\(n) \(n == 1 ? one : (many ?? one + "s"))"
}

/// Fixes files on all cores; the result order is the input order.
func fixInParallel(_ files: [CollectedFile], engines: [FixEngine]) -> [FixOutcome] {
    let box = OutcomeBox(count: files.count)
    DispatchQueue.concurrentPerform(iterations: files.count) { i in
        box.set(i, engines[i].fix(files[i].source))
    }
    return box.values()
}

/// Slots written by concurrent workers, each slot once.
final class OutcomeBox: @unchecked Sendable {
    private var slots: [FixOutcome?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: FixOutcome) {
        lock.lock()
        slots[i] = r
        lock.unlock()
    }
    func values() -> [FixOutcome] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
