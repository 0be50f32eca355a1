internal import CYAML
import PipelineIR

/// Reads YAML text into a `SyntaxTree` through libyaml's event API.
///
/// It keeps what libyaml loses or gets wrong for a linter: byte offsets (libyaml
/// marks count characters and skip a BOM), the end of block collections (libyaml
/// puts it at the next token), comments (libyaml drops them), and it refuses
/// what a pipeline never needs: custom tags, several documents, aliases past a
/// budget, nesting past a limit, non-UTF-8 input.
public enum YAMLParser {
    /// The result of parsing: the tree (partial after a fatal error) and every problem found.
    public struct Result: Sendable {
        public var tree: SyntaxTree
        public var diagnostics: [Diagnostic]
        /// True when the tree is complete and usable for lowering.
        public var isComplete: Bool
    }

    /// Parses one file: by the fast scanner when the file is within its subset, else by libyaml.
    public static func parse(_ source: SourceFile, limits: ParseLimits = .default) -> Result {
        if let fast = parseFast(source, limits: limits) { return fast }
        return parseWithLibyaml(source, limits: limits)
    }

    /// Parses one file through libyaml's event API, whatever it holds.
    package static func parseWithLibyaml(_ source: SourceFile, limits: ParseLimits = .default) -> Result {
        var builder = TreeBuilder(source: source, limits: limits)
        builder.run()
        return Result(tree: builder.tree, diagnostics: builder.diagnostics, isComplete: builder.fatal == false)
    }

    /// Parses one file with the fast scanner (`FastScan`); nil when the file leaves its subset
    /// or holds an error, which the libyaml path then reports.
    package static func parseFast(_ source: SourceFile, limits: ParseLimits = .default) -> Result? {
        guard let builder = FastScan.build(source, limits: limits) else { return nil }
        return Result(tree: builder.tree, diagnostics: builder.diagnostics, isComplete: true)
    }
}

private func yamlError(_ message: String, _ range: SourceRange, help: String? = nil) -> Diagnostic {
    Diagnostic(code: .invalidYAML, severity: .error, message: message, range: range, help: help)
}

/// Converts libyaml's character indices to byte offsets by walking a cursor
/// over the UTF-8 text; marks arrive almost in order, so the walk is linear.
struct MarkConverter {
    let bytes: UnsafeBufferPointer<UInt8>
    let base: Int
    let ascii: Bool
    var charIndex = 0
    var byteIndex = 0

    mutating func offset(ofCharacter target: Int) -> Int {
        if ascii { return base + min(target, bytes.count) }
        while charIndex < target, byteIndex < bytes.count {
            byteIndex += 1
            while byteIndex < bytes.count, bytes[byteIndex] & 0xC0 == 0x80 { byteIndex += 1 }
            charIndex += 1
        }
        while charIndex > target, byteIndex > 0 {
            byteIndex -= 1
            while byteIndex > 0, bytes[byteIndex] & 0xC0 == 0x80 { byteIndex -= 1 }
            charIndex -= 1
        }
        return base + byteIndex
    }
}

/// Builds a `SyntaxTree` from parse events: libyaml's (`run`) or the fast scanner's (`FastScan`).
struct TreeBuilder {
    let source: SourceFile
    let limits: ParseLimits
    var tree = SyntaxTree()
    var diagnostics: [Diagnostic] = []
    var fatal = false

    /// An open collection: its node, where its children start on `pending`, and the aliases added
    /// before it opened.
    struct Open {
        var node: Int
        var pendingBase: Int
        var aliasesBefore: Int
    }
    var stack: [Open] = []
    /// The children of the open collections, innermost last: `pending[..<pendingCount]`. The
    /// array never shrinks (closing a collection only lowers the count), so it is not resized per node.
    var pending: [NodeID] = []
    var pendingCount = 0
    /// Alias nodes added so far: a collection with none inside stands for exactly its own nodes.
    var aliasCount = 0
    var anchors: [String: NodeID] = [:]
    var expansion = 0
    /// Expanded sizes of 2³² − 1 or more, exactly (a node keeps 32 bits: `SyntaxTree.Node.expanded`).
    var largeSizes: [Int32: Int] = [:]
    var documents = 0
    /// Where the fast scanner writes decoded scalar text while it runs (it becomes `tree.scalarBytes`
    /// at the end); nil when scalars are appended to `tree.scalarBytes` (the libyaml path).
    var scalarText: UnsafePointer<UInt8>?

    init(source: SourceFile, limits: ParseLimits) {
        self.source = source
        self.limits = limits
    }

