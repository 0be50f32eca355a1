import PipelineIR

/// A hand-written scanner for the YAML that pipelines are written in, which builds the same
/// `SyntaxTree` as libyaml's events do, through the same `TreeBuilder` calls, without libyaml.
///
/// The subset: block mappings and sequences (indentless sequences under a key included) indented
/// with spaces; flow mappings and sequences, on one line or several; single-line plain scalars;
/// single-line quoted scalars (`''` in single quotes; `\\ \" \/ \0 \a \b \t \n \v \f \r \e` and
/// an escaped space in double quotes); empty values after `key:` and `-`, and before `,`/`}` in
/// flow mappings; `#` comments after white space. Anything else — anchors, aliases, tags, `?`,
/// block scalars, multi-line scalars, tabs or CR outside comments and quoted text, a BOM,
/// `---`/`...`/`%` at a line start, control characters, keys over 1000 bytes, nesting past 200
/// levels, a limit hit, any syntax error — makes `build` return nil, and the caller parses the whole file with libyaml
/// (`TreeBuilder.run`), which also reports the errors. `FastScanTests` and the `frontend` fuzz
/// target check that an accepted file gives libyaml's tree field by field.
enum FastScan {
    /// The builder holding the whole file's tree and diagnostics, or nil when the file leaves the subset.
    static func build(_ source: SourceFile, limits: ParseLimits) -> TreeBuilder? {
        guard !source.hasBOM, EncodingCheck.problem(in: source.bytes, limits: limits) == nil else { return nil }
        var built: TreeBuilder?
        // Decoded scalar text is never longer than the file (each byte belongs to one scalar at most and
        // decoding only shortens): the scanner writes it into a buffer that size, with no append per
        // scalar. Pages it never writes cost no memory.
        let text = [UInt8](unsafeUninitializedCapacity: max(1, source.bytes.count)) { buffer, written in
            built = source.bytes.withUnsafeBufferPointer { bytes in
                classes.withUnsafeBufferPointer { cls in
                    var scanner = FastScanner(out: TreeBuilder(source: source, limits: limits), b: bytes, cls: cls, text: buffer)
                    scanner.out.reserve(scalarBytes: false)
                    do {
                        try scanner.document()
                    } catch {
                        return nil
                    }
                    written = scanner.textCount
                    // The scanner met every comment on its way (`skipComment`): no second pass over the file.
                    scanner.out.tree.comments = scanner.comments
                    return scanner.out
                }
            }
        }
        guard var out = built else { return nil }
        out.tree.scalarBytes = text
        out.scalarText = nil
        return out
    }

    // Byte classes: each bit is a set of bytes a scanning loop stops at.
    /// Plain scalar, block context: controls, space, `:`, DEL and the lead bytes `checkSpecial` looks at.
    static let plainBlockStop: UInt8 = 1
    /// Plain scalar, flow context: the above and `,[]{}`.
    static let plainFlowStop: UInt8 = 2
    /// Comment: controls but tab, DEL, special lead bytes.
    static let commentStop: UInt8 = 4
    /// Single-quoted text: the comment stops and `'`.
    static let singleStop: UInt8 = 8
    /// Double-quoted text: the comment stops, `"` and `\`.
    static let doubleStop: UInt8 = 16
    /// Cannot start a plain scalar (indicators, white space, controls); `-` is decided apart.
    static let notPlainStart: UInt8 = 32

    static let classes: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        let special: [UInt8] = [0xC2, 0xE2, 0xEF, 0x7F]
        for c in 0..<0x20 {
            t[c] |= plainBlockStop | plainFlowStop | notPlainStart
            if c != 0x09 { t[c] |= commentStop | singleStop | doubleStop }
        }
        for c in special { t[Int(c)] |= plainBlockStop | plainFlowStop | commentStop | singleStop | doubleStop }
        t[0x7F] |= notPlainStart
        for c in " :" .utf8 { t[Int(c)] |= plainBlockStop | plainFlowStop }
        for c in ",[]{}".utf8 { t[Int(c)] |= plainFlowStop }
        t[Int(UInt8(ascii: "'"))] |= singleStop
        t[Int(UInt8(ascii: "\""))] |= doubleStop
        t[Int(UInt8(ascii: "\\"))] |= doubleStop
        for c in " -?:,[]{}#&*!|>'\"%@`".utf8 { t[Int(c)] |= notPlainStart }
        return t
    }()
}

/// Thrown when the input leaves the subset; nothing is reported, the libyaml path takes over.
struct FastScanBail: Error {}

