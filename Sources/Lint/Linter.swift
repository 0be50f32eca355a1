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

    /// Lints one file (as `lint`) and returns the model and rule context with the report.
    public func analyse(_ source: SourceFile) -> Analysis {
        let loaded = LoadedPipeline.load(source, limits: settings.parseLimits)
        var findings = loaded.diagnostics.map(Finding.init)
        var problems: [String] = []
        var context: RuleContext?
        if let pipeline = loaded.pipeline, let graph = loaded.graph, !findings.contains(where: { $0.severity == .error }) {
            let ctx = RuleContext(source: source, tree: loaded.tree, pipeline: pipeline, graph: graph, settings: settings, files: files)
            context = ctx
            var ruleFindings = runRules(ctx)
            let suppressions = SuppressionScanner.data(in: pipeline, tree: loaded.tree) + SuppressionScanner.comments(in: loaded.tree, source: source)
            let used = SuppressionIndex(suppressions).apply(to: &ruleFindings, source: source)
            findings += ruleFindings
            findings += suppressionFindings(suppressions, used: used, source: source, problems: &problems)
        }
        // One path finder for the file: each finding's YAML path is a few binary searches.
        var paths = YAMLPathFinder(loaded.tree)
        for i in findings.indices {
            if let s = configuration.severities[findings[i].code.id] { findings[i].severity = s }
            Identity.assign(&findings[i], paths: &paths, source: source)
        }
        WorkCounter.count(.pathProbes, paths.probes)
        findings.sort { ($0.range.start, $0.range.end, $0.code.id, $0.message) < ($1.range.start, $1.range.end, $1.code.id, $1.message) }
        let report = FileReport(source: source, findings: findings, isPipeline: loaded.looksLikePipeline, problems: problems)
        return Analysis(report: report, loaded: loaded, context: context)
    }

    /// The findings of the rules the configuration enables for the file, in rule order.
    func runRules(_ ctx: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for rule in rules where configuration.isEnabled(type(of: rule).description.id, for: ctx.source.path) {
            out += rule.check(ctx)
        }
        return out
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
