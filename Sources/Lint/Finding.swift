import PipelineIR

/// Whether a fix may be applied without asking.
public enum Applicability: String, Sendable, Hashable, Codable {
    /// Keeps the pipeline's meaning and needs nothing outside the file.
    case safe
    /// Correct only under an assumption (a file or package on every worker, a live client): opt in with `--unsafe-fixes`.
    case unsafe
    /// Shown, never applied.
    case displayOnly = "display-only"
}

/// One byte-range replacement in the original text.
public struct Edit: Sendable, Hashable {
    public var range: SourceRange
    public var replacement: String
    public init(range: SourceRange, replacement: String) {
        self.range = range
        self.replacement = replacement
    }
    /// Inserts `text` at `offset`.
    public static func insert(_ text: String, at offset: Int) -> Edit { Edit(range: .at(offset), replacement: text) }
}

/// A fix: edits plus how safe they are, with an imperative title ("Build `mapper` inside one task").
public struct Fix: Sendable, Hashable {
    /// Imperative: what applying the fix does.
    public var title: String
    public var applicability: Applicability
    /// Byte-range edits on the text the finding was made on.
    public var edits: [Edit]
    /// The graph rewrite the edits stand for (the same decision `PlacementRewrite` takes on the IR).
    public var placements: [PlacementDecision]
    /// Why the fix is unsafe or display-only, when it is (shown by `pipelint fix --show-fixes` and in JSON).
    public var caveat: String?

    public init(title: String, applicability: Applicability, edits: [Edit], placements: [PlacementDecision] = [], caveat: String? = nil) {
        self.title = title
        self.applicability = applicability
        self.edits = edits
        self.placements = placements
        self.caveat = caveat
    }

    /// The applicability as printed after the title: `safe`, `unsafe`, `display-only`.
    public var applicabilityLabel: String { applicability.rawValue }
}

/// A problem found in one file: where, what, and what to do.
public struct Finding: Sendable, Hashable {
    public var code: CheckCode
    public var severity: Severity
    /// States the problem.
    public var message: String
    public var range: SourceRange
    /// Advice when there is no fix, or more context.
    public var help: String?
    public var fix: Fix?
    /// Other ways to fix it, applied only when asked for (`pipelint fix --prefer scatter`); never shown by `check`.
    public var alternativeFixes: [Fix] = []
    /// Names of the objects, functions, arrays and steps the finding is about
    /// (their `lint: {ignore: [...]}` suppress it).
    public var subjects: [String]
    /// Where it is in the document's structure (`steps.looked_up.args[0]`), set by the linter.
    public var yamlPath: String = ""
    /// A stable identity that survives edits elsewhere in the file: rule, YAML
    /// path and the offending token's text, hashed (baselines, SARIF, GitLab).
    public var fingerprint: String = ""

    public init(code: CheckCode, severity: Severity, message: String, range: SourceRange, help: String? = nil, fix: Fix? = nil, subjects: [String] = []) {
        self.code = code
        self.severity = severity
        self.message = message
        self.range = range
        self.help = help
        self.fix = fix
        self.subjects = subjects
    }

    /// A front-end diagnostic as a finding.
    public init(_ d: Diagnostic) {
        self.init(code: d.code, severity: d.severity, message: d.message, range: d.range, help: d.help)
    }
}
