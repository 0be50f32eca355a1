import PipelineIR
import PipelineYAML

/// The findings for one file.
public struct FileReport: Sendable {
    public var source: SourceFile
    /// Sorted by position, then rule ID.
    public var findings: [Finding]
    /// False for YAML files that are not pipelines (no top-level `pipeline:`).
    public var isPipeline: Bool

    public init(source: SourceFile, findings: [Finding], isPipeline: Bool) {
        self.source = source
        self.findings = findings
        self.isPipeline = isPipeline
    }
}

/// Runs the front end and the rules on files.
public struct Linter: Sendable {
    public var rules: [any Rule]
    public var settings: LintSettings

    public init(rules: [any Rule], settings: LintSettings = .default) {
        self.rules = rules
        self.settings = settings
    }

    /// Lints one file. Front-end problems become error findings; rules run only on valid pipelines.
    public func lint(_ source: SourceFile) -> FileReport {
        let loaded = LoadedPipeline.load(source, limits: settings.parseLimits)
        var findings = loaded.diagnostics.map(Finding.init)
        if let pipeline = loaded.pipeline, let graph = loaded.graph, !findings.contains(where: { $0.severity == .error }) {
            let ctx = RuleContext(source: source, tree: loaded.tree, pipeline: pipeline, graph: graph, settings: settings)
            for rule in rules {
                findings += rule.check(ctx).filter { !Self.isSuppressed($0, in: pipeline) }
            }
        }
        findings.sort { ($0.range.start, $0.range.end, $0.code.id, $0.message) < ($1.range.start, $1.range.end, $1.code.id, $1.message) }
        return FileReport(source: source, findings: findings, isPipeline: loaded.looksLikePipeline)
    }

    /// Whether a `lint: {ignore: [...]}` on the file or on one of the finding's subjects covers it.
    static func isSuppressed(_ f: Finding, in p: Pipeline) -> Bool {
        if p.suppressions?.ids.contains(f.code.id) == true { return true }
        for name in f.subjects {
            let s = p.object(named: name)?.suppressions ?? p.step(named: name)?.suppressions
                ?? p.function(named: name)?.suppressions ?? p.array(named: name)?.suppressions
            if s?.ids.contains(f.code.id) == true { return true }
        }
        return false
    }
}
