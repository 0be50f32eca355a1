import PipelineIR
import Testing
@testable import PipelineYAML

/// A collection's expanded size is itself plus its children's (an alias counting its target's),
/// whether the builder adds the children up (an alias inside) or counts the nodes added since the
/// collection opened (none): checked on every tree of the fast-scan corpus, through both paths.
@Suite struct ExpandedSizeTests {
    static func recomputed(_ tree: SyntaxTree, _ id: NodeID) -> Int {
        let n = tree[id]
        switch n.kind {
        case .scalar: return 1
        case .alias: return tree[n.aliasTarget!].expandedSize
        case .sequence, .mapping:
            let s = Int(n.payloadStart)
            return 1 + tree.children[s..<(s + Int(n.payloadCount))].reduce(0) { $0 + recomputed(tree, $1) }
        }
    }

    static func check(_ tree: SyntaxTree, _ name: String) {
        for raw in tree.nodes.indices where tree.nodes[raw].kind == .sequence || tree.nodes[raw].kind == .mapping {
            #expect(tree.nodes[raw].expandedSize == recomputed(tree, NodeID(raw)), "\(name), node \(raw)")
        }
    }

    @Test func collectionsStandForThemselvesAndTheirChildren() {
        var checked = 0
        for (name, bytes) in FastScanTests.corpus {
            let source = SourceFile(path: "t.yaml", bytes: bytes)
            let slow = YAMLParser.parseWithLibyaml(source)
            guard slow.isComplete else { continue }
            Self.check(slow.tree, name)
            if let fast = YAMLParser.parseFast(source) { Self.check(fast.tree, name) }
            checked += 1
        }
        #expect(checked > 100)
    }

    @Test func aliasesCountTheirTargetsNodes() {
        let text = "a: &x {b: [1, 2, 3], c: d}\ne: [*x, *x, {f: *x}]\ng: [h]\n"
        let tree = YAMLParser.parse(SourceFile(path: "t.yaml", text: text)).tree
        Self.check(tree, "aliases")
        // The anchored mapping holds 8 nodes; `e` is 1 + 8 + 8 + (1 + 1 + 8); the root adds `a`, `e`, `g` and their keys.
        #expect(tree[tree.root!].expandedSize == 1 + (1 + 8) + (1 + 27) + (1 + 2))
    }
}
