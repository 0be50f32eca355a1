import FileAccess
import Foundation

/// `.gitignore` and `.ignore` files, as directory scans honour them (ripgrep's and ruff's
/// rules): each file applies to its folder and below; `.ignore` files override `.gitignore`
/// files, which override `.git/info/exclude`; among files of one kind the deepest decides,
/// and within a file the last matching pattern (`!` re-includes). `.gitignore` (and `.git/info/exclude`) count
/// only inside a git repository, and the files of the folders above the scanned one are read
/// up to the repository's root. An ignored folder is not entered. Paths named on the
/// command line are always checked.
final class IgnoreFiles {
    /// Patterns by absolute folder: `.ignore`, `.gitignore`, `info/exclude`.
    private var byFolder: [String: [[IgnorePattern]]] = [:]
    /// Per scanned root: its absolute path and the folders above it whose files apply.
    private var roots: [String: (absolute: String, above: [String], gitRoot: String?)] = [:]

    /// Whether `relative` (a path below `root`, `/`-separated) is ignored.
    func isIgnored(root: String, relative: String, isDirectory: Bool) -> Bool {
        let scan = rootInfo(root)
        let parts = relative.split(separator: "/").map(String.init)
        // Folders whose files apply, deepest first, with the path relative to each.
        var folders: [(path: String, relative: String)] = []
        var folder = scan.absolute
        var chain: [(String, Int)] = [(folder, 0)]
        for (i, p) in parts.dropLast().enumerated() {
            folder += "/" + p
            chain.append((folder, i + 1))
        }
        for (path, depth) in chain.reversed() { folders.append((path, parts[depth...].joined(separator: "/"))) }
        var below = scan.absolute
        var up = ""
        for above in scan.above {
            up = String(below.split(separator: "/").last ?? "") + (up.isEmpty ? "" : "/" + up)
            folders.append((above, up + "/" + relative))
            below = above
        }
        // As ripgrep: the kind of file first (`.ignore`, then `.gitignore`, then `info/exclude`),
        // then the deepest folder.
        for kind in 0..<3 {
            for (path, rel) in folders {
                let file = patterns(path, gitRoot: scan.gitRoot)[kind]
                if let last = file.last(where: { $0.matches(rel, isDirectory: isDirectory) }) { return !last.negated }
            }
        }
        return false
    }

    private func rootInfo(_ root: String) -> (absolute: String, above: [String], gitRoot: String?) {
        if let known = roots[root] { return known }
        let absolute = URL(fileURLWithPath: root).standardizedFileURL.path
        var gitRoot: String?
        var candidates: [String] = []
        var dir = absolute
        while true {
            var st = stat()
            if lstat(dir + (dir == "/" ? ".git" : "/.git"), &st) == 0 {
                gitRoot = dir
                break
            }
            guard dir != "/" else { break }
            let slash = dir.lastIndex(of: "/") ?? dir.startIndex
            dir = slash == dir.startIndex ? "/" : String(dir[..<slash])
            candidates.append(dir)
        }
        // Folders above the scan count only up to the repository's root.
        let info = (absolute, gitRoot == nil ? [] : candidates, gitRoot)
        roots[root] = info
        return info
    }

    /// The folder's `.ignore`, `.gitignore` and (at the repository's root) `info/exclude` patterns, each possibly empty.
    private func patterns(_ folder: String, gitRoot: String?) -> [[IgnorePattern]] {
        if let cached = byFolder[folder] { return cached }
        let inRepository = gitRoot != nil
        let files = [
            Self.load(folder + "/.ignore"),
            inRepository ? Self.load(folder + "/.gitignore") : [],
            folder == gitRoot ? Self.load(folder + "/.git/info/exclude") : [],
        ]
        byFolder[folder] = files
        return files
    }

    /// The patterns of one file (none when it is missing or unreadable); at most 1 MiB is read.
    static func load(_ path: String) -> [IgnorePattern] {
        guard case .success(let bytes) = SafeFiles.read(path, limit: 1 << 20) else { return [] }
        return bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).compactMap { IgnorePattern(line: Array($0)) }
    }
}

/// One line of an ignore file: `!` negates, a trailing `/` matches folders only, a `/` elsewhere
/// anchors the pattern to the file's folder (otherwise it matches a name at any depth);
/// `*`, `?`, `[a-z]`, `[!a-z]`, `**/`, `/**/`, `/**` and `\` escapes as git documents them.
struct IgnorePattern {
    var negated = false
    var directoryOnly = false
    /// No `/` but a trailing one: matched against the last path component.
    var nameOnly = true
    var glob: IgnoreGlob

    init?(line raw: [UInt8]) {
        var line = raw
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        // Trailing spaces are dropped unless escaped.
        while line.last == UInt8(ascii: " "), !(line.count >= 2 && line[line.count - 2] == UInt8(ascii: "\\")) { line.removeLast() }
        guard let first = line.first, first != UInt8(ascii: "#") else { return nil }
        if first == UInt8(ascii: "!") {
            negated = true
            line.removeFirst()
        }
        if line.last == UInt8(ascii: "/") {
            directoryOnly = true
            line.removeLast()
        }
        guard !line.isEmpty else { return nil }
        if line.contains(UInt8(ascii: "/")) {
            nameOnly = false
            if line.first == UInt8(ascii: "/") { line.removeFirst() }
        }
        glob = IgnoreGlob(line)
    }