/// The scanner over one file's bytes. Every node function starts at the node's first byte;
/// block functions return at the next token (comments and line breaks skipped) or the end,
/// flow functions right after their node.
struct FastScanner {
    var out: TreeBuilder
    let b: UnsafeBufferPointer<UInt8>
    let cls: UnsafeBufferPointer<UInt8>
    let n: Int
    var i = 0
    var lineStart = 0
    /// The line of `i`, 0-based (line breaks are consumed in `skipToToken` only).
    var line = 0
    /// The comments met so far, as `CommentScan` finds them: the scanner consumes every byte, and a
    /// `#` it takes for a comment is one at a line start or after a space, outside quoted text.
    var comments: [Comment] = []

    /// A scanned scalar, not yet added: its range and how to decode it.
    struct Scalar {
        var start: Int
        var end: Int
        var style: ScalarStyle
        /// Quoted text holding `''` or a backslash escape: decoded byte by byte.
        var escaped: Bool
    }

    /// Decoded scalar text, `text[..<textCount]` written (the tree's `scalarBytes` once the scan ends).
    let text: UnsafeMutablePointer<UInt8>
    var textCount = 0
    let textCapacity: Int

    init(out: TreeBuilder, b: UnsafeBufferPointer<UInt8>, cls: UnsafeBufferPointer<UInt8>, text: UnsafeMutableBufferPointer<UInt8>) {
        self.out = out
        self.b = b
        self.cls = cls
        self.n = b.count
        // The caller sizes `text` to the file, at least one byte.
        self.text = text.baseAddress!
        self.textCapacity = text.count
        self.out.scalarText = UnsafePointer(self.text)
    }

    typealias Bail = FastScanBail

    /// The byte at `j`, 0 past the end (the encoding check has refused NUL bytes).
    @inline(__always) func at(_ j: Int) -> UInt8 { j < n ? b[j] : 0 }

    /// Whether `c` ends a token (space, line break, end); tab and CR leave the subset.
    @inline(__always) func blankZ(_ c: UInt8) throws(Bail) -> Bool {
        if c == 0x20 || c == 0x0A || c == 0 { return true }
        if c == 0x09 || c == 0x0D { throw Bail() }
        return false
    }

    @inline(__always) func isBlockEntry(_ j: Int) throws(Bail) -> Bool {
        guard at(j) == 0x2D else { return false }
        return try blankZ(at(j + 1))
    }

    mutating func document() throws(Bail) {
        try checkLineStart()
        try skipToToken()
        guard i < n else { return }
        try blockNode(indent: -1)
        guard i >= n else { throw Bail() }
    }

    // MARK: White space, comments, line starts

    /// Document markers and directives start a line only outside the subset.
    func checkLineStart() throws(Bail) {
        let c = at(i)
        if c == 0x25 { throw Bail() }
        if (c == 0x2D || c == 0x2E), at(i + 1) == c, at(i + 2) == c { throw Bail() }
    }

    /// Skips spaces, line breaks and comments up to the next token or the end.
    mutating func skipToToken() throws(Bail) {
        while true {
            let c = at(i)
            if c == 0x20 {
                i += 1
            } else if c == 0x0A {
                i += 1
                line += 1
                lineStart = i
                try checkLineStart()
            } else if c == 0x23 {
                // libyaml takes any `#` here for a comment; the comment scan only one after white space.
                guard i == lineStart || b[i - 1] == 0x20 else { throw Bail() }
                try skipComment()
            } else if c == 0x09 || c == 0x0D {
                throw Bail()
            } else {
                return
            }
        }
    }

    /// From a `#` to the line break or the end, checking each byte is one libyaml reads; the comment
    /// is recorded.
    mutating func skipComment() throws(Bail) {
        let hash = i
        i += 1
        while true {
            while i < n, cls[Int(b[i])] & FastScan.commentStop == 0 { i += 1 }
            let c = at(i)
            if c == 0x0A || c == 0 {
                var ownLine = true
                for k in lineStart..<hash where b[k] != 0x20 && b[k] != 0x09 {
                    ownLine = false
                    break
                }
                comments.append(Comment(range: SourceRange(start: hash, end: i), line: line, ownLine: ownLine))
                return
            }
            guard c >= 0x80 else { throw Bail() }
            try checkSpecial(i)
            i += 1
        }
    }

