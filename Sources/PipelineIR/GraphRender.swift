/// The layer graph as Graphviz DOT or Mermaid text: one node per layer (objects
/// shaped by placement), one edge per input, labelled with its role.
public enum GraphRender {
    public enum Format: String, Sendable, CaseIterable { case dot, mermaid }

    /// `copiedPerTask`: the uses (`Graph.objectUseKey`) whose object every task carries, as the
    /// caller's graph estimate says (Dask's normalize_arg wraps some embedded ones; the
    /// processes scheduler ships even delayed ones); nil draws every embedded object as copied.
    public static func render(_ g: Graph, title: String, format: Format, copiedPerTask: Set<String>? = nil) -> String {
        func copied(_ e: Graph.Edge, into l: Graph.Layer) -> Bool {
            guard e.role.carriesObject, let o = g[e.source].object else { return false }
            return copiedPerTask.map { $0.contains(Graph.objectUseKey(step: l.name, object: o.name)) } ?? (o.placement == .embed)
        }
        var red = Set<Int>()
        for l in g.layers { for e in l.inputs where copied(e, into: l) { red.insert(e.source.index) } }
        switch format {
        case .dot: return dot(g, title: title, copied: copied, red: red)
        case .mermaid: return mermaid(g, red: red)
        }
    }

    static func label(_ l: Graph.Layer, _ br: String) -> String {
        switch l.kind {
        case .object(let o): "\(l.name)\(br)\(o.recipe.kindName), \(o.placement.rawValue)"
        case .array: "\(l.name)\(br)array, \(l.taskCount) chunks"
        case .frame: "\(l.name)\(br)dataframe, \(l.taskCount) partitions"
        case .mapBlocks(let c): "\(l.name)\(br)\(l.perItem?.form.rawValue ?? (l.frame != nil ? "map_partitions" : "map_blocks")) \(c?.function.name ?? "?"), \(l.taskCount) tasks"
        case .reduce(let r, _): "\(l.name)\(br)\(r.rawValue), \(l.taskCount) tasks"
        case .rechunk: "\(l.name)\(br)rechunk, \(l.taskCount) tasks"
        case .rows(let op): "\(l.name)\(br)\(op.keyword), \(l.taskCount) tasks"
        case .groupby(let g): "\(l.name)\(br)groupby \(g.key.name) sum \(g.value.name), \(l.taskCount) tasks"
        case .merge(let m): "\(l.name)\(br)merge (\(m.planName(partitions: l.grid.chunkCount))), \(l.taskCount) tasks"
        }
    }

    static func role(_ e: Graph.Edge) -> String {
        let base: String
        switch e.role {
        case .block(let i): base = "block \(i)"
        case .argument(let i): base = "arg \(i)"
        case .keyword(let k): base = k
        case .receiver: base = "receiver"
        case .carried(let route, let name): base = "carried \(name) (\(route.rawValue))"
        }
        return e.path.isEmpty ? base : base + " ." + e.path.description
    }

    /// Escapes text for a double-quoted DOT or Mermaid string.
    static func quoted(_ s: String) -> String {
        "\"" + s.replacingQuotes + "\""
    }

    static func dot(_ g: Graph, title: String, copied: (Graph.Edge, Graph.Layer) -> Bool, red: Set<Int>) -> String {
        var s = "digraph \(quoted(title)) {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
        for l in g.layers {
            var attrs = "label=\(quoted(label(l, "\n")))"
            if l.object != nil {
                attrs += red.contains(l.id.index) ? ", shape=note, color=red" : ", shape=note"
            } else if l.output != nil {
                attrs += ", shape=box, peripheries=2"
            } else {
                attrs += ", shape=box"
            }
            s += "  n\(l.id.index) [\(attrs)];\n"
        }
        for l in g.layers {
            for e in l.inputs {
                let style = copied(e, l) ? ", color=red, penwidth=2" : ""
                s += "  n\(e.source.index) -> n\(l.id.index) [label=\(quoted(role(e)))\(style)];\n"
            }
        }
        return s + "}\n"
    }

    static func mermaid(_ g: Graph, red: Set<Int>) -> String {
        var s = "flowchart LR\n"
        for l in g.layers {
            let text = quoted(label(l, "<br>"))
            s += l.object != nil ? "  n\(l.id.index)[/\(text)/]\n" : "  n\(l.id.index)[\(text)]\n"
        }
        for l in g.layers {
            for e in l.inputs {
                s += "  n\(e.source.index) -->|\(quoted(role(e)))| n\(l.id.index)\n"
            }
        }
        for l in g.layers where red.contains(l.id.index) { s += "  style n\(l.id.index) stroke:#d00,stroke-width:2px\n" }
        return s
    }
}

extension Graph {
    /// The key of one step's use of one object, as `graph` and the executor take per-use decisions.
    public static func objectUseKey(step: String, object: String) -> String { step + "\u{0}" + object }
}

extension String {
    var replacingQuotes: String {
        var out = ""
        for c in self {
            switch c {
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

}
