import Analysis
import PipelineIR
import PipelineYAML

/// The findings for one file.
public struct FileReport: Sendable {
    public var source: SourceFile
    /// Sorted by position, then rule ID.
    public var findings: [Finding]
    /// False for YAML files that are not pipelines (no top-level `pipeline:`).
    public var isPipeline: Bool
    /// Problems that are the user's setup rather than the file's content
    /// (an unknown rule ID in a suppression): reported and exit status 2.
    public var problems: [String]

    public init(source: SourceFile, findings: [Finding], isPipeline: Bool, problems: [String] = []) {
        self.source = source
        self.findings = findings
        self.isPipeline = isPipeline
        self.problems = problems
    }
}

/// Runs the front end and the rules on files.
public struct Linter: Sendable {
    /// Every rule the linter knows; the configuration decides which run.
    public var rules: [any Rule]
    public var configuration: Configuration
    public var settings: LintSettings { configuration.settings }
    /// Where rules look for the files a pipeline names.
    public var files: FileLookup = .disk

    public init(rules: [any Rule], settings: LintSettings = .default) {
        self.rules = rules
        var c = Configuration()
        c.settings = settings
        self.configuration = c
    }

    public init(rules: [any Rule], configuration: Configuration) {
        self.rules = rules
        self.configuration = configuration
    }

    /// IDs of every known rule (for validating suppressions).
    public var knownRuleIDs: Set<String> {
        Set(rules.map { type(of: $0).description.id } + [CheckCode.invalidYAML.id, CheckCode.invalidPipeline.id])
    }

    /// Lints one file. Front-end problems become error findings (never
    /// suppressed); rules run only on valid pipelines; then suppressions,
    /// configured severities, and the findings about suppressions themselves.
    public func lint(_ source: SourceFile) -> FileReport { analyse(source).report }

    /// What `lint` computes on the way to the report, kept for callers that read the model
    /// too (the language server): one front-end run and one estimate serve both.
    public struct Analysis: Sendable {
        public var report: FileReport
        public var loaded: LoadedPipeline
        /// The rules' context, when the text is a valid pipeline (its estimate already computed
        /// when a rule asked for it).
        public var context: RuleContext?
    }

    /// Lints one file (as `lint`) and returns the model and rule context with the report;
    /// `sizes` remembers object sizes from one version of the text to the next (an editor's).
    public func analyse(_ source: SourceFile, sizes: ObjectSizeMemo? = nil) -> Analysis {
        finish(begin(source, rules: { _ in true }, sizes: sizes))
    }

    /// A lint run up to the front end and some of the rules (`begin`); `finish` runs the
    /// others on the same front end and rule context and gives exactly `analyse`'s result,
    /// so a caller that only needs some rules' findings (the fix loop) does not pay for all.
    public struct Staged: Sendable {
        public var source: SourceFile
        public var loaded: LoadedPipeline
        /// The rules' context, when the text is a valid pipeline.
        public var context: RuleContext?
        /// The front end's problems as findings.
        var diagnostics: [Finding]
        /// Each rule's findings, in `rules` order; nil for a rule not run yet.
        var byRule: [[Finding]?]
        /// What `screen` found so far: the file's suppressions, and the findings of the rules
        /// already screened with the suppressed ones removed and which suppressions that used.
        var screening: Screening?
    }

    /// The rules' findings with the suppressed ones removed, kept between `findingsSoFar` and
    /// `finish`: suppressing is decided finding by finding, so the rules screened once are not
    /// screened again, and the file's suppressions are scanned once.
    struct Screening: Sendable {
        var suppressions: [Suppression]
        var index: SuppressionIndex
        var screened: [Bool]
        var kept: [Finding] = []
        var used = Set<SuppressionIndex.Use>()
    }

    /// Screens the findings of the rules run since the last call (see `Screening`).
    func screen(_ staged: inout Staged) {
        guard let ctx = staged.context else { return }
        var s = staged.screening ?? {
            let all = suppressions(ctx)
            return Screening(suppressions: all, index: SuppressionIndex(all), screened: Array(repeating: false, count: rules.count))
        }()
        var new: [Finding] = []
        for (i, findings) in staged.byRule.enumerated() where !s.screened[i] {
            guard let findings else { continue }
            new += findings
            s.screened[i] = true
        }
        s.used.formUnion(s.index.apply(to: &new, source: ctx.source))
        s.kept += new
        staged.screening = s
    }

    /// Runs the front end and, on a valid pipeline, the enabled rules `run` selects; `sizes`
    /// remembers object sizes from one text to the next (the fix loop's rounds).
    public func begin(_ source: SourceFile, rules run: (any Rule) -> Bool, sizes: ObjectSizeMemo? = nil) -> Staged {
        let loaded = LoadedPipeline.load(source, limits: settings.parseLimits)
        let diagnostics = loaded.diagnostics.map(Finding.init)
        var staged = Staged(source: source, loaded: loaded, context: nil, diagnostics: diagnostics, byRule: Array(repeating: nil, count: rules.count))
        if let pipeline = loaded.pipeline, let graph = loaded.graph, !diagnostics.contains(where: { $0.severity == .error }) {
            let ctx = RuleContext(source: source, tree: loaded.tree, pipeline: pipeline, graph: graph, settings: settings, files: files, sizes: sizes)
            staged.context = ctx
            runRules(ctx, into: &staged.byRule, where: run)
        }
        return staged
    }

