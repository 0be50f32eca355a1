import Analysis
import PipelineIR
import PipelineYAML

/// A suppression, written in the data (`lint: {ignore: [...], reason: ...}` on
/// the file or an object, function, array or step) or as a comment
/// (`# pipelint: ignore[PL001] reason`, on the finding's line or alone on the
/// line above it).
public struct Suppression: Sendable, Hashable {
    public enum Scope: Sendable, Hashable {
        /// The whole file.
        case file
        /// Findings about a named object, function, array or step.
        case subject(String)
        /// Findings starting on a 0-based line.
        case line(Int)
    }
    public var ids: [String]
    /// Range of each ID token (for "unused" and "unknown" findings), parallel to `ids`.
    public var idRanges: [SourceRange]
    public var reason: String?
    public var scope: Scope
    /// The whole suppression (comment or `lint:` mapping).
    public var range: SourceRange

    /// Whether it covers `finding` by ID.
    func covers(_ f: Finding, line: Int) -> Bool {
        guard ids.contains(f.code.id) else { return false }
        switch scope {
        case .file: return true
        case .subject(let name): return f.subjects.contains(name)
        case .line(let l): return l == line
        }
    }
}

/// A file's suppressions indexed by scope, so each finding is compared only with
/// the suppressions that could cover it: the file's, its subjects', its line's.
struct SuppressionIndex {
    /// A suppression (by position in the file's list) that suppressed a finding of rule `id`.
    struct Use: Hashable {
        var suppression: Int
        var id: String
    }

    let suppressions: [Suppression]
    private var file: [Int] = []
    private var bySubject: [String: [Int]] = [:]
    private var byLine: [Int: [Int]] = [:]

    init(_ suppressions: [Suppression]) {
        self.suppressions = suppressions
        for (i, s) in suppressions.enumerated() {
            switch s.scope {
            case .file: file.append(i)
            case .subject(let name): bySubject[name, default: []].append(i)
            case .line(let l): byLine[l, default: []].append(i)
            }
        }
    }

    /// Removes the suppressed findings (keeping the others in order) and returns which
    /// suppressions were used for which rule.
    func apply(to findings: inout [Finding], source: SourceFile) -> Set<Use> {
        var used = Set<Use>()
        var probes = 0
        findings.removeAll { f in
            let line = source.lineIndex(of: f.range.start)
            var suppressed = false
            func consider(_ candidates: [Int]?) {
                for i in candidates ?? [] {
                    probes += 1
                    if suppressions[i].covers(f, line: line) {
                        used.insert(Use(suppression: i, id: f.code.id))
                        suppressed = true
                    }
                }
            }
            consider(file)
            // A subject named twice is looked up once.
            for (n, subject) in f.subjects.enumerated() where !f.subjects[..<n].contains(subject) { consider(bySubject[subject]) }
            consider(byLine[line])
            return suppressed
        }
        WorkCounter.count(.suppressionProbes, probes)
        return used
    }
}

/// Finds suppressions in a file.
public enum SuppressionScanner {
    /// Comment suppressions: `# pipelint: ignore[PL001, PL004] reason`.
    public static func comments(in tree: SyntaxTree, source: SourceFile) -> [Suppression] {
        var out: [Suppression] = []
        let marker = "pipelint:"
        // The last scan for the line a comment covers: every line in `from..<to` is blank
        // or a comment, so a later comment starting inside it covers `to` too, and a block of
        // stacked suppression comments is scanned once, not once per comment.
        var lastScan = (from: 0, to: -1)
        for c in tree.comments {
            let text = source.text(c.range)
            var body = text.dropFirst().drop { $0 == " " || $0 == "\t" }
            guard body.hasPrefix(marker) else { continue }
            body = body.dropFirst(marker.count).drop { $0 == " " }
            guard body.hasPrefix("ignore[") , let close = body.firstIndex(of: "]") else { continue }
            let inside = body[body.index(body.startIndex, offsetBy: 7)..<close]
            // Byte offset of the list within the comment, for precise ID ranges.
            let listStart = c.range.start + text.utf8.distance(from: text.utf8.startIndex, to: inside.startIndex.samePosition(in: text.utf8) ?? text.utf8.startIndex)
            var ids: [String] = []
            var ranges: [SourceRange] = []
            var offset = listStart
            for part in inside.split(separator: ",", omittingEmptySubsequences: false) {
                let lead = part.prefix { $0 == " " }.utf8.count
                let id = part.trimmingSpaces
                if !id.isEmpty {
                    ids.append(id)
                    ranges.append(SourceRange(start: offset + lead, end: offset + lead + id.utf8.count))
                }
                offset += part.utf8.count + 1
            }
            var rest = body[body.index(after: close)...].drop { $0 == " " || $0 == ":" || $0 == "-" || $0 == "—" }
            while rest.last == " " { rest = rest.dropLast() }
            let target: Int
            if c.ownLine {
                // Alone on its line: it covers the next line that is not blank or another comment.
                var l = c.line + 1
                if lastScan.from <= l, l <= lastScan.to { l = lastScan.to }
                while l < source.lineStarts.count {
                    let t = source.lineText(l).drop { $0 == " " || $0 == "\t" }
                    if !t.isEmpty, !t.hasPrefix("#") { break }
                    l += 1
                }
                lastScan = (c.line + 1, l)
                target = l
            } else {
                target = c.line
            }
            out.append(Suppression(ids: ids, idRanges: ranges, reason: rest.isEmpty ? nil : String(rest), scope: .line(target), range: c.range))
        }
        return out
    }

