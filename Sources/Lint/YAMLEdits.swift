import PipelineIR
import PipelineYAML

/// Text edits on YAML that keep everything outside the edit byte-for-byte:
/// never re-emit YAML from a tree.
public enum YAMLEdits {
    /// Where an object's definition lives in the text, seen through aliases.
    public struct ObjectDefinition: Sendable {
        /// The mapping that holds the object's keys (the anchored node when the object is written `*alias`).
        public var mapping: NodeID
        /// Every object under `objects:` whose value is this same node (itself included), in file order.
        public var sharedBy: [String]
        /// The object whose own entry holds the mapping (differs from the asked-for name when that one is an alias).
        public var owner: String
    }

    /// The mapping that defines object `name`, or a reason why a key cannot be added to it.
    ///
    /// An object written `*m` is defined at the anchor `&m`: adding a key there
    /// changes every object that aliases it, so `sharedBy` names them all. An
    /// alias of a node that is not itself an object (a field recipe, say) has
    /// no place for `placement:`, so it is refused.
    public static func objectDefinition(_ tree: SyntaxTree, name: String) -> Result<ObjectDefinition, RefusedEdit> {
        guard let root = tree.root,
              let sec = tree.entries(tree.resolved(root)).first(where: { tree.scalar($0.key) == "objects" })?.value else {
            return .failure(RefusedEdit(reason: "there is no `objects:` mapping"))
        }
        let objects = tree.entries(tree.resolved(sec))
        guard let entry = objects.first(where: { tree.scalar($0.key) == name }) else {
            return .failure(RefusedEdit(reason: "object `\(name)` is not defined under `objects:`"))
        }
        let target = tree.resolved(entry.value)
        guard tree[target].kind == .mapping else {
            return .failure(RefusedEdit(reason: "object `\(name)` is not a mapping"))
        }
        // The owner is the object whose entry holds the node itself, not an alias of it.
        guard let owner = objects.first(where: { $0.value == target }) else {
            return .failure(RefusedEdit(reason: "object `\(name)` is an alias of a node that is not an object; give it its own definition"))
        }
        let shared = objects.filter { tree.resolved($0.value) == target }.compactMap { tree.scalar($0.key) }
        return .success(ObjectDefinition(mapping: target, sharedBy: shared, owner: tree.scalar(owner.key) ?? name))
    }

    /// `objectDefinition(_:name:)` through a prebuilt index of the top-level sections:
    /// O(1) per object instead of a scan of `objects:` (one fix per object stays linear).
    public static func objectDefinition(_ tree: SyntaxTree, name: String, definitions: DefinitionIndex) -> Result<ObjectDefinition, RefusedEdit> {
        guard let objects = definitions.sections["objects"] else {
            return .failure(RefusedEdit(reason: "there is no `objects:` mapping"))
        }
        guard let entry = objects.entries[name] else {
            return .failure(RefusedEdit(reason: "object `\(name)` is not defined under `objects:`"))
        }
        let target = tree.resolved(entry.value)
        guard tree[target].kind == .mapping else {
            return .failure(RefusedEdit(reason: "object `\(name)` is not a mapping"))
        }
        guard let ownerKey = objects.owners[target] else {
            return .failure(RefusedEdit(reason: "object `\(name)` is an alias of a node that is not an object; give it its own definition"))
        }
        return .success(ObjectDefinition(mapping: target, sharedBy: objects.sharedBy[target] ?? [], owner: tree.scalar(ownerKey) ?? name))
    }

    /// Why an edit could not be computed.
    public struct RefusedEdit: Error, Sendable, Hashable {
        public var reason: String
    }

