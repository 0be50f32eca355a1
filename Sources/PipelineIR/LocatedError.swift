/// A failure of a back end (the executor, the exporter) with its place in the
/// pipeline file when the cause has one, printed as `file:line:col: error: …`.
public struct LocatedError: Error, Sendable, CustomStringConvertible {
    /// `file:line:col`, when the cause has a place in the file.
    public var location: String?
    public var message: String
    public var help: String?

    public init(_ message: String, location: String? = nil, help: String? = nil) {
        self.message = message
        self.location = location
        self.help = help
    }

    /// An error at `range` of `source`.
    public init(_ message: String, at range: SourceRange, in source: SourceFile, help: String? = nil) {
        self.init(message, location: "\(source.path):\(source.position(of: range.start))", help: help)
    }

    /// `file:line:col: error: message` plus a help line. Names and paths come from the file:
    /// shown without terminal controls.
    public var description: String {
        var s = (location.map { "\($0): " } ?? "") + "error: " + message
        if let h = help { s += "\n  = help: \(h)" }
        return TerminalSafe.escape(s).replacing("\\u{A}", with: "\n")
    }
}