    /// Data suppressions from the model (`lint:` mappings).
    public static func data(in p: Pipeline, tree: SyntaxTree) -> [Suppression] {
        var out: [Suppression] = []
        var scalars: ScalarsByStart?
        func add(_ s: Suppressions?, _ scope: Suppression.Scope) {
            guard let s else { return }
            if scalars == nil { scalars = ScalarsByStart(tree) }
            out.append(Suppression(ids: s.ids, idRanges: scalars?.idRanges(s, tree) ?? [], reason: s.reason, scope: scope, range: s.range))
        }
        add(p.suppressions, .file)
        for o in p.objects { add(o.suppressions, .subject(o.name)) }
        for f in p.functions { add(f.suppressions, .subject(f.name)) }
        for a in p.arrays { add(a.suppressions, .subject(a.name)) }
        for s in p.steps { add(s.suppressions, .subject(s.name)) }
        return out
    }

    /// Ranges of the ID scalars inside a `lint:` mapping's `ignore` list.
    static func idRanges(_ s: Suppressions, _ tree: SyntaxTree) -> [SourceRange] {
        ScalarsByStart(tree).idRanges(s, tree)
    }

    /// The tree's scalar nodes sorted by start (then arena order), built once per file, so
    /// the scalars inside each `lint:` mapping are found by binary search instead of a
    /// scan of every node per suppression.
    struct ScalarsByStart {
        var nodes: [NodeID] = []

        init(_ tree: SyntaxTree) {
            for i in tree.nodes.indices where tree.nodes[i].kind == .scalar { nodes.append(NodeID(i)) }
            // Arena order is document order for scalars; sort only when it is not.
            let ordered = zip(nodes, nodes.dropFirst()).allSatisfy { tree[$0].range.start <= tree[$1].range.start }
            if !ordered { nodes.sort { (tree[$0].range.start, $0) < (tree[$1].range.start, $1) } }
        }

        /// For each ID of `s`, the range of the first scalar inside `s.range` (in arena order)
        /// whose text is that ID; the whole suppression's range when there is none.
        func idRanges(_ s: Suppressions, _ tree: SyntaxTree) -> [SourceRange] {
            var lo = 0, hi = nodes.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if tree[nodes[mid]].range.start < s.range.start { lo = mid + 1 } else { hi = mid }
            }
            var inside: [NodeID] = []
            var i = lo
            while i < nodes.count, tree[nodes[i]].range.start <= s.range.end {
                if tree[nodes[i]].range.end <= s.range.end { inside.append(nodes[i]) }
                i += 1
            }
            inside.sort()
            return s.ids.map { id in
                inside.first { tree.scalar($0) == id }.map { tree[$0].range } ?? s.range
            }
        }
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(self.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

extension CheckCode {
    /// A suppression that suppresses nothing.
    public static let unusedSuppression = CheckCode(id: "PL013", name: "unused-suppression")
    /// A suppression without a reason.
    public static let suppressionWithoutReason = CheckCode(id: "PL014", name: "suppression-without-reason")
}
