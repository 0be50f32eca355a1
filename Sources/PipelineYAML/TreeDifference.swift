import PipelineIR

extension YAMLParser.Result {
    /// The first difference between two parses of one file, field by field (every node field,
    /// children, decoded scalar bytes, root, comments, diagnostics, completeness); nil when equal.
    /// Keeps the fast scanner honest against libyaml (`FastScanTests`, the `frontend` fuzz target).
    package func firstDifference(from other: YAMLParser.Result) -> String? {
        let a = tree, b = other.tree
        if a.nodes.count != b.nodes.count { return "node count \(a.nodes.count) ≠ \(b.nodes.count)" }
        for k in 0..<a.nodes.count {
            let x = a.nodes[k], y = b.nodes[k]
            let fields: [(String, String, String)] = [
                ("kind", "\(x.kind)", "\(y.kind)"),
                ("scalarStyle", "\(x.scalarStyle)", "\(y.scalarStyle)"),
                ("collectionStyle", "\(x.collectionStyle)", "\(y.collectionStyle)"),
                ("tag", "\(String(describing: x.tag))", "\(String(describing: y.tag))"),
                ("rangeStart", "\(x.rangeStart)", "\(y.rangeStart)"),
                ("rangeEnd", "\(x.rangeEnd)", "\(y.rangeEnd)"),
                ("payloadStart", "\(x.payloadStart)", "\(y.payloadStart)"),
                ("payloadCount", "\(x.payloadCount)", "\(y.payloadCount)"),
                ("expanded", "\(x.expanded)", "\(y.expanded)"),
            ]
            for (name, u, v) in fields where u != v { return "node \(k) \(name): \(u) ≠ \(v)" }
        }
        if a.children != b.children {
            let k = firstMismatch(a.children, b.children)
            return "children differ at \(k) (counts \(a.children.count), \(b.children.count))"
        }
        if a.scalarBytes != b.scalarBytes {
            let k = firstMismatch(a.scalarBytes, b.scalarBytes)
            return "scalar bytes differ at \(k) (counts \(a.scalarBytes.count), \(b.scalarBytes.count))"
        }
        if a.root != b.root { return "root \(String(describing: a.root)) ≠ \(String(describing: b.root))" }
        if a.comments != b.comments {
            let k = firstMismatch(a.comments, b.comments)
            return "comments differ at \(k) (counts \(a.comments.count), \(b.comments.count))"
        }
        if diagnostics != other.diagnostics {
            let k = firstMismatch(diagnostics, other.diagnostics)
            let show = { (d: [Diagnostic]) in k < d.count ? "\(d[k].range) \(d[k].message)" : "none" }
            return "diagnostic \(k): \(show(diagnostics)) ≠ \(show(other.diagnostics))"
        }
        if isComplete != other.isComplete { return "isComplete \(isComplete) ≠ \(other.isComplete)" }
        return nil
    }

    private func firstMismatch<T: Equatable>(_ x: [T], _ y: [T]) -> Int {
        zip(x, y).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(x.count, y.count)
    }
}