    /// Sets `key: value` in a mapping: replaces the existing value, or adds an
    /// entry after the last one.
    ///
    /// The insertion point is computed from the last entry and the mapping's
    /// indentation, never from libyaml's end mark (which lies after trailing
    /// comments and blank lines):
    ///
    /// - flow mapping `{a: 1}` → `{a: 1, key: value}` (inside the braces, after the last value);
    /// - block mapping → a new line at the first key's indentation, after the
    ///   line where the last value ends, so a trailing comment on that line stays
    ///   there and comments or blank lines after the mapping stay after it;
    /// - a last value that is a block scalar (`|`, `>`) → after its last content
    ///   line (its trailing blank lines are not content, unless it is `|+`);
    /// - line breaks match the surrounding line (LF, CRLF or CR); a file without
    ///   a final newline keeps having none.
    public static func setEntry(_ key: String, _ value: String, in mapping: NodeID, tree: SyntaxTree, source: SourceFile) -> Edit? {
        let node = tree[mapping]
        guard node.kind == .mapping else { return nil }
        let entries = tree.entries(mapping)
        if let existing = entries.first(where: { tree.scalar($0.key) == key }) {
            let r = tree[existing.value].range
            // An empty value (`key:`) is an empty range right after the colon.
            return Edit(range: r, replacement: r.count == 0 ? " " + value : value)
        }
        if node.collectionStyle == .flow {
            return flowInsert(key, value, node: node, entries: entries, tree: tree, source: source)
        }
        return blockInsert(key, value, entries: entries, tree: tree, source: source)
    }

    static func flowInsert(_ key: String, _ value: String, node: SyntaxTree.Node, entries: [(key: NodeID, value: NodeID)],
                           tree: SyntaxTree, source: SourceFile) -> Edit? {
        guard let last = entries.last else {
            // `{}` (possibly after an anchor or tag): insert right after the brace.
            var i = node.range.start
            while i < node.range.end, source.bytes[i] != UInt8(ascii: "{") { i += 1 }
            guard i < node.range.end else { return nil }
            return .insert("\(key): \(value)", at: i + 1)
        }
        let end = max(tree[last.key].range.end, tree[last.value].range.end)
        return .insert(", \(key): \(value)", at: end)
    }

    static func blockInsert(_ key: String, _ value: String, entries: [(key: NodeID, value: NodeID)],
                            tree: SyntaxTree, source: SourceFile) -> Edit? {
        guard let first = entries.first, let last = entries.last else { return nil }
        let bytes = source.bytes
        // Indentation: the bytes before the first key on its line.
        let firstKey = tree[first.key].range.start
        let keyLine = source.lineIndex(of: firstKey)
        var lineStart = source.lineStarts[keyLine]
        if keyLine == 0, source.hasBOM { lineStart = min(3, firstKey) }
        let prefix = bytes[lineStart..<firstKey]
        let indent: String
        if prefix.allSatisfy({ $0 == 0x20 }) {
            indent = String(decoding: prefix, as: UTF8.self)
        } else if prefix.contains(0x09) {
            return nil
        } else {
            // The key follows `- ` or similar on its line: indent by its column.
            indent = String(repeating: " ", count: source.codePoints(from: lineStart, to: firstKey))
        }

        // Where the last entry ends: descend into nested block collections to the last leaf.
        var end = max(tree[last.key].range.end, tree[last.value].range.end)
        let leaf = trailingLeaf(last.value, tree: tree)
        let leafNode = tree[leaf]
        if leafNode.kind == .scalar, leafNode.scalarStyle == .literal || leafNode.scalarStyle == .folded,
           !keepsTrailingLines(leafNode.range, bytes: bytes) {
            end = endOfContent(leafNode.range, indentWidth: indent.utf8.count, source: source)
        }

        let endLine = source.lineIndex(of: end)
        if end > 0, end == source.lineStarts[endLine], endLine > 0 {
            // The value ends with its own line break (a block scalar): a whole new line goes here.
            let prev = source.lineRange(endLine - 1)
            let nl = lineBreak(after: prev, source: source)
            return .insert("\(indent)\(key): \(value)\(nl)", at: end)
        }
        let lineEnd = source.lineRange(endLine).upperBound
        let nl = lineBreak(after: source.lineRange(endLine), source: source)
        return .insert("\(nl)\(indent)\(key): \(value)", at: lineEnd)
    }