    mutating func fail(_ message: String, at offset: Int, help: String? = nil) {
        diagnostics.append(yamlError(message, SourceRange(start: offset, end: min(source.bytes.count, tokenEnd(offset))), help: help))
        fatal = true
    }

    /// End of the token starting at `offset`, for a caret that spans it.
    func tokenEnd(_ offset: Int) -> Int {
        var i = offset
        let b = source.bytes
        while i < b.count, b[i] != 0x20, b[i] != 0x0A, b[i] != 0x0D, b[i] != 0x09, i - offset < 64 {
            i += 1
            if i - offset == 1, i <= b.count, [0x5B, 0x5D, 0x7B, 0x7D, 0x2C].contains(b[i - 1]) { break }
            while i < b.count, b[i] & 0xC0 == 0x80 { i += 1 }
        }
        return max(i, offset + (offset < b.count ? 1 : 0))
    }

    mutating func reserve(scalarBytes: Bool = true) {
        tree.nodes.reserveCapacity(source.bytes.count / 6)
        tree.children.reserveCapacity(source.bytes.count / 6)
        if scalarBytes { tree.scalarBytes.reserveCapacity(source.bytes.count / 2) }
    }

    mutating func run() {
        if let p = EncodingCheck.problem(in: source.bytes, limits: limits) {
            fail(p.message, at: p.offset, help: p.help)
            return
        }
        // Pipelines hold about a node per 6 to 8 bytes: reserving that much up front saves
        // copying the arena as it grows (pages never written cost no memory).
        reserve()
        let bom = source.hasBOM ? 3 : 0
        source.bytes.withUnsafeBufferPointer { whole in
            let body = UnsafeBufferPointer(rebasing: whole[bom...])
            let ascii = EncodingCheck.isASCII(body)
            var marks = MarkConverter(bytes: body, base: bom, ascii: ascii)
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                fail("could not initialise the YAML parser", at: 0)
                return
            }
            defer { yaml_parser_delete(&parser) }
            if let p = body.baseAddress {
                yaml_parser_set_input_string(&parser, p, body.count)
            } else {
                var empty: UInt8 = 0
                yaml_parser_set_input_string(&parser, &empty, 0)
            }
            var event = yaml_event_t()
            while !fatal {
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    reportSyntaxError(parser, marks: &marks)
                    return
                }
                defer { yaml_event_delete(&event) }
                let start = marks.offset(ofCharacter: Int(event.start_mark.index))
                let end = marks.offset(ofCharacter: Int(event.end_mark.index))
                if !handle(event, start: start, end: end) { return }
            }
        }
        // Collections still open after a fatal error (a partial tree) have no children.
        for open in stack { tree.nodes[open.node].payloadCount = 0 }
        if !fatal { scanComments() }
    }

    /// libyaml's error, at its mark, with its context's position.
    mutating func reportSyntaxError(_ parser: yaml_parser_t, marks: inout MarkConverter) {
        let offset = marks.offset(ofCharacter: Int(parser.problem_mark.index))
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        var message = "invalid YAML: \(problem)"
        let ctx = parser.context.map({ String(cString: $0) })
        if let ctx {
            let ctxPos = source.position(of: marks.offset(ofCharacter: Int(parser.context_mark.index)))
            message += " (\(ctx) at line \(ctxPos.line), column \(ctxPos.column))"
        }
        if ctx?.contains("flow") == true, let path = unquotedSubscript(at: offset), path.hasSuffix("64[ns]") {
            // `dtype: datetime64[ns]` inside `{…}`: a dtype name, not a path.
            fail("invalid YAML: `[` inside a flow collection (`[…]` or `{…}`) starts a new sequence, so the dtype `\(path)` is split; it must be quoted there",
                 at: offset, help: "write it quoted: `\"\(path)\"`, or use a block collection")
            return
        }
        if ctx?.contains("flow") == true, let path = unquotedSubscript(at: offset) {
            fail("invalid YAML: `[` inside a flow collection (`[…]` or `{…}`) starts a new sequence, so the path `\(path)` is split; a path with a subscript must be quoted there",
                 at: offset, help: "write it quoted: `\"\(path)\"`, or use a block collection")
            return
        }
        fail(message, at: offset)
    }

    /// The path written unquoted around the `[` at `offset` (`edges[-1]`, `weights[:, 0]`),
    /// when the byte before it continues a plain scalar; nil otherwise.
    func unquotedSubscript(at offset: Int) -> String? {
        let b = source.bytes
        func pathByte(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2E }
        guard offset > 0, offset < b.count, b[offset] == 0x5B, pathByte(b[offset - 1]) else { return nil }
        var start = offset
        while start > 0, pathByte(b[start - 1]) { start -= 1 }
        var end = offset
        while end < b.count, b[end] == 0x5B || pathByte(b[end]) {
            if b[end] == 0x5B {
                guard let close = b[end...].prefix(200).firstIndex(of: 0x5D), !b[end..<close].contains(0x0A) else { return nil }
                end = close + 1
            } else {
                end += 1
            }
        }
        return String(decoding: b[start..<end], as: UTF8.self)
    }

    /// Adds one event's node to the tree; false when parsing stops (the stream ended or a limit was hit).
    mutating func handle(_ event: yaml_event_t, start: Int, end: Int) -> Bool {
        switch event.type {
        case YAML_STREAM_END_EVENT:
            return false
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                fail("several YAML documents in one file; a pipeline file holds exactly one", at: start,
                     help: "split the documents into separate files")
            }
        case YAML_SCALAR_EVENT:
            return scalar(event.data.scalar, start: start, end: end)
        case YAML_SEQUENCE_START_EVENT:
            let e = event.data.sequence_start
            return openCollection(isSequence: true, flow: e.style == YAML_FLOW_SEQUENCE_STYLE, tag: e.tag, anchor: e.anchor, start: start, end: end)
        case YAML_MAPPING_START_EVENT:
            let e = event.data.mapping_start
            return openCollection(isSequence: false, flow: e.style == YAML_FLOW_MAPPING_STYLE, tag: e.tag, anchor: e.anchor, start: start, end: end)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            closeCollection(endMark: end)
        case YAML_ALIAS_EVENT:
            return alias(event.data.alias.anchor.map { String(cString: $0) } ?? "", start: start, end: end)
        default:
            break
        }
        return true
    }

    /// Whether a scalar of `length` decoded bytes fits `limits.maxScalarBytes`; else a located error.
    @inline(__always) mutating func scalarWithinLimit(_ length: Int, at start: Int) -> Bool {
        if length <= limits.maxScalarBytes { return true }
        return scalarOverLimit(length, at: start)
    }

    /// The error of `scalarWithinLimit`, apart so that the check inlines; false.
    @inline(never) mutating func scalarOverLimit(_ length: Int, at start: Int) -> Bool {
        fail("scalar of \(length) bytes is over the \(limits.maxScalarBytes)-byte limit", at: start)
        return false
    }

    /// Adds a scalar whose `length` decoded bytes were appended to `scalarBytes` at `payloadStart`.
    @discardableResult
    mutating func addScalar(style: ScalarStyle, tag: SyntaxTree.StandardTag?, payloadStart: Int, length: Int, start: Int, end: Int) -> NodeID {
        let id = addNode(SyntaxTree.Node(
            kind: .scalar, scalarStyle: style, collectionStyle: .flow, tag: tag,
            range: SourceRange(start: start, end: end),
            payloadStart: Int32(truncatingIfNeeded: payloadStart), payloadCount: Int32(truncatingIfNeeded: length),
            aliasTarget: nil, expandedSize: 1))
        appendChild(id)
        return id
    }

    mutating func scalar(_ s: yaml_event_s.__Unnamed_union_data.__Unnamed_struct_scalar, start: Int, end: Int) -> Bool {
        guard scalarWithinLimit(Int(s.length), at: start) else { return false }
        let style: ScalarStyle
        switch s.style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: style = .literal
        case YAML_FOLDED_SCALAR_STYLE: style = .folded
        default: style = .plain
        }
        let payloadStart = tree.scalarBytes.count
        if let v = s.value, s.length > 0 {
            v.withMemoryRebound(to: UInt8.self, capacity: Int(s.length)) { p in
                tree.scalarBytes.append(contentsOf: UnsafeBufferPointer(start: p, count: Int(s.length)))
            }
        }
        guard withinNodeLimit(at: start) else { return false }
        let tag = checkTag(s.tag, at: start)
        let id = addScalar(style: style, tag: tag, payloadStart: payloadStart, length: Int(s.length), start: start, end: end)
        registerAnchor(s.anchor, id)
        return true
    }

    mutating func openCollection(isSequence: Bool, flow: Bool, tag rawTag: UnsafeMutablePointer<yaml_char_t>?,
                                 anchor: UnsafeMutablePointer<yaml_char_t>?, start: Int, end: Int) -> Bool {
        guard canOpenCollection(at: start) else { return false }
        let tag = checkTag(rawTag, at: start)
        let id = openCollection(isSequence: isSequence, flow: flow, tag: tag, start: start, end: end)
        registerAnchor(anchor, id)
        return true
    }

    /// Whether one more collection fits the depth and node limits; else a located error.
    mutating func canOpenCollection(at start: Int) -> Bool {
        let maxDepth = min(limits.maxDepth, ParseLimits.maxDepthCeiling)
        if stack.count + 1 > maxDepth {
            fail("nesting deeper than \(maxDepth) levels", at: start,
                 help: "a pipeline never needs this depth; raise `limits.max-depth` if it is legitimate")
            return false
        }
        return withinNodeLimit(at: start)
    }

    /// Adds a collection and leaves it open until `closeCollection`.
    @discardableResult
    mutating func openCollection(isSequence: Bool, flow: Bool, tag: SyntaxTree.StandardTag?, start: Int, end: Int) -> NodeID {
        let id = addNode(SyntaxTree.Node(
            kind: isSequence ? .sequence : .mapping, scalarStyle: .plain, collectionStyle: flow ? .flow : .block, tag: tag,
            range: SourceRange(start: start, end: end), payloadStart: 0, payloadCount: 0,
            aliasTarget: nil, expandedSize: 1))
        // Marks the node open until its end event (an alias to it would be a cycle).
        tree.nodes[Int(id.raw)].payloadCount = -1
        appendChild(id)
        stack.append(Open(node: Int(id.raw), pendingBase: pendingCount, aliasesBefore: aliasCount))
        return id
    }

    /// Closes the innermost open collection; `endMark` is the end of its end event (flow collections end there).
    mutating func closeCollection(endMark: Int) {
        if let open = stack.popLast() { closeCollection(open, endMark: endMark) }
    }

    mutating func alias(_ name: String, start: Int, end: Int) -> Bool {
        guard let target = anchors[name] else {
            fail("alias `*\(name)` refers to no anchor defined before it", at: start)
            return false
        }
        if tree[target].kind != .scalar, tree[target].kind != .alias, tree[target].payloadCount < 0 {
            fail("alias `*\(name)` refers to a node that contains it (a reference cycle)", at: start)
            return false
        }
        let size = expandedSize(target)
        expansion = expansion.addingReportingOverflow(size).overflow ? Int.max : expansion + size
        if expansion > limits.aliasExpansionBudget {
            fail("alias `*\(name)` expands past the budget of \(limits.aliasExpansionBudget) nodes (an alias bomb?)", at: start,
                 help: "raise `limits.alias-expansion-budget` if this file is legitimate")
            return false
        }
        guard withinNodeLimit(at: start) else { return false }
        let id = addNode(SyntaxTree.Node(
            kind: .alias, scalarStyle: .plain, collectionStyle: .flow, tag: nil,
            range: SourceRange(start: start, end: end), payloadStart: 0, payloadCount: 0,
            aliasTarget: target, expandedSize: size))
        if size >= Int(UInt32.max) { largeSizes[id.raw] = size }
        aliasCount += 1
        appendChild(id)
        return true
    }

    /// Whether one more node fits `limits.maxNodes`; else a located error at the node's start.
    @inline(__always) mutating func withinNodeLimit(at start: Int) -> Bool {
        if tree.nodes.count < limits.maxNodes { return true }
        return nodeLimitHit(at: start)
    }

    /// The error of `withinNodeLimit`, apart so that the check inlines; false.
    @inline(never) mutating func nodeLimitHit(at start: Int) -> Bool {
        fail("more than \(limits.maxNodes) YAML nodes", at: start,
             help: "a pipeline holds a few hundred; raise `limits.max-nodes` if this file is legitimate")
        return false
    }

    /// A node's expanded size, exact past 32 bits.
    func expandedSize(_ id: NodeID) -> Int {
        let n = tree.nodes[Int(id.raw)].expanded
        return n == UInt32.max ? largeSizes[id.raw] ?? Int(n) : Int(n)
    }

    mutating func addNode(_ node: SyntaxTree.Node) -> NodeID {
        tree.nodes.append(node)
        let id = NodeID(tree.nodes.count - 1)
        if tree.root == nil, stack.isEmpty { tree.root = id }
        return id
    }

    @inline(__always) mutating func appendChild(_ id: NodeID) {
        guard !stack.isEmpty else { return }
        if pendingCount < pending.count {
            pending[pendingCount] = id
        } else {
            pending.append(id)
        }
        pendingCount += 1
    }

    mutating func registerAnchor(_ anchor: UnsafeMutablePointer<yaml_char_t>?, _ id: NodeID) {
        guard let anchor else { return }
        anchors[String(cString: anchor)] = id
    }

    mutating func checkTag(_ raw: UnsafeMutablePointer<yaml_char_t>?, at offset: Int) -> SyntaxTree.StandardTag? {
        guard let raw else { return nil }
        let tag = String(cString: raw)
        let prefix = "tag:yaml.org,2002:"
        if tag.hasPrefix(prefix), let std = SyntaxTree.StandardTag(rawValue: String(tag.dropFirst(prefix.count))) {
            return std
        }
        let shown = tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
        diagnostics.append(yamlError(
            "tag `\(shown)` is not allowed; pipelint never constructs tagged objects", SourceRange(start: offset, end: tokenEnd(offset)),
            help: "describe the object with a recipe under `objects:` instead"))
        return nil
    }

    mutating func closeCollection(_ open: Open, endMark: Int) {
        let childStart = tree.children.count
        let base = open.pendingBase
        let count = pendingCount - base
        // Nodes are added in document order: with no alias inside, a collection stands for exactly
        // the nodes added since it opened; an alias stands for its target's size, added up here.
        let size = open.aliasesBefore == aliasCount ? tree.nodes.count - open.node : expandedSize(ofChildrenFrom: base)
        let last = count > 0 ? pending[pendingCount - 1] : nil
        pending.withUnsafeBufferPointer { p in
            tree.children.append(contentsOf: UnsafeBufferPointer(rebasing: p[base..<pendingCount]))
        }
        pendingCount = base
        var node = tree.nodes[open.node]
        node.payloadStart = Int32(truncatingIfNeeded: childStart)
        node.payloadCount = Int32(truncatingIfNeeded: count)
        node.expandedSize = size
        if size >= Int(UInt32.max) { largeSizes[Int32(open.node)] = size }
        if node.collectionStyle == .flow {
            node.range.end = endMark
        } else if let last {
            node.range.end = max(node.range.start, tree.nodes[Int(last.raw)].range.end)
        }
        tree.nodes[open.node] = node
        if node.kind == .mapping, count > 2 { checkDuplicateKeys(NodeID(open.node)) }
    }

    /// One plus the expanded sizes of the open collection's children from `pending[base]` on, saturating.
    func expandedSize(ofChildrenFrom base: Int) -> Int {
        var size = 1
        for i in base..<pendingCount {
            let s = expandedSize(pending[i])
            size = size.addingReportingOverflow(s).overflow ? Int.max : size + s
        }
        return size
    }

    mutating func checkDuplicateKeys(_ id: NodeID) {
        for (first, dup) in duplicateKeys(of: id) {
            let n = tree[dup]
            let text = scalarText.map { String(decoding: UnsafeBufferPointer(start: $0 + Int(n.payloadStart), count: Int(n.payloadCount)), as: UTF8.self) }
                ?? tree.scalar(dup) ?? ""
            let pos = source.position(of: tree[first].range.start)
            diagnostics.append(yamlError(
                "duplicate key `\(text)` (first defined at line \(pos.line), column \(pos.column))", tree[dup].range,
                help: "remove one of the two entries; YAML keeps only the last"))
        }
    }

    /// Each scalar key of a mapping equal to an earlier one, paired with its first occurrence
    /// (`DuplicateKeys`: linear in the keys, never quadratic whatever they are).
    func duplicateKeys(of id: NodeID) -> [(first: NodeID, duplicate: NodeID)] {
        let node = tree.nodes[Int(id.raw)]
        return tree.nodes.withUnsafeBufferPointer { nodes in
            tree.children.withUnsafeBufferPointer { children in
                tree.scalarBytes.withUnsafeBufferPointer { bytes in
                    let keys = MappingKeys(nodes: nodes, children: children, bytes: scalarText ?? bytes.baseAddress,
                                           start: Int(node.payloadStart), count: Int(node.payloadCount) / 2)
                    var work = 0
                    return DuplicateKeys.find(keys, work: &work)
                }
            }
        }
    }

    /// libyaml reports no comments: find each `#` that starts one (at a line start
    /// or after white space) outside every scalar's range — quoted and block scalars
    /// included, since their text may hold `#`.
    mutating func scanComments() {
        var scalarRanges: [SourceRange] = []
        for n in tree.nodes where n.kind == .scalar && !n.scalarStyle.isPlain {
            scalarRanges.append(n.range)
        }
        scalarRanges.sort()
        tree.comments = CommentScan.comments(in: source.bytes, from: source.hasBOM ? 3 : 0, outside: scalarRanges)
    }
}
