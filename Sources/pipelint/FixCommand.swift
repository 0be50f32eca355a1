import ArgumentParser
import Driver
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
            Files are replaced atomically; a file whose fix would break it is left unchanged.
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

    @Option(help: "Rules to fix instead of the configured ones: IDs, ID prefixes, names or ALL (comma-separated, repeatable).")
    var select: [String] = []

    @Option(help: "Rules to fix in addition: IDs, ID prefixes, names or ALL (comma-separated, repeatable).")
    var extendSelect: [String] = []

    @Option(help: "Rules not to fix: IDs, ID prefixes, names or ALL (comma-separated, repeatable).")
    var ignore: [String] = []

    @Option(help: "Configuration file (default: the nearest .pipelint.yml above each file).")
    var config: String?

    @Flag(help: "Run each pipeline before and after its fixes on small data (two chunks per dimension) and write only when the results are identical.")
    var verify = false

    @Option(help: "Placement a placement fix sets: delayed (the rules' choice) or scatter (always unsafe: needs --unsafe-fixes).")
    var prefer: PlacementChoice = .delayed

    @OptionGroup(title: "Verification engine (--verify)") var engineOptions: EngineOptions

    @Flag(name: .customLong("no-ignore"), help: "Do not skip what `.gitignore` and `.ignore` files list in directory scans.")
    var noIgnore = false

    @OptionGroup var exclusion: ForceExcludeOption

    /// A file to fix, the folder it may be replaced in, and its engine (its configuration).
    struct Job {
        var file: CollectedFile
        var root: String
        var engine: FixEngine
    }

    /// One file's fix and, when the file was written in the parallel pass, how that went:
    /// the folder it was renamed in (still to be synced), or why nothing was written.
    struct Fixed {
        var outcome: FixOutcome
        var written: Result<String, Lint.FileWriteError>?
    }

    /// What the files' fixes came to.
    struct Results {
        var shown: [FileReport] = []
        var diffs = ""
        var applied: [(path: String, fix: AppliedFix)] = []
        var changedFiles = 0
        var brokenFix = false
        var ioError = false
    }

    func run() throws {
        if prefer == .scatter, !unsafeFixes {
            printError("pipelint: error: scatter fixes are always unsafe (they need a live client); add `--unsafe-fixes` to `--prefer scatter`")
            throw ExitStatus.usage
        }
        var resolver = ConfigurationResolver(explicit: config, known: allRules.map { $0.description.id },
                                             overrides: try ruleOverrides(select: select, extendSelect: extendSelect, ignore: ignore))
        var results = Results()
        let jobs = try jobs(targets(&resolver, &results), &resolver)
        // Without --diff or --verify, the changed files are written many at a time (the fsyncs
        // overlap); the folders are synced once each before anything is reported.
        let fixed = fixInParallel(jobs, writing: !diff && !verify)
        AtomicFileWriter.syncFolders(fixed.compactMap { f in f.written.flatMap { try? $0.get() } })
        for (job, f) in zip(jobs, fixed) { settle(job, f.outcome, written: f.written, into: &results) }
        if results.shown.isEmpty, !results.ioError, !results.brokenFix { DirectoryScan.warnNothingFound(paths) }
        // A run that could not read what it was given does not claim there is nothing left.
        if !(results.ioError && results.shown.isEmpty) { report(results) }
        if results.brokenFix { throw ExitStatus(code: 3) }
        if results.ioError { throw ExitStatus.usage }
        if diff {
            if results.changedFiles > 0 || !invalidFileErrors(results.shown).isEmpty { throw ExitStatus.findings }
        } else if results.shown.contains(where: { $0.findings.contains { $0.severity >= .warning } }) {
            throw ExitStatus.findings
        }
    }

    /// The files to fix, each with the folder it was found in (a file may be replaced only inside
    /// that tree); paths naming one file twice and files over the size limit are dropped.
    func targets(_ resolver: inout ConfigurationResolver, _ results: inout Results) -> [(file: CollectedFile, root: String)] {
        var files: [(file: CollectedFile, root: String)] = []
        let ignoreFiles = IgnoreFiles()
        for p in paths {
            let collected = FileCollector.collect([p], ignores: noIgnore ? nil : ignoreFiles) { path in
                (try? resolver.configuration(for: path))?.settings.parseLimits.maxFileBytes ?? ParseLimits.default.maxFileBytes
            }
            for e in collected.errors {
                printError("pipelint: error: \(e)")
                results.ioError = true
            }
            let slash = p.lastIndex(of: "/")
            let root = isDirectory(p) ? p : slash == p.startIndex ? "/" : String(p[..<(slash ?? p.startIndex)])
            files += exclusion.apply(collected.files).map { ($0, root.isEmpty ? "." : root) }
        }
        // Two paths naming one file (`a.yaml ./a.yaml`, a hard link, a link): fixing it twice
        // would race with itself, so it is not fixed at all.
        var byIdentity: [FileIdentity: [String]] = [:]
        for f in files { if let id = AtomicFileWriter.identity(f.file.path) { byIdentity[id, default: []].append(f.file.path) } }
        let clashing = Set(byIdentity.values.filter { $0.count > 1 }.flatMap { $0 })
        for group in byIdentity.values where group.count > 1 {
            printError("pipelint: error: \(group.joined(separator: ", ")): these paths name the same file; it was not fixed")
            results.ioError = true
        }
        files.removeAll { clashing.contains($0.file.path) }
        for f in files where f.file.oversizeBytes != nil {
            printError("pipelint: error: \(f.file.path): over the file size limit; not fixed")
            results.ioError = true
        }
        return files.filter { $0.file.oversizeBytes == nil }
    }

    /// One engine per file, with the file's configuration (rule selection, severities, thresholds,
    /// per-file ignores); files a directory scan found and the configuration excludes are dropped.
    func jobs(_ files: [(file: CollectedFile, root: String)], _ resolver: inout ConfigurationResolver) throws -> [Job] {
        let rules = makeAllRules()
        let options = FixOptions(unsafeFixes: unsafeFixes, preferredPlacement: prefer == .scatter ? .scatter : nil)
        var jobs: [Job] = []
        for f in files {
            let c: Configuration
            do { c = try resolver.configuration(for: f.file.path) } catch {
                printError("pipelint: error: \(error)")
                throw ExitStatus.usage
            }
            if f.file.fromDirectory, c.isExcluded(f.file.path) { continue }
            jobs.append(Job(file: f.file, root: f.root, engine: FixEngine(linter: Linter(rules: rules, configuration: c), options: options)))
        }
        for w in resolver.warnings { printError(w) }
        return jobs
    }

    /// Whether the file is reported on at all: a file a directory scan found is only when it is a pipeline.
    static func isReported(_ job: Job, _ outcome: FixOutcome) -> Bool {
        !job.file.fromDirectory || DirectoryScan.keeps(outcome.remaining, limits: job.engine.linter.settings.parseLimits)
    }

    /// Verifies (with --verify), then writes the fixed file (unless `written` says how its
    /// write went already) or adds its diff; what is left is shown.
    func settle(_ job: Job, _ outcome: FixOutcome, written: Result<String, Lint.FileWriteError>? = nil, into results: inout Results) {
        let file = job.file
        guard Self.isReported(job, outcome) else { return }
        if let failure = outcome.failure {
            printError("pipelint: error: \(file.path): \(failure)")
            results.brokenFix = true
        }
        guard outcome.changed else {
            results.shown.append(outcome.remaining)
            return
        }
        if verify, let why = verification(file.path, outcome) {
            printError("pipelint: error: \(file.path): not fixed: verification failed: \(why)")
            if why.hasPrefix("output") { results.brokenFix = true } else { results.ioError = true }
            results.shown.append(job.engine.linter.lint(outcome.original))
            return
        }
        if diff {
            results.diffs += UnifiedDiff.render(path: file.path, old: outcome.original.bytes, new: outcome.fixed)
        } else {
            do throws(Lint.FileWriteError) {
                if let written { _ = try written.get() } else {
                    try AtomicFileWriter.replace(file.path, expected: outcome.original.bytes, with: outcome.fixed, root: job.root)
                }
            } catch {
                printError("pipelint: error: \(error)")
                results.ioError = true
                // Nothing was written: what is left is what was there.
                results.shown.append(job.engine.linter.lint(outcome.original))
                return
            }
        }
        results.changedFiles += 1
        results.applied += outcome.applied.map { (file.path, $0) }
        results.shown.append(outcome.remaining)
    }

    /// Nil when the file runs to the same results before and after its fixes, on small data.
    func verification(_ path: String, _ outcome: FixOutcome) -> String? {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let before = LoadedPipeline.load(outcome.original)
        let after = LoadedPipeline.load(SourceFile(path: path, bytes: outcome.fixed))
        guard let a = before.pipeline, let b = after.pipeline, let graph = before.graph else { return "the pipeline is invalid" }
        guard let engine = try? engineOptions.resolve(graph, before.source) else { return "the engine options are invalid" }
        if engine == .dask {
            return DaskVerification.difference(original: a, in: before.source, fixed: b, in: after.source, folder: folder, options: engineOptions)
        }
        return FixVerification.difference(original: a, in: before.source, fixed: b, in: after.source, baseDirectory: folder)
    }

    /// The diff or the remaining findings, and the summary lines.
    func report(_ r: Results) {
        let fixCount = r.applied.count
        // Fixes left out because they are unsafe: said after the diff or the summary.
        let hidden = r.shown.flatMap(\.findings).filter { $0.fix.map { !$0.edits.isEmpty && $0.applicability == .unsafe } ?? false }.count
        let hint = hidden > 0 && !unsafeFixes ? "\(plural(hidden, "more fix", "more fixes")) available with `--unsafe-fixes`.\n" : ""
        if diff {
            writeStandardOutput(r.diffs)
            var s = fixCount == 0 ? "No fixes to apply.\n"
                : "Would fix \(plural(fixCount, "finding")) in \(plural(r.changedFiles, "file")).\n"
            s = invalidFileErrors(r.shown) + (showFixes ? listing(r.applied, verb: "Would apply") : "") + s
            FileHandle.standardError.write(Data((s + hint).utf8))
            return
        }
        var out = r.shown.map { TextReporter().render($0) }.joined()
        if showFixes { out += listing(r.applied, verb: "Applied") }
        // Information findings (notes about a fixed object, say) are shown but are not "left to fix".
        let remaining = r.shown.reduce(0) { $0 + $1.findings.filter { $0.severity >= .warning }.count }
        out += fixCount == 0 ? "No fixes applied" : "Fixed \(plural(fixCount, "finding")) in \(plural(r.changedFiles, "file"))"
        out += remaining == 0 ? "; nothing left.\n" : "; \(remaining) remaining.\n"
        writeStandardOutput(out + hint)
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

/// Fixes files on all cores; the result order is the input order. With `writing`, each changed
/// file that is reported on is then written, atomically and compared against what was read
/// (`AtomicFileWriter`), its folder left to sync. Writing waits on the disk (an fsync per
/// file), not the processor, so it runs on more threads than cores: the file system commits
/// the writes in flight together instead of one journal commit after another.
func fixInParallel(_ jobs: [FixCommand.Job], writing: Bool) -> [FixCommand.Fixed] {
    let outcomes = parallelMap(jobs.count) { i in jobs[i].engine.fix(jobs[i].file.source) }
    guard writing else { return outcomes.map { FixCommand.Fixed(outcome: $0, written: nil) } }
    let toWrite = jobs.indices.filter { outcomes[$0].changed && FixCommand.isReported(jobs[$0], outcomes[$0]) }
    let results = blockingParallelMap(toWrite.count, width: 16) { k -> Result<String, Lint.FileWriteError> in
        let (job, outcome) = (jobs[toWrite[k]], outcomes[toWrite[k]])
        do throws(Lint.FileWriteError) {
            return .success(try AtomicFileWriter.replaceSyncingFolderLater(job.file.path, expected: outcome.original.bytes, with: outcome.fixed, root: job.root))
        } catch {
            return .failure(error)
        }
    }
    var fixed = outcomes.map { FixCommand.Fixed(outcome: $0, written: nil) }
    for (k, i) in toWrite.enumerated() { fixed[i].written = results[k] }
    return fixed
}

/// `body(0..<count)` on up to `width` threads, for work that blocks in system calls rather
/// than computes; the results in index order.
func blockingParallelMap<T: Sendable>(_ count: Int, width: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    if count <= 1 { return count == 1 ? [body(0)] : [] }
    let shared = BlockingSlots<T>(count)
    let group = DispatchGroup()
    for _ in 0..<min(width, count) {
        group.enter()
        Thread {
            while true {
                shared.lock.lock()
                let i = shared.next
                shared.next += 1
                shared.lock.unlock()
                guard i < count else { break }
                let value = body(i)
                shared.lock.lock()
                shared.slots[i] = value
                shared.lock.unlock()
            }
            group.leave()
        }.start()
    }
    group.wait()
    return shared.slots.map { $0! }
}

/// The next index to take and the results of `blockingParallelMap`, under one lock.
private final class BlockingSlots<T: Sendable>: @unchecked Sendable {
    let lock = NSLock()
    var next = 0
    var slots: [T?]
    init(_ count: Int) { slots = Array(repeating: nil, count: count) }
}
