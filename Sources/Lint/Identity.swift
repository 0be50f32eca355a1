import PipelineIR
import PipelineYAML

/// A finding's place in the document's structure and its fingerprint.
public enum Identity {
    /// The YAML path of the deepest node holding `offset`: `steps.looked_up.args[0]`.
    public static func yamlPath(of offset: Int, in tree: SyntaxTree) -> String {
        var finder = YAMLPathFinder(tree)
        return finder.path(of: offset)
    }

    /// Sets `yamlPath` and `fingerprint` on a finding.
    public static func assign(_ f: inout Finding, tree: SyntaxTree, source: SourceFile) {
        var finder = YAMLPathFinder(tree)
        assign(&f, paths: &finder, source: source)
    }

    /// Sets `yamlPath` and `fingerprint` on a finding, with a path finder shared by the file's findings.
    public static func assign(_ f: inout Finding, paths: inout YAMLPathFinder, source: SourceFile) {
        f.yamlPath = paths.path(of: f.range.start)
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

/// Finds the YAML paths of many offsets in one tree. The children of each
/// collection on the way down are laid out once as sorted spans, and each step
/// down is a binary search: a file's findings cost O(findings × depth × log
/// siblings) plus one pass over the collections they fall in, instead of a scan of
/// every sibling key (each decoded to a string) per finding.
public struct YAMLPathFinder {
    let tree: SyntaxTree
    /// Children spans of the collections visited so far.
    private var spans: [NodeID: Spans] = [:]
    /// Probes made (spans built, search steps), reported to `WorkCounter`.
    public private(set) var probes = 0

    /// Where a collection's children lie, in the order the path search tries them
    /// (mappings: key, value, key, value…; sequences: items).
    struct Spans {
        var children: [NodeID] = []
        var starts: [Int] = []
        /// Exclusive ends; an empty node holds its first byte (`max(end, start + 1)`).
        var ends: [Int] = []
        /// Sorted and pairwise disjoint: at most one child holds an offset, found by binary search.
        /// Otherwise the first child holding it wins, found by a scan.
        var disjoint = true
    }

    /// A finder for `tree`.
    public init(_ tree: SyntaxTree) { self.tree = tree }

    /// The YAML path of the deepest node holding `offset`: `steps.looked_up.args[0]`.
    public mutating func path(of offset: Int) -> String {
        guard var node = tree.root else { return "" }
        var parts: [String] = []
        var depth = 0
        descend: while depth < 256 {
            depth += 1
            let kind = tree[node].kind
            guard kind == .mapping || kind == .sequence, let found = child(of: node, holding: offset) else { break }
            let (i, children) = found
            if kind == .mapping {
                parts.append(tree.scalar(children[i - i % 2]) ?? "?")
                // A key holding the offset ends the path; a value holding it is entered.
                if i % 2 == 0 { break descend }
            } else if var last = parts.popLast() {
                last += "[\(i)]"
                parts.append(last)
            } else {
                parts.append("[\(i)]")
            }
            node = children[i]
        }
        return parts.joined(separator: ".")
    }

    /// The position among `node`'s children of the first one holding `offset`, and the children.
    private mutating func child(of node: NodeID, holding offset: Int) -> (Int, [NodeID])? {
        let s = spans[node] ?? makeSpans(node)
        if !s.disjoint {
            for i in s.starts.indices {
                probes += 1
                if s.starts[i] <= offset, offset < s.ends[i] { return (i, s.children) }
            }
            return nil
        }
        // The last child starting at or before the offset is the only candidate.
        var lo = 0, hi = s.starts.count
        while lo < hi {
            probes += 1
            let mid = (lo + hi) / 2
            if s.starts[mid] <= offset { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0, offset < s.ends[lo - 1] else { return nil }
        return (lo - 1, s.children)
    }

    private mutating func makeSpans(_ node: NodeID) -> Spans {
        var s = Spans()
        if tree[node].kind == .mapping {
            for (k, v) in tree.entries(node) { s.children += [k, v] }
        } else {
            s.children = Array(tree.items(node))
        }
        s.starts.reserveCapacity(s.children.count)
        s.ends.reserveCapacity(s.children.count)
        for c in s.children {
            let r = tree[c].range
            // A child starting before the previous one ends breaks the order the search relies on.
            if let previousEnd = s.ends.last, r.start < previousEnd { s.disjoint = false }
            s.starts.append(r.start)
            s.ends.append(max(r.end, r.start + 1))
        }
        probes += s.children.count
        spans[node] = s
        return s
    }
}
