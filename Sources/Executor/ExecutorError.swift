import PipelineIR
import PipelineYAML

/// Why `run` or `compare` failed, located in the pipeline file when the cause is there.
public struct ExecutorError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure, which decides the exit status.
    public enum Kind: Sendable {
        /// The pipeline cannot run locally (a `python:` function or object).
        case refused
        /// The pipeline is invalid, or an input file is missing or malformed.
        case input
        /// A task failed.
        case task
        /// A worker went over `memory_per_worker`.
        case memory
        /// Ctrl-C.
        case cancelled
        /// Writing results failed.
        case io
        /// As-written and optimized runs gave different results.
        case mismatch
        /// A bug in pipelint (the optimizer produced a graph its verifier rejects).
        case internalError
    }

    public var kind: Kind
    /// `file:line:col`, when the cause has a place in the file.
    public var location: String?
    public var message: String
    public var help: String?

    public init(_ kind: Kind, _ message: String, location: String? = nil, help: String? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
        self.help = help
    }

    /// An error at `range` of `source`.
    public init(_ kind: Kind, _ message: String, at range: SourceRange, in source: SourceFile, help: String? = nil) {
        self.init(kind, message, location: "\(source.path):\(source.position(of: range.start))", help: help)
    }

    /// `file:line:col: error: message` plus a help line.
    public var description: String {
        // Names and paths come from the file: shown without terminal controls.
        var s = (location.map { "\($0): " } ?? "") + "error: " + message
        if let h = help { s += "\n  = help: \(h)" }
        return TerminalSafe.escape(s).replacingOccurrences(of: "\\u{A}", with: "\n")
    }
}
