/// How serious a finding is.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable, Codable {
    case info
    case warning
    case error

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// The identity of a check: a stable `PL###` code and a kebab-case name.
public struct CheckCode: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Stable identifier, e.g. `PL001`.
    public var id: String
    /// Kebab-case name, e.g. `embedded-object`.
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    /// The YAML front end could not read the file: syntax, encoding, limits, tags, duplicate keys.
    public static let invalidYAML = CheckCode(id: "PL900", name: "invalid-yaml")
    /// The YAML is fine but it is not a valid pipeline: unknown keys, wrong types, dangling references…
    public static let invalidPipeline = CheckCode(id: "PL901", name: "invalid-pipeline")

    public static func < (lhs: CheckCode, rhs: CheckCode) -> Bool { lhs.id < rhs.id }
    public var description: String { "\(id) \(name)" }
}

/// A problem found in a source file, located by byte range. Diagnostics are
/// values: the front end and the rules collect them, nothing is thrown.
public struct Diagnostic: Sendable, Hashable {
    public var code: CheckCode
    public var severity: Severity
    /// States the problem.
    public var message: String
    /// The offending token.
    public var range: SourceRange
    /// What to do about it, when there is something to say.
    public var help: String?

    public init(code: CheckCode, severity: Severity, message: String, range: SourceRange, help: String? = nil) {
        self.code = code
        self.severity = severity
        self.message = message
        self.range = range
        self.help = help
    }
}