    func matches(_ relative: String, isDirectory: Bool) -> Bool {
        if directoryOnly, !isDirectory { return false }
        let path = Array(relative.utf8)
        if nameOnly, let slash = path.lastIndex(of: UInt8(ascii: "/")) { return glob.matches(path[(slash + 1)...]) }
        return glob.matches(path[...])
    }
}

/// A gitignore glob compiled to a small automaton and run over a set of states, one path
/// byte at a time: time linear in pattern × path, whatever the stars (no backtracking).
struct IgnoreGlob {
    enum Test {
        case byte(UInt8), notSlash, any
        case set(ranges: [ClosedRange<UInt8>], negated: Bool)

        func accepts(_ c: UInt8) -> Bool {
            switch self {
            case .byte(let b): return b == c
            case .notSlash: return c != UInt8(ascii: "/")
            case .any: return true
            case .set(let ranges, let negated): return c != UInt8(ascii: "/") && ranges.contains { $0.contains(c) } != negated
            }
        }
    }

    /// A state: `consume` moves to the next state on a matching byte (none: it moves there
    /// without one), `loop` stays on a matching byte, `skip` is a further move without a byte.
    struct State {
        var consume: Test?
        var loop: Test?
        var skip: Int?
    }

    var states: [State] = []

    init(_ pattern: [UInt8]) {
        let slash = UInt8(ascii: "/"), star = UInt8(ascii: "*")
        var i = 0
        while i < pattern.count {
            let c = pattern[i]
            let atSegmentStart = i == 0 || pattern[i - 1] == slash
            if c == star, i + 1 < pattern.count, pattern[i + 1] == star, atSegmentStart {
                if i + 2 == pattern.count {
                    // Trailing `/**`: everything inside.
                    states.append(State(consume: nil, loop: .any))
                    i += 2
                    continue
                }
                if pattern[i + 2] == slash {
                    // `**/`: zero or more folders.
                    states.append(State(consume: nil, loop: nil, skip: 2))
                    states.append(State(consume: .byte(slash), loop: .any))
                    i += 3
                    continue
                }
            }
            switch c {
            case star:
                while i + 1 < pattern.count, pattern[i + 1] == star { i += 1 }
                states.append(State(consume: nil, loop: .notSlash))
            case UInt8(ascii: "?"): states.append(State(consume: .notSlash))
            case UInt8(ascii: "["):
                if let (test, next) = Self.bracket(pattern, from: i) {
                    states.append(State(consume: test))
                    i = next
                    continue
                }
                states.append(State(consume: .byte(c)))
            case UInt8(ascii: "\\") where i + 1 < pattern.count:
                i += 1
                states.append(State(consume: .byte(pattern[i])))
            default: states.append(State(consume: .byte(c)))
            }
            i += 1
        }
    }

    /// `[...]` starting at `start`: the test and the index after `]`, or nil when unclosed.
    static func bracket(_ p: [UInt8], from start: Int) -> (Test, Int)? {
        var i = start + 1
        var negated = false
        if i < p.count, p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^") {
            negated = true
            i += 1
        }
        var ranges: [ClosedRange<UInt8>] = []
        var first = true
        while i < p.count {
            var c = p[i]
            if c == UInt8(ascii: "]"), !first { return (.set(ranges: ranges, negated: negated), i + 1) }
            first = false
            if c == UInt8(ascii: "\\"), i + 1 < p.count {
                i += 1
                c = p[i]
            }
            if i + 2 < p.count, p[i + 1] == UInt8(ascii: "-"), p[i + 2] != UInt8(ascii: "]") {
                let hi = p[i + 2]
                if c <= hi { ranges.append(c...hi) }
                i += 3
            } else {
                ranges.append(c...c)
                i += 1
            }
        }
        return nil
    }

    func matches(_ path: ArraySlice<UInt8>) -> Bool {
        let n = states.count
        var current = [Bool](repeating: false, count: n + 1)
        var next = current
        func add(_ set: inout [Bool], _ start: Int) {
            var pending = [start]
            while let s = pending.popLast() {
                guard s <= n, !set[s] else { continue }
                set[s] = true
                guard s < n else { continue }
                if states[s].consume == nil { pending.append(s + 1) }
                if let skip = states[s].skip { pending.append(s + skip) }
            }
        }
        add(&current, 0)
        for c in path {
            for k in next.indices { next[k] = false }
            var any = false
            for s in 0..<n where current[s] {
                if let loop = states[s].loop, loop.accepts(c) { add(&next, s); any = true }
                if let test = states[s].consume, test.accepts(c) { add(&next, s + 1); any = true }
            }
            guard any else { return false }
            swap(&current, &next)
        }
        return current[n]
    }
}
