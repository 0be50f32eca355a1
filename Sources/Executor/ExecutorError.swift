import PipelineIR

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
    /// The message, its place and its help line.
    public var error: LocatedError
    public var location: String? { error.location }
    public var message: String { error.message }
    public var help: String? { error.help }

    public init(_ kind: Kind, _ message: String, location: String? = nil, help: String? = nil) {
        self.kind = kind
        error = LocatedError(message, location: location, help: help)
    }

    /// An error at `range` of `source`.
    public init(_ kind: Kind, _ message: String, at range: SourceRange, in source: SourceFile, help: String? = nil) {
        self.kind = kind
        error = LocatedError(message, at: range, in: source, help: help)
    }

    /// `file:line:col: error: message` plus a help line.
    public var description: String { error.description }
}