    /// A non-ASCII lead byte: C1 controls (libyaml refuses them), NEL, LS, PS (line breaks to
    /// libyaml), a BOM (skipped at a line start), U+FFFE/U+FFFF (refused) leave the subset.
    func checkSpecial(_ j: Int) throws(Bail) {
        let c = at(j), d = at(j + 1), e = at(j + 2)
        switch c {
        case 0xC2: if d < 0xA0 { throw Bail() }
        case 0xE2: if d == 0x80, e == 0xA8 || e == 0xA9 { throw Bail() }
        case 0xEF: if (d == 0xBB && e == 0xBF) || (d == 0xBF && e >= 0xBE) { throw Bail() }
        case 0x7F: throw Bail()
        default: break
        }
    }

    /// After an inline value: spaces, then a comment, a line break or the end; then the next token.
    mutating func finishLine() throws(Bail) {
        while at(i) == 0x20 { i += 1 }
        let c = at(i)
        guard c == 0x0A || c == 0 || (c == 0x23 && b[i - 1] == 0x20) else { throw Bail() }
        try skipToToken()
    }

    // MARK: Block structure

    /// A block node at `i` (not the end) inside a block collection indented at `indent` (-1: the root).
    mutating func blockNode(indent: Int) throws(Bail) {
        let col = i - lineStart
        let c = b[i]
        if try isBlockEntry(i) {
            try blockSequence(col: col, indentless: false)
            return
        }
        if c == 0x5B || c == 0x7B {
            try flowCollection()
            try finishLine()
            return
        }
        let s = try scalar(flow: false, indent: indent)
        var j = i
        while at(j) == 0x20 { j += 1 }
        if at(j) == 0x3A, try blankZ(at(j + 1)) {
            try blockMapping(col: col, firstKey: s, colon: j)
            return
        }
        try emit(s)
        try finishLine()
    }

    /// A block mapping at column `col` whose first key is scanned, its `:` at `colon`.
    mutating func blockMapping(col: Int, firstKey: Scalar, colon firstColon: Int) throws(Bail) {
        try open(sequence: false, flow: false, start: firstKey.start, end: firstKey.start)
        var key = firstKey
        var colon = firstColon
        while true {
            // libyaml forgets a simple key 1024 characters on: past that the `:` is an error.
            guard colon - key.start <= 1000 else { throw Bail() }
            try emit(key)
            i = colon + 1
            try mappingValue(indent: col, mark: i)
            if i >= n { break }
            let c = i - lineStart
            if c < col { break }
            guard c == col, try !isBlockEntry(i) else { throw Bail() }
            key = try scalar(flow: false, indent: col)
            var j = i
            while at(j) == 0x20 { j += 1 }
            guard at(j) == 0x3A, try blankZ(at(j + 1)) else { throw Bail() }
            colon = j
        }
        out.closeCollection(endMark: i)
    }

    /// The value after a block mapping's `:` (`mark`: just after it, where an empty value lies).
    mutating func mappingValue(indent: Int, mark: Int) throws(Bail) {
        while at(i) == 0x20 { i += 1 }
        let ch = at(i)
        if ch == 0x0A || ch == 0 || ch == 0x23 {
            try skipToToken()
            let c = i - lineStart
            if i >= n || c < indent {
                try emitEmpty(at: mark)
            } else if c == indent {
                if try isBlockEntry(i) {
                    try blockSequence(col: indent, indentless: true)
                } else {
                    try emitEmpty(at: mark)
                }
            } else {
                try blockNode(indent: indent)
            }
            return
        }
        if ch == 0x5B || ch == 0x7B {
            try flowCollection()
        } else {
            try emit(scalar(flow: false, indent: indent))
        }
        try finishLine()
    }

    /// A block sequence whose entries' `-` stand at column `col` (`indentless`: under a key, at its column).
    mutating func blockSequence(col: Int, indentless: Bool) throws(Bail) {
        try open(sequence: true, flow: false, start: i, end: indentless ? i + 1 : i)
        while true {
            i += 1
            let mark = i
            while at(i) == 0x20 { i += 1 }
            let ch = at(i)
            if ch == 0x0A || ch == 0 || ch == 0x23 {
                try skipToToken()
                if i >= n || i - lineStart <= col {
                    try emitEmpty(at: mark)
                } else {
                    try blockNode(indent: col)
                }
            } else {
                try blockNode(indent: col)
            }
            if i >= n { break }
            let c = i - lineStart
            if c < col { break }
            guard c == col else { throw Bail() }
            if try isBlockEntry(i) { continue }
            guard indentless else { throw Bail() }
            break
        }
        out.closeCollection(endMark: i)
    }

