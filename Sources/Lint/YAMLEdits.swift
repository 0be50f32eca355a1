import PipelineIR
import PipelineYAML

/// Text edits on YAML that keep everything outside the edit byte-for-byte:
/// never re-emit YAML from a tree.
public enum YAMLEdits {
    /// The value node of `section.name` at the top level (aliases resolved to their anchor).
    public static func entryValue(_ tree: SyntaxTree, section: String, name: String) -> NodeID? {
        guard let root = tree.root else { return nil }
        guard let sec = tree.entries(tree.resolved(root)).first(where: { tree.scalar($0.key) == section })?.value else { return nil }
        guard let v = tree.entries(tree.resolved(sec)).first(where: { tree.scalar($0.key) == name })?.value else { return nil }
        return tree.resolved(v)
    }

    /// Sets `key: value` in a mapping: replaces the existing value, or adds an
    /// entry after the last one — computed from the last entry and its
    /// indentation, not from libyaml's end mark (which lies after trailing
    /// comments and blank lines).
    public static func setEntry(_ key: String, _ value: String, in mapping: NodeID, tree: SyntaxTree, source: SourceFile) -> Edit? {
        let node = tree[mapping]
        guard node.kind == .mapping else { return nil }
        let entries = tree.entries(mapping)
        if let existing = entries.first(where: { tree.scalar($0.key) == key }) {
            return Edit(range: tree[existing.value].range, replacement: value)
        }
        guard let last = entries.last else {
            guard node.collectionStyle == .flow else { return nil }
            return .insert("\(key): \(value)", at: node.range.start + 1)
        }
        let lastEnd = tree[last.value].range.end
        if node.collectionStyle == .flow {
            return .insert(", \(key): \(value)", at: lastEnd)
        }
        // Block mapping: a new line with the first key's indentation, after the
        // line holding the end of the last value (so a trailing comment stays put).
        let firstKey = tree[entries[0].key].range.start
        let keyLine = source.lineIndex(of: firstKey)
        let lineStart = source.lineRange(keyLine).lowerBound
        let indentBytes = source.bytes[lineStart..<firstKey]
        guard indentBytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return nil }
        let indent = String(decoding: indentBytes, as: UTF8.self)
        let nl = source.lineBreak
        let endLine = source.lineIndex(of: lastEnd)
        if lastEnd > 0, lastEnd == source.lineStarts[endLine], endLine > 0 {
            // The last value (a block scalar) ends with its line break: insert a full line here.
            return .insert("\(indent)\(key): \(value)\(nl)", at: lastEnd)
        }
        let lineEnd = source.lineRange(endLine).upperBound
        return .insert("\(nl)\(indent)\(key): \(value)", at: lineEnd)
    }

    /// Applies non-overlapping edits to `bytes`, copying untouched bytes verbatim.
    /// Returns nil when edits overlap or fall outside the text.
    public static func apply(_ edits: [Edit], to bytes: [UInt8]) -> [UInt8]? {
        let sorted = edits.sorted { ($0.range.start, $0.range.end) < ($1.range.start, $1.range.end) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + sorted.reduce(0) { $0 + $1.replacement.utf8.count })
        var cursor = 0
        for e in sorted {
            guard e.range.start >= cursor, e.range.end <= bytes.count else { return nil }
            out.append(contentsOf: bytes[cursor..<e.range.start])
            out.append(contentsOf: e.replacement.utf8)
            cursor = e.range.end
        }
        out.append(contentsOf: bytes[cursor...])
        return out
    }
}
