import PipelineIR
import PipelineYAML

/// A finding's place in the document's structure and its fingerprint.
public enum Identity {
    /// The YAML path of the deepest node holding `offset`: `steps.looked_up.args[0]`.
    public static func yamlPath(of offset: Int, in tree: SyntaxTree) -> String {
        guard var node = tree.root else { return "" }
        var parts: [String] = []
        var depth = 0
        descend: while depth < 256 {
            depth += 1
            let n = tree[node]
            switch n.kind {
            case .mapping:
                for (k, v) in tree.entries(node) {
                    let key = tree.scalar(k) ?? "?"
                    if tree[k].range.start <= offset, offset < max(tree[k].range.end, tree[k].range.start + 1) {
                        parts.append(key)
                        break descend
                    }
                    if tree[v].range.start <= offset, offset < max(tree[v].range.end, tree[v].range.start + 1) {
                        parts.append(key)
                        node = v
                        continue descend
                    }
                }
                break descend
            case .sequence:
                for (i, item) in tree.items(node).enumerated() where tree[item].range.start <= offset && offset < max(tree[item].range.end, tree[item].range.start + 1) {
                    if var last = parts.popLast() {
                        last += "[\(i)]"
                        parts.append(last)
                    } else {
                        parts.append("[\(i)]")
                    }
                    node = item
                    continue descend
                }
                break descend
            case .scalar, .alias:
                break descend
            }
        }
        return parts.joined(separator: ".")
    }

    /// Sets `yamlPath` and `fingerprint` on a finding.
    public static func assign(_ f: inout Finding, tree: SyntaxTree, source: SourceFile) {
        f.yamlPath = yamlPath(of: f.range.start, in: tree)
        f.fingerprint = fingerprint(rule: f.code.id, yamlPath: f.yamlPath, token: source.text(f.range))
    }

    /// FNV-1a 64 of rule, path and token, as 16 hex digits.
    public static func fingerprint(rule: String, yamlPath: String, token: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in (rule + "\u{0}" + yamlPath + "\u{0}" + token).utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