    // MARK: Flow structure

    mutating func flowCollection() throws(Bail) {
        if b[i] == 0x5B { try flowSequence() } else { try flowMapping() }
    }

    mutating func flowSequence() throws(Bail) { try flowEntries(mapping: false) }

    mutating func flowMapping() throws(Bail) { try flowEntries(mapping: true) }

    /// A flow sequence or mapping at `i`, up to and including its closing bracket; entries are
    /// separated by `,`, a trailing one allowed. Inlined into `flowSequence` and `flowMapping` with
    /// `mapping` a constant: each keeps its own loop, as fast as when they were written apart.
    @inline(__always) mutating func flowEntries(mapping: Bool) throws(Bail) {
        let close: UInt8 = mapping ? 0x7D : 0x5D
        try open(sequence: !mapping, flow: true, start: i, end: i + 1)
        i += 1
        try skipToToken()
        var first = true
        while true {
            if at(i) == close {
                i += 1
                out.closeCollection(endMark: i)
                return
            }
            if !first {
                guard at(i) == 0x2C else { throw Bail() }
                i += 1
                try skipToToken()
                if at(i) == close { continue }
            }
            first = false
            if mapping {
                try flowMappingEntry()
            } else {
                try flowNode()
                try skipToToken()
            }
        }
    }

    mutating func flowNode() throws(Bail) {
        let c = at(i)
        if c == 0x5B || c == 0x7B {
            try flowCollection()
        } else {
            try emit(scalar(flow: true, indent: 0))
        }
    }

    /// One `key: value` of a flow mapping (the key a scalar), up to the next token.
    @inline(__always) mutating func flowMappingEntry() throws(Bail) {
        let c = at(i)
        guard c != 0x5B, c != 0x7B else { throw Bail() }
        let key = try scalar(flow: true, indent: 0)
        var j = i
        while at(j) == 0x20 { j += 1 }
        guard at(j) == 0x3A, try blankZ(at(j + 1)), j - key.start <= 1000 else { throw Bail() }
        try emit(key)
        i = j + 1
        try skipToToken()
        let v = at(i)
        if v == 0x2C || v == 0x7D {
            try emitEmpty(at: i)
        } else {
            try flowNode()
            try skipToToken()
        }
    }

    // MARK: Scalars

    /// A quoted or plain scalar starting at `i`; `i` ends after it (a plain one's trailing spaces
    /// before `:` or `#` skipped). `indent`: the enclosing block collection's, for line continuations.
    mutating func scalar(flow: Bool, indent: Int) throws(Bail) -> Scalar {
        let c = at(i)
        if c == 0x27 || c == 0x22 { return try quoted() }
        if c == 0x2D {
            guard try !blankZ(at(i + 1)) else { throw Bail() }
        } else if cls[Int(c)] & FastScan.notPlainStart != 0 {
            throw Bail()
        }
        return try plain(flow: flow, indent: indent)
    }

    mutating func plain(flow: Bool, indent: Int) throws(Bail) -> Scalar {
        let start = i
        var end = i
        let mask = flow ? FastScan.plainFlowStop : FastScan.plainBlockStop
        while true {
            let from = i
            while i < n, cls[Int(b[i])] & mask == 0 { i += 1 }
            if i > from { end = i }
            let c = at(i)
            if c == 0x3A {
                let d = at(i + 1)
                if try blankZ(d) { break }
                if flow, d == 0x2C || d == 0x5B || d == 0x5D || d == 0x7B || d == 0x7D || d == 0x3F { throw Bail() }
                i += 1
                end = i
            } else if c == 0x20 {
                var j = i + 1
                while at(j) == 0x20 { j += 1 }
                let d = at(j)
                i = j
                if d == 0x0A || d == 0 {
                    try continuation(flow: flow, indent: indent)
                    break
                }
                if d == 0x23 { break }
                if d == 0x09 || d == 0x0D { throw Bail() }
            } else if c == 0x0A || c == 0 {
                try continuation(flow: flow, indent: indent)
                break
            } else if c >= 0x80 {
                try checkSpecial(i)
                i += 1
                end = i
            } else if flow, c == 0x2C || c == 0x5B || c == 0x5D || c == 0x7B || c == 0x7D {
                break
            } else {
                throw Bail()
            }
        }
        return Scalar(start: start, end: end, style: .plain, escaped: false)
    }

