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
    public var title: String
    public var applicability: Applicability
    public var edits: [Edit]
    public init(title: String, applicability: Applicability, edits: [Edit]) {
        self.title = title
        self.applicability = applicability
        self.edits = edits
    }
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
    /// Names of the objects, functions, arrays and steps the finding is about
    /// (their `lint: {ignore: [...]}` suppress it).
    public var subjects: [String]

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
