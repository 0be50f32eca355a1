/// A unified diff of two texts, line by line, as `diff -u` and `git diff`
/// print it (`--- a/path`, `+++ b/path`, hunks with 3 lines of context), so
/// `git apply` takes it.
public enum UnifiedDiff {
    /// `path` as `git diff --no-index` writes it after `a/` and `b/`: no leading `/` (an absolute
    /// path `/tmp/x.yaml` gives `a/tmp/x.yaml`), no `.` components and no empty ones
    /// (`./x.yaml` and `dir//x.yaml` give `a/x.yaml` and `a/dir/x.yaml`); `..` is kept.
    public static func gitPath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.joined(separator: "/")
    }

    /// The diff of `old` → `new` for `path`; empty when they are equal.
    public static func render(path: String, old: [UInt8], new: [UInt8], context: Int = 3) -> String {
        if old == new { return "" }
        let a = lines(old)
        let b = lines(new)
        let ops = diff(a, b)
        let shown = gitPath(path)
        var out = "--- a/\(shown)\n+++ b/\(shown)\n"
        // Group operations into hunks separated by more than 2 × context unchanged lines.
        var i = 0
        while i < ops.count {
            guard let firstChange = ops[i...].firstIndex(where: { $0.kind != .same }) else { break }
            var start = max(i, firstChange - context)
            // Never reach back into the previous hunk.
            if start < i { start = i }
            var end = firstChange
            var lastChange = firstChange
            while end < ops.count {
                if ops[end].kind != .same { lastChange = end }
                if end - lastChange > 2 * context { break }
                end += 1
            }
            let stop = min(ops.count, lastChange + context + 1)
            let hunk = ops[start..<stop]
            let oldStart = hunk.first?.oldIndex ?? 0
            let newStart = hunk.first?.newIndex ?? 0
            let oldCount = hunk.filter { $0.kind != .insert }.count
            let newCount = hunk.filter { $0.kind != .delete }.count
            out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n"
            for op in hunk {
                let line: Line
                let mark: String
                switch op.kind {
                case .same: line = a[op.oldIndex]; mark = " "
                case .delete: line = a[op.oldIndex]; mark = "-"
                case .insert: line = b[op.newIndex]; mark = "+"
                }
                out += mark + String(decoding: line.content, as: UTF8.self) + "\n"
                if !line.hasBreak { out += "\\ No newline at end of file\n" }
            }
            i = stop
        }
        return out
    }

    static func range(_ start: Int, _ count: Int) -> String {
        // diff numbers lines from 1; an empty range names the line before it.
        let first = count == 0 ? start : start + 1
        return count == 1 ? "\(first)" : "\(first),\(count)"
    }

    struct Line: Equatable {
        var content: ArraySlice<UInt8>
        var lineBreak: ArraySlice<UInt8>
        var hasBreak: Bool { !lineBreak.isEmpty }
    }

    /// Lines with their breaks (LF, CRLF, CR) kept apart, so a changed break shows as a change.
    static func lines(_ bytes: [UInt8]) -> [Line] {
        var out: [Line] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0A || bytes[i] == 0x0D {
                let contentEnd = i
                if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                out.append(Line(content: bytes[start..<contentEnd], lineBreak: bytes[contentEnd...i]))
                i += 1
                start = i
                continue
            }
            i += 1
        }
        if start < bytes.count { out.append(Line(content: bytes[start...], lineBreak: [])) }
        return out
    }

    struct Op {
        enum Kind { case same, delete, insert }
        var kind: Kind
        /// Index in the old lines (for `.insert`: the old line it comes before).
        var oldIndex: Int
        /// Index in the new lines (for `.delete`: the new line it comes before).
        var newIndex: Int
    }

    /// Line operations: common prefix and suffix first, then a longest common
    /// subsequence of what is left (fixes touch a few lines, so that part is small;
    /// past a size bound the middle is replaced wholesale rather than diffed).
    static func diff(_ a: [Line], _ b: [Line]) -> [Op] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        var ops: [Op] = (0..<prefix).map { Op(kind: .same, oldIndex: $0, newIndex: $0) }
        let ma = Array(a[prefix..<(a.count - suffix)])
        let mb = Array(b[prefix..<(b.count - suffix)])
        if ma.count * mb.count <= 4_000_000 {
            // LCS table over the middle.
            let n = ma.count, m = mb.count
            var t = Array(repeating: 0, count: (n + 1) * (m + 1))
            if n > 0, m > 0 {
                for i in stride(from: n - 1, through: 0, by: -1) {
                    for j in stride(from: m - 1, through: 0, by: -1) {
                        t[i * (m + 1) + j] = ma[i] == mb[j] ? t[(i + 1) * (m + 1) + j + 1] + 1
                            : max(t[(i + 1) * (m + 1) + j], t[i * (m + 1) + j + 1])
                    }
                }
            }
            var i = 0, j = 0
            while i < n || j < m {
                if i < n, j < m, ma[i] == mb[j] {
                    ops.append(Op(kind: .same, oldIndex: prefix + i, newIndex: prefix + j)); i += 1; j += 1
                } else if i < n, j == m || t[(i + 1) * (m + 1) + j] >= t[i * (m + 1) + j + 1] {
                    // Deletions before insertions, as diff prints them.
                    ops.append(Op(kind: .delete, oldIndex: prefix + i, newIndex: prefix + j)); i += 1
                } else {
                    ops.append(Op(kind: .insert, oldIndex: prefix + i, newIndex: prefix + j)); j += 1
                }
            }
        } else {
            ops += ma.indices.map { Op(kind: .delete, oldIndex: prefix + $0, newIndex: prefix) }
            ops += mb.indices.map { Op(kind: .insert, oldIndex: prefix + ma.count, newIndex: prefix + $0) }
        }
        for k in 0..<suffix {
            ops.append(Op(kind: .same, oldIndex: a.count - suffix + k, newIndex: b.count - suffix + k))
        }
        return ops
    }
}
