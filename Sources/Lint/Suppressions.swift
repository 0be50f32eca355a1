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

/// Finds suppressions in a file.
public enum SuppressionScanner {
    /// Comment suppressions: `# pipelint: ignore[PL001, PL004] reason`.
    public static func comments(in tree: SyntaxTree, source: SourceFile) -> [Suppression] {
        var out: [Suppression] = []
        let marker = "pipelint:"
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
                while l < source.lineStarts.count {
                    let t = source.lineText(l).drop { $0 == " " || $0 == "\t" }
                    if !t.isEmpty, !t.hasPrefix("#") { break }
                    l += 1
                }
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
        func add(_ s: Suppressions?, _ scope: Suppression.Scope) {
            guard let s else { return }
            out.append(Suppression(ids: s.ids, idRanges: idRanges(s, tree), reason: s.reason, scope: scope, range: s.range))
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
        let scalars = tree.nodes.indices.filter {
            let n = tree.nodes[$0]
            return n.kind == .scalar && n.range.start >= s.range.start && n.range.end <= s.range.end
        }.map { NodeID($0) }
        return s.ids.map { id in
            scalars.first { tree.scalar($0) == id }.map { tree[$0].range } ?? s.range
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