    /// The findings of `begin`'s rules as `lint` would report them, less what only the whole
    /// report has (findings about suppressions, YAML paths and fingerprints): the front end's
    /// findings, then the rules' run so far, suppressed, with the configured severities, in
    /// `lint`'s order.
    public func findingsSoFar(_ staged: inout Staged) -> [Finding] {
        screen(&staged)
        var findings = staged.diagnostics
        findings += staged.screening?.kept ?? []
        for i in findings.indices {
            if let s = configuration.severities[findings[i].code.id] { findings[i].severity = s }
        }
        findings.sort(by: Self.reportOrder)
        return findings
    }

    /// Runs the rules `begin` left out and assembles the report, exactly as `analyse` does.
    public func finish(_ staged: Staged) -> Analysis {
        var staged = staged
        let (source, loaded) = (staged.source, staged.loaded)
        var findings = staged.diagnostics
        var problems: [String] = []
        if let ctx = staged.context {
            runRules(ctx, into: &staged.byRule) { _ in true }
            screen(&staged)
            if let s = staged.screening {
                findings += s.kept
                findings += suppressionFindings(s.suppressions, used: s.used, source: source, problems: &problems)
            }
        }
        // One path finder for the file: each finding's YAML path is a few binary searches.
        var paths = YAMLPathFinder(loaded.tree)
        for i in findings.indices {
            if let s = configuration.severities[findings[i].code.id] { findings[i].severity = s }
            Identity.assign(&findings[i], paths: &paths, source: source)
        }
        WorkCounter.count(.pathProbes, paths.probes)
        findings.sort(by: Self.reportOrder)
        let report = FileReport(source: source, findings: findings, isPipeline: loaded.looksLikePipeline, problems: problems)
        return Analysis(report: report, loaded: loaded, context: staged.context)
    }

    /// The report's order: by position, then rule ID and message.
    static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
        (a.range.start, a.range.end, a.code.id, a.message) < (b.range.start, b.range.end, b.code.id, b.message)
    }

    /// The suppressions written in the file: in its data (`lint: {ignore: …}`), then in comments.
    func suppressions(_ ctx: RuleContext) -> [Suppression] {
        SuppressionScanner.data(in: ctx.pipeline, tree: ctx.tree) + SuppressionScanner.comments(in: ctx.tree, source: ctx.source)
    }

    /// Runs each enabled rule `run` selects that has not run yet, keeping its findings in its slot.
    func runRules(_ ctx: RuleContext, into byRule: inout [[Finding]?], where run: (any Rule) -> Bool) {
        for (i, rule) in rules.enumerated() where byRule[i] == nil && run(rule) {
            byRule[i] = configuration.isEnabled(type(of: rule).description.id, for: ctx.source.path) ? rule.check(ctx) : []
        }
    }

    /// Unused suppressions, suppressions without a reason, and unknown IDs (the last are problems: exit 2).
    func suppressionFindings(_ suppressions: [Suppression], used: Set<SuppressionIndex.Use>, source: SourceFile, problems: inout [String]) -> [Finding] {
        var out: [Finding] = []
        let known = knownRuleIDs
        let reportUnused = configuration.isEnabled(CheckCode.unusedSuppression.id, for: source.path) && rules.contains { type(of: $0).description.id == CheckCode.unusedSuppression.id }
        let reportReason = configuration.isEnabled(CheckCode.suppressionWithoutReason.id, for: source.path) && rules.contains { type(of: $0).description.id == CheckCode.suppressionWithoutReason.id }
        for (i, s) in suppressions.enumerated() {
            for (id, range) in zip(s.ids, s.idRanges) {
                if !known.contains(id) {
                    let p = source.position(of: range.start)
                    problems.append("\(source.path):\(p.line):\(p.column): unknown rule ID `\(id)` in a suppression; `pipelint rules` lists them")
                    continue
                }
                if reportUnused, configuration.isEnabled(id, for: source.path), !used.contains(SuppressionIndex.Use(suppression: i, id: id)) {
                    out.append(Finding(code: .unusedSuppression, severity: .warning,
                                       message: "suppression of \(id) suppresses nothing here",
                                       range: range, help: "remove `\(id)` from the suppression"))
                }
            }
            if reportReason, s.reason?.isEmpty ?? true, !s.ids.isEmpty {
                let how = { if case .line = s.scope { return "write it after the brackets: `# pipelint: ignore[\(s.ids.joined(separator: ", "))] why`" } else { return "add `reason: ...` next to `ignore`" } }()
                out.append(Finding(code: .suppressionWithoutReason, severity: .warning,
                                   message: "suppression of \(s.ids.joined(separator: ", ")) gives no reason",
                                   range: s.range, help: "say why the finding does not apply: \(how)"))
            }
        }
        return out
    }
}
