import PipelineIR

/// Runs passes in order with the verifier before the first and after each,
/// so a pass that breaks the graph is named instead of poisoning the next.
///
///     PassManager(passes: [PlacementRewrite(decisions: [...]), Cull()]).run(graph)
public struct PassManager: Sendable {
    public var passes: [any GraphPass]
    /// Run the verifier between passes (on by default; benchmarks may turn it off).
    public var verify: Bool

    public init(passes: [any GraphPass], verify: Bool = true) {
        self.passes = passes
        self.verify = verify
    }

    /// What one pass did.
    public struct Report: Sendable {
        public var pass: String
        public var stats: PassStats
    }

    /// A graph that failed verification: before any pass (`pass` nil) or after the named one.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var pass: String?
        public var problems: [Verifier.Problem]
        public var description: String {
            let at = pass.map { "after pass `\($0)`" } ?? "before the first pass"
            return "the graph is invalid \(at): " + problems.map(\.description).joined(separator: "; ")
        }
    }

    /// The final graph and each pass's stats, or the first verification failure.
    public func run(_ graph: Graph) -> Result<(graph: Graph, reports: [Report]), Failure> {
        if verify {
            let problems = Verifier.verify(graph)
            if !problems.isEmpty { return .failure(Failure(pass: nil, problems: problems)) }
        }
        var g = graph
        var reports: [Report] = []
        for p in passes {
            let r = p.run(g)
            if verify {
                let problems = Verifier.verify(r.graph)
                if !problems.isEmpty { return .failure(Failure(pass: p.name, problems: problems)) }
            }
            g = r.graph
            reports.append(Report(pass: p.name, stats: r.stats))
        }
        return .success((g, reports))
    }
}
