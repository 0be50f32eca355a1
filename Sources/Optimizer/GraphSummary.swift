import PipelineIR

/// What a graph means, without where it was written: layers in order with
/// their kind, placement, grid, dtype, output and inputs (by name, role and
/// field path). Two graphs from texts that differ only in formatting or in an
/// added key have equal summaries up to that key's effect; tests compare
/// "fix the text, then lower" with "lower, then rewrite" this way.
public struct GraphSummary: Sendable, Hashable, CustomStringConvertible {
    /// One layer.
    public struct Layer: Sendable, Hashable {
        public var name: String
        /// `object`, `array`, `map_blocks f`, `reduce sum/8`, `rechunk`.
        public var kind: String
        /// Objects only.
        public var placement: Placement?
        public var grid: ChunkGrid
        public var dtype: NumericType?
        public var taskCount: Int
        public var output: OutputKind?
        public var inputs: [Input]
    }

    /// One edge.
    public struct Input: Sendable, Hashable {
        public var source: String
        public var role: Graph.EdgeRole
        public var path: FieldPath
    }

    public var layers: [Layer]

    public init(_ g: Graph) {
        layers = g.layers.map { l in
            let kind: String
            var placement: Placement?
            switch l.kind {
            case .object(let o):
                kind = "object \(o.recipe.kindName)"
                placement = o.placement
            case .array: kind = "array"
            case .frame: kind = "dataframe"
            case .mapBlocks(let c): kind = "\(l.frame != nil ? "map_partitions" : "map_blocks") \(c?.function.name ?? "?")"
            case .reduce(let r, let split): kind = "reduce \(r.rawValue)/\(split)"
            case .rechunk: kind = "rechunk"
            case .merge(let m): kind = "merge \(m.how.rawValue) on \(m.on)"
            case .rows(let op): kind = op.keyword
            case .groupby(let gb): kind = "groupby \(gb.key.name) sum \(gb.value.name)/\(gb.splitEvery)"
            }
            let inputs = l.inputs.map { e in
                Input(source: e.source.index < g.layers.count ? g[e.source].name : "\(e.source)", role: e.role, path: e.path)
            }
            return Layer(name: l.name, kind: kind, placement: placement, grid: l.grid, dtype: l.dtype,
                         taskCount: l.taskCount, output: l.output, inputs: inputs)
        }
    }

    /// The placements of the objects, by name.
    public var placements: [String: Placement] {
        Dictionary(layers.compactMap { l in l.placement.map { (l.name, $0) } }, uniquingKeysWith: { a, _ in a })
    }

    /// The summary with placements (and the task counts they decide) erased:
    /// equal for two graphs that differ only in placements.
    public var ignoringPlacements: GraphSummary {
        var s = self
        for i in s.layers.indices where s.layers[i].placement != nil {
            s.layers[i].placement = nil
            s.layers[i].taskCount = 0
        }
        // A lookup's tasks follow its table's placement (Series.map embedded, map_partitions placed).
        for i in s.layers.indices where s.layers[i].kind == "lookup" { s.layers[i].taskCount = 0 }
        return s
    }

    public var description: String {
        layers.map { l in
            var s = "\(l.name): \(l.kind)"
            if let p = l.placement { s += " [\(p.rawValue)]" }
            s += " tasks=\(l.taskCount)"
            if !l.inputs.isEmpty {
                s += " ← " + l.inputs.map { $0.path.applied(to: $0.source) }.joined(separator: ", ")
            }
            return s
        }.joined(separator: "\n")
    }
}
