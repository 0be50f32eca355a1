import Foundation
import JSONRPC
import Lint
import PipelineIR
import PipelineYAML

/// What the server knows about one version of a document: `check`'s report with the
/// file's configuration, the front end's model and the name index. Immutable; built
/// off the server's queue and read by every feature.
public final class DocumentAnalysis: Sendable {
    public let uri: String
    public let version: Int
    public let source: SourceFile
    /// The findings, exactly as `pipelint check` reports them for this text.
    public let report: FileReport
    /// The linter with the file's configuration (for fixes).
    public let linter: Linter
    /// The model and graph, when the text is a valid pipeline.
    public let loaded: LoadedPipeline
    public let index: SymbolIndex?
    /// Rule context over the model: its estimate is computed once, on first use (hover).
    public let context: RuleContext?
    /// The configuration file's problem, when it could not be read (the defaults apply).
    public let configurationProblem: String?

    /// Lints `document` with `configuration` and indexes its names.
    public init(_ document: TextDocument, configuration: Configuration, configurationProblem: String? = nil, rules: [any Rule]) {
        uri = document.uri
        version = document.version
        source = document.source
        linter = Linter(rules: rules, configuration: configuration)
        // The model for navigation is read on the other core while the linter runs.
        let limits = configuration.settings.parseLimits
        let source = source
        let box = LoadedBox()
        let group = DispatchGroup()
        DispatchQueue.global(qos: .userInitiated).async(group: group) { box.set(LoadedPipeline.load(source, limits: limits)) }
        report = linter.lint(source)
        group.wait()
        loaded = box.get() ?? LoadedPipeline.load(source, limits: limits)
        if let p = loaded.pipeline, let g = loaded.graph, !loaded.diagnostics.contains(where: { $0.severity == .error }) {
            index = SymbolIndex(p, source: source)
            context = RuleContext(source: source, tree: loaded.tree, pipeline: p, graph: g, settings: configuration.settings, files: linter.files)
        } else {
            index = nil
            context = nil
        }
        self.configurationProblem = configurationProblem
    }

    /// The findings whose range meets `range` (an empty range at a finding's edge counts).
    public func findings(meeting range: SourceRange) -> [Finding] {
        report.findings.filter { $0.range.start <= range.end && range.start <= $0.range.end }
    }
}

/// The front end's result handed from the thread that computed it.
final class LoadedBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: LoadedPipeline?
    func set(_ v: LoadedPipeline) {
        lock.lock()
        value = v
        lock.unlock()
    }
    func get() -> LoadedPipeline? {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
}