    /// A plain scalar stopped at a line break (or the end) at `i`: libyaml would continue it on the
    /// next line unless that line is less indented (block context), a comment, or (flow context)
    /// starts with a flow indicator or `: `. A continued scalar leaves the subset.
    func continuation(flow: Bool, indent: Int) throws(Bail) {
        var j = i
        var lineStart = -1
        while true {
            let c = at(j)
            if c == 0x0A {
                j += 1
                lineStart = j
            } else if c == 0x20 {
                j += 1
            } else if c == 0x09 || c == 0x0D {
                throw Bail()
            } else {
                break
            }
        }
        let c = at(j)
        if c == 0 || c == 0x23 { return }
        if flow {
            if c == 0x2C || c == 0x5B || c == 0x5D || c == 0x7B || c == 0x7D { return }
            if c == 0x3A, try blankZ(at(j + 1)) { return }
            throw Bail()
        }
        guard lineStart >= 0, j - lineStart <= indent else { throw Bail() }
    }

    /// A single-line quoted scalar at `i`.
    mutating func quoted() throws(Bail) -> Scalar {
        let start = i
        let q = b[i]
        let single = q == 0x27
        let mask = single ? FastScan.singleStop : FastScan.doubleStop
        var escaped = false
        i += 1
        while true {
            while i < n, cls[Int(b[i])] & mask == 0 { i += 1 }
            let c = at(i)
            if c == q {
                if single, at(i + 1) == q {
                    escaped = true
                    i += 2
                    continue
                }
                i += 1
                return Scalar(start: start, end: i, style: single ? .singleQuoted : .doubleQuoted, escaped: escaped)
            }
            if c == 0x5C {
                guard Self.escape(at(i + 1)) != nil else { throw Bail() }
                escaped = true
                i += 2
            } else if c >= 0x80 {
                try checkSpecial(i)
                i += 1
            } else {
                throw Bail()
            }
        }
    }

    /// The byte a one-character escape after `\` stands for (the escapes of one byte libyaml knows).
    static func escape(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0"): 0x00
        case UInt8(ascii: "a"): 0x07
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "t"), 0x09: 0x09
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "v"): 0x0B
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "e"): 0x1B
        case 0x20, 0x22, 0x2F, 0x5C: c
        default: nil
        }
    }

    // MARK: Events

    /// Nesting the scanner follows (it recurses, about three calls a level); deeper files go to
    /// libyaml, which keeps its own stack, so a thread's small stack never limits `max-depth`.
    static let maxNesting = 200

    mutating func open(sequence: Bool, flow: Bool, start: Int, end: Int) throws(Bail) {
        guard out.stack.count < Self.maxNesting, out.canOpenCollection(at: start) else { throw Bail() }
        out.openCollection(isSequence: sequence, flow: flow, tag: nil, start: start, end: end)
    }

    /// Adds a scanned scalar with its decoded value.
    mutating func emit(_ s: Scalar) throws(Bail) {
        let payloadStart = textCount
        let quote = s.style == .plain ? 0 : 1
        let from = s.start + quote, to = s.end - quote
        // Never past the buffer, whatever the scan did (decoded text cannot outgrow its source).
        guard to - from <= textCapacity - textCount else { throw Bail() }
        if !s.escaped {
            // Short scalars (most) byte by byte: cheaper than a call to memcpy.
            if to - from > 16 {
                (text + textCount).initialize(from: b.baseAddress! + from, count: to - from)
                textCount += to - from
            } else {
                for k in from..<to {
                    text[textCount] = b[k]
                    textCount += 1
                }
            }
        } else {
            var k = from
            while k < to {
                let c = b[k]
                if s.style == .singleQuoted, c == 0x27 {
                    text[textCount] = c
                    k += 2
                } else if s.style == .doubleQuoted, c == 0x5C, let e = Self.escape(b[k + 1]) {
                    text[textCount] = e
                    k += 2
                } else {
                    text[textCount] = c
                    k += 1
                }
                textCount += 1
            }
        }
        let length = textCount - payloadStart
        guard out.scalarWithinLimit(length, at: s.start), out.withinNodeLimit(at: s.start) else { throw Bail() }
        out.addScalar(style: s.style, tag: nil, payloadStart: payloadStart, length: length, start: s.start, end: s.end)
    }

    /// An empty plain scalar at `mark`, where libyaml puts it.
    mutating func emitEmpty(at mark: Int) throws(Bail) {
        guard out.withinNodeLimit(at: mark) else { throw Bail() }
        out.addScalar(style: .plain, tag: nil, payloadStart: textCount, length: 0, start: mark, end: mark)
    }
}
