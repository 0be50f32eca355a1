import PipelineIR

/// A named, pure pass over the graph IR: a graph in, a new graph and what it
/// did out. Passes never see text or files (MLIR/XLA-style pass pipelines).
public protocol GraphPass: Sendable {
    /// A stable name for reports and verifier errors (`placement-rewrite`, `cull`).
    var name: String { get }
    /// Runs the pass. It must not mutate shared state: same input, same output.
    func run(_ graph: Graph) -> PassResult
}

/// The output of one pass.
public struct PassResult: Sendable {
    public var graph: Graph
    public var stats: PassStats
    public init(graph: Graph, stats: PassStats) {
        self.graph = graph
        self.stats = stats
    }
}

/// What a pass did, as named counters in the order the pass reports them.
public struct PassStats: Sendable, Hashable, CustomStringConvertible {
    /// One counter.
    public struct Counter: Sendable, Hashable {
        public var name: String
        public var value: Int
        public init(name: String, value: Int) {
            self.name = name
            self.value = value
        }
    }
    public var counters: [Counter]
    public init(_ counters: [Counter] = []) { self.counters = counters }

    /// The value of a counter (0 when the pass did not report it).
    public subscript(name: String) -> Int { counters.first { $0.name == name }?.value ?? 0 }

    public var description: String { counters.map { "\($0.name)=\($0.value)" }.joined(separator: " ") }
}
