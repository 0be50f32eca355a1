import PipelineIR

/// Index of a node in a `SyntaxTree`'s arena.
public struct NodeID: Sendable, Hashable, Comparable {
    public let raw: Int32
    /// The node at arena index `raw`.
    public init(_ raw: Int) { self.raw = Int32(truncatingIfNeeded: raw) }
    public static func < (a: NodeID, b: NodeID) -> Bool { a.raw < b.raw }
}

/// How a scalar was written.
public enum ScalarStyle: UInt8, Sendable {
    case plain, singleQuoted, doubleQuoted, literal, folded
    /// Quoted or block scalars are always strings; only plain scalars resolve to numbers, booleans, null.
    public var isPlain: Bool { self == .plain }
}

/// How a collection was written.
public enum CollectionStyle: UInt8, Sendable {
    case block, flow
}

/// A YAML syntax tree: an arena of nodes addressed by `NodeID`, with exact byte
/// ranges, styles, anchors and aliases (aliases are kept, never expanded), plus
/// the comments libyaml does not report.
public struct SyntaxTree: Sendable {
    /// The kind of a node.
    public enum Kind: UInt8, Sendable {
        case scalar, sequence, mapping, alias
    }

    /// One node. Compact: offsets and counts only; scalar text lives in `scalarBytes`.
    public struct Node: Sendable {
        public var kind: Kind
        /// Scalar style (scalars only).
        public var scalarStyle: ScalarStyle
        /// Collection style (sequences and mappings only).
        public var collectionStyle: CollectionStyle
        /// Whether the node has an explicit standard tag (`!!str` …); non-standard tags are rejected.
        public var tag: StandardTag?
        /// Byte range of the node, anchor and tag included. For block collections
        /// the end is the end of the last entry (not libyaml's end mark, which lies
        /// after trailing comments and blank lines).
        public var range: SourceRange {
            get { SourceRange(start: Int(rangeStart), end: Int(rangeEnd)) }
            set {
                rangeStart = UInt32(truncatingIfNeeded: newValue.start)
                rangeEnd = UInt32(truncatingIfNeeded: newValue.end)
            }
        }
        /// The range's offsets, 32 bits each like the payload (files are far below 4 GiB):
        /// a node takes 24 bytes instead of 40, which a 50 MB file's millions of nodes feel.
        var rangeStart: UInt32
        var rangeEnd: UInt32
        /// Scalars: range of the decoded value in `scalarBytes`. Collections: range in `children`.
        /// Aliases: `payloadStart` is the index of the node they refer to.
        var payloadStart: Int32
        var payloadCount: Int32
        /// Nodes this node stands for when aliases are expanded, saturating at 2³² − 1 (the tree
        /// builder keeps larger counts exactly on the side, for the alias budget).
        public var expandedSize: Int {
            get { Int(expanded) }
            set { expanded = newValue < 0 ? 0 : UInt32(clamping: newValue) }
        }
        /// 32 bits, so that a node takes 24 bytes: a 50 MB file has millions of nodes.
        var expanded: UInt32

        /// Aliases: the anchored node they refer to. Kept in `payloadStart`, which an alias
        /// has no other use for, so a node stays at 24 bytes.
        public var aliasTarget: NodeID? { kind == .alias ? NodeID(Int(payloadStart)) : nil }

        init(kind: Kind, scalarStyle: ScalarStyle, collectionStyle: CollectionStyle, tag: StandardTag?, range: SourceRange,
             payloadStart: Int32, payloadCount: Int32, aliasTarget: NodeID?, expandedSize: Int) {
            self.kind = kind
            self.scalarStyle = scalarStyle
            self.collectionStyle = collectionStyle
            self.tag = tag
            self.rangeStart = UInt32(truncatingIfNeeded: range.start)
            self.rangeEnd = UInt32(truncatingIfNeeded: range.end)
            self.payloadStart = aliasTarget?.raw ?? payloadStart
            self.payloadCount = payloadCount
            self.expanded = UInt32(clamping: max(0, expandedSize))
        }
    }

    /// Standard YAML 1.1 core tags that are safe to accept.
    public enum StandardTag: String, Sendable {
        case str, int, float, bool, null, seq, map
    }

    public internal(set) var nodes: [Node] = []
    /// Children of collections, contiguous per collection; mappings store key, value, key, value…
    public internal(set) var children: [NodeID] = []
    /// Decoded scalar values, contiguous UTF-8.
    public internal(set) var scalarBytes: [UInt8] = []
    /// The document's root node, when the file has a document.
    public internal(set) var root: NodeID?
    /// Comments in source order.
    public internal(set) var comments: [Comment] = []

    public init() {}

    public subscript(id: NodeID) -> Node { nodes[Int(id.raw)] }

    /// The node an alias stands for (the node itself otherwise).
    public func resolved(_ id: NodeID) -> NodeID {
        var cur = id
        var hops = 0
        while let t = self[cur].aliasTarget, hops < 64 {
            cur = t
            hops += 1
        }
        return cur
    }

    /// Decoded text of a scalar node.
    public func scalar(_ id: NodeID) -> String? {
        let n = self[id]
        guard n.kind == .scalar else { return nil }
        let s = Int(n.payloadStart)
        return String(decoding: scalarBytes[s..<(s + Int(n.payloadCount))], as: UTF8.self)
    }

    /// Items of a sequence (empty for other kinds).
    public func items(_ id: NodeID) -> ArraySlice<NodeID> {
        let n = self[id]
        guard n.kind == .sequence else { return [] }
        let s = Int(n.payloadStart)
        return children[s..<(s + Int(n.payloadCount))]
    }

    /// Key/value pairs of a mapping, in source order (empty for other kinds).
    public func entries(_ id: NodeID) -> [(key: NodeID, value: NodeID)] {
        let n = self[id]
        guard n.kind == .mapping else { return [] }
        let s = Int(n.payloadStart)
        var out: [(key: NodeID, value: NodeID)] = []
        out.reserveCapacity(Int(n.payloadCount) / 2)
        var i = s
        while i + 1 < s + Int(n.payloadCount) {
            out.append((children[i], children[i + 1]))
            i += 2
        }
        return out
    }

    /// Positions in `children` of a mapping's keys, each followed by its value (empty for other kinds).
    /// Walks the entries without building them.
    func keyPositions(_ id: NodeID) -> StrideTo<Int> {
        let n = self[id]
        guard n.kind == .mapping else { return stride(from: 0, to: 0, by: 2) }
        let s = Int(n.payloadStart)
        return stride(from: s, to: s + Int(n.payloadCount) - 1, by: 2)
    }

    /// Number of direct children (items, or keys + values).
    public func childCount(_ id: NodeID) -> Int { Int(self[id].payloadCount) }
}

/// A `#` comment: its byte range runs from `#` to the end of the line.
public struct Comment: Sendable, Hashable {
    public var range: SourceRange
    /// 0-based line index.
    public var line: Int
    /// Whether only white space precedes it on its line.
    public var ownLine: Bool
}
