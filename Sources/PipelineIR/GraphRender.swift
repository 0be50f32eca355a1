/// The layer graph as Graphviz DOT or Mermaid text: one node per layer (objects
/// shaped by placement), one edge per input, labelled with its role.
public enum GraphRender {
    public enum Format: String, Sendable, CaseIterable { case dot, mermaid }

    public static func render(_ g: Graph, title: String, format: Format) -> String {
        switch format {
        case .dot: dot(g, title: title)
        case .mermaid: mermaid(g)
        }
    }

    static func label(_ l: Graph.Layer, _ br: String) -> String {
        switch l.kind {
        case .object(let o): "\(l.name)\(br)\(o.recipe.kindName), \(o.placement.rawValue)"
        case .array: "\(l.name)\(br)array, \(l.taskCount) chunks"
        case .mapBlocks(let c): "\(l.name)\(br)map_blocks \(c?.function.name ?? "?"), \(l.taskCount) tasks"
        case .reduce(let r, _): "\(l.name)\(br)\(r.rawValue), \(l.taskCount) tasks"
        case .rechunk: "\(l.name)\(br)rechunk, \(l.taskCount) tasks"
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

    static func dot(_ g: Graph, title: String) -> String {
        var s = "digraph \(quoted(title)) {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
        for l in g.layers {
            var attrs = "label=\(quoted(label(l, "\n")))"
            if let o = l.object {
                attrs += o.placement == .embed ? ", shape=note, color=red" : ", shape=note"
            } else if l.output != nil {
                attrs += ", shape=box, peripheries=2"
            } else {
                attrs += ", shape=box"
            }
            s += "  n\(l.id.index) [\(attrs)];\n"
        }
        for l in g.layers {
            for e in l.inputs {
                let style = e.role.carriesObject && g[e.source].object?.placement == .embed ? ", color=red, penwidth=2" : ""
                s += "  n\(e.source.index) -> n\(l.id.index) [label=\(quoted(role(e)))\(style)];\n"
            }
        }
        return s + "}\n"
    }

    static func mermaid(_ g: Graph) -> String {
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
        for l in g.layers where l.object?.placement == .embed { s += "  style n\(l.id.index) stroke:#d00,stroke-width:2px\n" }
        return s
    }
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