    /// The last node of nested block collections (a flow collection or a scalar stops the descent).
    static func trailingLeaf(_ id: NodeID, tree: SyntaxTree) -> NodeID {
        var cur = id
        var depth = 0
        while depth < 256 {
            depth += 1
            let n = tree[cur]
            guard n.collectionStyle == .block else { break }
            if n.kind == .mapping, let e = tree.entries(cur).last {
                // An empty value sits at its colon: the key is the later token.
                cur = tree[e.value].range.end >= tree[e.key].range.end ? e.value : e.key
            } else if n.kind == .sequence, let item = tree.items(cur).last {
                cur = item
            } else {
                break
            }
        }
        return cur
    }

    /// Whether a block scalar's header says `+` (keep): its trailing blank lines are content.
    static func keepsTrailingLines(_ range: SourceRange, bytes: [UInt8]) -> Bool {
        var i = range.start
        // Skip an anchor or tag before the indicator.
        while i < range.end, bytes[i] == UInt8(ascii: "&") || bytes[i] == UInt8(ascii: "!") {
            while i < range.end, bytes[i] != 0x20, bytes[i] != 0x0A, bytes[i] != 0x0D { i += 1 }
            while i < range.end, bytes[i] == 0x20 { i += 1 }
        }
        guard i < range.end, bytes[i] == UInt8(ascii: "|") || bytes[i] == UInt8(ascii: ">") else { return true }
        i += 1
        while i < range.end, bytes[i] != 0x20, bytes[i] != 0x0A, bytes[i] != 0x0D, bytes[i] != 0x09 {
            if bytes[i] == UInt8(ascii: "+") { return true }
            i += 1
        }
        return false
    }

    /// The start of the first trailing blank line of a block scalar (clip or strip
    /// chomping), or its end when it has none. Lines of spaces no wider than the
    /// mapping's indentation are blank; wider ones could be content, so they stay.
    static func endOfContent(_ range: SourceRange, indentWidth: Int, source: SourceFile) -> Int {
        var end = range.end
        while end > range.start {
            let line = source.lineIndex(of: end)
            guard end == source.lineStarts[line], line > 0 else { break }
            let prev = source.lineRange(line - 1)
            guard prev.lowerBound > range.start,
                  prev.count <= indentWidth,
                  source.bytes[prev].allSatisfy({ $0 == 0x20 }) else { break }
            end = prev.lowerBound
        }
        return end
    }

    /// The line break that ends `line`, or the file's usual one when the line is the last without a break.
    static func lineBreak(after line: Range<Int>, source: SourceFile) -> String {
        let b = source.bytes
        let i = line.upperBound
        if i < b.count {
            if b[i] == 0x0D { return i + 1 < b.count && b[i + 1] == 0x0A ? "\r\n" : "\r" }
            if b[i] == 0x0A { return "\n" }
        }
        return source.lineBreak
    }

    /// Applies non-overlapping edits to `bytes`, copying untouched bytes verbatim.
    /// Identical edits count once. Returns nil when edits overlap or fall outside the text.
    public static func apply(_ edits: [Edit], to bytes: [UInt8]) -> [UInt8]? {
        var seen = Set<Edit>()
        let unique = edits.filter { seen.insert($0).inserted }
        let sorted = unique.sorted { ($0.range.start, $0.range.end, $0.replacement) < ($1.range.start, $1.range.end, $1.replacement) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + sorted.reduce(0) { $0 + $1.replacement.utf8.count })
        var cursor = 0
        var lastInsertion: Int? = nil
        for e in sorted {
            guard e.range.start >= cursor, e.range.end <= bytes.count, e.range.start >= 0 else { return nil }
            // Two different insertions at one point have no defined order.
            if e.range.count == 0, lastInsertion == e.range.start { return nil }
            out.append(contentsOf: bytes[cursor..<e.range.start])
            out.append(contentsOf: e.replacement.utf8)
            cursor = e.range.end
            lastInsertion = e.range.count == 0 ? e.range.start : nil
        }
        out.append(contentsOf: bytes[cursor...])
        return out
    }

    /// Whether two edits touch the same bytes (or insert at the same point), so only one may be applied.
    public static func conflict(_ a: Edit, _ b: Edit) -> Bool {
        if a == b { return false }
        if a.range.start == b.range.start { return true }
        return a.range.start < b.range.end && b.range.start < a.range.end
    }
}
