import Foundation

/// Counts units of work done by the analysis, the linter and the fix engine, so a
/// test can tell linear from super-linear growth without timing anything: run the
/// same shape of input at two sizes under `WorkCounter.$current.withValue(_:)` and
/// compare the counts. With no counter installed (always, outside such tests) a
/// count costs one task-local read.
public final class WorkCounter: @unchecked Sendable {
    /// What is counted.
    public enum Kind: String, Sendable, CaseIterable {
        /// `Estimator.estimate` runs made for the rules of one file.
        case estimateRuns
        /// Object uses visited while pricing the objects of an estimate.
        case estimateUseVisits
        /// Nodes and entries inspected to find the YAML paths of findings.
        case pathProbes
        /// Finding–suppression pairs compared.
        case suppressionProbes
        /// Edit comparisons made while choosing the fixes of a round.
        case fixConflictProbes
        /// Functions and layers visited to index how objects travel (`ObjectRoutes`), and lookups in that index.
        case routeVisits
    }

    /// The counter of the current task, if a test installed one.
    @TaskLocal public static var current: WorkCounter?

    private let lock = NSLock()
    private var counts: [Kind: Int] = [:]

    /// An empty counter.
    public init() {}

    /// Adds `n` to `kind` on the installed counter, if any.
    public static func count(_ kind: Kind, _ n: Int = 1) {
        current?.add(kind, n)
    }

    /// Adds `n` to `kind`.
    public func add(_ kind: Kind, _ n: Int) {
        lock.lock()
        counts[kind, default: 0] += n
        lock.unlock()
    }

    /// The count of `kind` so far.
    public subscript(kind: Kind) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return counts[kind] ?? 0
    }
}
