import Analysis
import Foundation
import PipelineIR
import PipelineYAML

/// Analyses that several rules read, computed at most once per file, on first use:
/// the graph estimate (PL001, PL002, PL003), the index of top-level definitions
/// the fixes edit, and how objects travel (`ObjectRoutes`). One instance per
/// `RuleContext`; safe to read from any thread.
public final class SharedAnalysis: @unchecked Sendable {
    private let lock = NSLock()
    private let graph: Graph
    private let tree: SyntaxTree
    private let pipeline: Pipeline
    private let options: EstimateOptions
    private var cachedEstimate: GraphEstimate?
    private var cachedDefinitions: DefinitionIndex?
    private var cachedRoutes: ObjectRoutes?

    init(graph: Graph, tree: SyntaxTree, pipeline: Pipeline, options: EstimateOptions) {
        self.graph = graph
        self.tree = tree
        self.pipeline = pipeline
        self.options = options
    }

    /// Which function carries each object and which objects a `submit` or `map` step takes.
    public var routes: ObjectRoutes {
        lock.lock()
        defer { lock.unlock() }
        if let r = cachedRoutes { return r }
        let r = ObjectRoutes(pipeline: pipeline, graph: graph)
        cachedRoutes = r
        return r
    }

    /// `Estimator.estimate` of the file's graph with the settings' options.
    public var estimate: GraphEstimate {
        lock.lock()
        defer { lock.unlock() }
        if let e = cachedEstimate { return e }
        let e = Estimator.estimate(graph, options: options)
        cachedEstimate = e
        WorkCounter.count(.estimateRuns)
        return e
    }

    /// The entries of the top-level sections, by name.
    public var definitions: DefinitionIndex {
        lock.lock()
        defer { lock.unlock() }
        if let d = cachedDefinitions { return d }
        let d = DefinitionIndex(tree)
        cachedDefinitions = d
        return d
    }
}

/// The definitions of a pipeline's top-level sections (`objects:`, `functions:`,
/// `arrays:`, `steps:` …) indexed by name, built in one pass over the tree, so a
/// rule making one fix per definition does not scan its section for each.
public struct DefinitionIndex: Sendable {
    /// One top-level section.
    public struct Section: Sendable {
        /// The section's mapping (aliases resolved).
        public var node: NodeID
        /// Entries in the section, scalar keys or not.
        public var entryCount: Int
        /// The first entry with each scalar key.
        public var entries: [String: (key: NodeID, value: NodeID)]
        /// For each value node written in place (not through an alias), the first entry holding it.
        public var owners: [NodeID: NodeID]
        /// For each value node, the names of the entries whose value resolves to it, in file order.
        public var sharedBy: [NodeID: [String]]
    }

    /// Sections by key; the first entry wins, as a lookup in the mapping would.
    public var sections: [String: Section] = [:]

    /// Indexes `tree`'s top-level sections.
    public init(_ tree: SyntaxTree) {
        guard let root = tree.root else { return }
        for (k, v) in tree.entries(tree.resolved(root)) {
            guard let name = tree.scalar(k), sections[name] == nil else { continue }
            let node = tree.resolved(v)
            let pairs = tree.entries(node)
            var section = Section(node: node, entryCount: 0, entries: [:], owners: [:], sharedBy: [:])
            // Sized once: a section of thousands of entries would otherwise rehash each table a dozen times.
            section.entries.reserveCapacity(pairs.count)
            section.owners.reserveCapacity(pairs.count)
            section.sharedBy.reserveCapacity(pairs.count)
            for (key, value) in pairs {
                section.entryCount += 1
                if section.owners[value] == nil { section.owners[value] = key }
                guard let entryName = tree.scalar(key) else { continue }
                if section.entries[entryName] == nil { section.entries[entryName] = (key, value) }
                section.sharedBy[tree.resolved(value), default: []].append(entryName)
            }
            sections[name] = section
        }
    }
}

/// How objects travel, answered per object in O(1) where a scan of every function or
/// layer per finding would make a rule reporting one finding per object quadratic.
public struct ObjectRoutes: Sendable {
    /// For each object a function carries (`partial`, `closure`, `globals`, an instance), the
    /// first such function in file order.
    public var firstCarrier: [String: String] = [:]
    /// The objects some per-item `submit` or `map` step (format 1.1) takes as an input.
    public var reachingFutures: Set<String> = []

    /// One pass over the functions and the layers' inputs.
    public init(pipeline: Pipeline, graph: Graph) {
        var visits = 0
        for f in pipeline.functions {
            for c in f.carried where firstCarrier[c.object] == nil { firstCarrier[c.object] = f.name }
            visits += 1
        }
        for l in graph.layers {
            visits += 1
            guard let form = l.perItem?.form, form != .delayed else { continue }
            for e in l.inputs where graph[e.source].object != nil { reachingFutures.insert(graph[e.source].name) }
        }
        WorkCounter.count(.routeVisits, visits)
    }
}
