import Analysis
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

    /// Lints `document` with `configuration` and indexes its names; `sizes` holds the object
    /// sizes of the document's earlier versions (its objects unchanged since are not sized again).
    public init(_ document: TextDocument, configuration: Configuration, configurationProblem: String? = nil, rules: [any Rule],
                sizes: ObjectSizeMemo? = nil) {
        uri = document.uri
        version = document.version
        source = document.source
        linter = Linter(rules: rules, configuration: configuration)
        // One front-end run and one estimate serve the diagnostics, navigation and hover.
        let analysis = linter.analyse(source, sizes: sizes)
        sizes?.forgetUnused()
        report = analysis.report
        loaded = analysis.loaded
        context = analysis.context
        let text = document.source
        index = analysis.context.map { SymbolIndex($0.pipeline, source: text) }
        self.configurationProblem = configurationProblem
    }

    /// The findings whose range meets `range` (an empty range at a finding's edge counts).
    public func findings(meeting range: SourceRange) -> [Finding] {
        report.findings.filter { $0.range.start <= range.end && range.start <= $0.range.end }
    }
}
