import FileAccess
import Foundation
import PipelineIR
import PipelineYAML

/// `.pipelint.yml`: which rules run, at what severity, with which thresholds,
/// on which files. Found by walking up from each linted file, or given with
/// `--config`.
public struct Configuration: Sendable {
    /// Rule IDs or prefixes to run (default: every rule, `PL`).
    public var select: [String] = ["PL"]
    /// Added to `select`.
    public var extendSelect: [String] = []
    /// Rule IDs or prefixes not to run.
    public var ignore: [String] = []
    /// Severity per rule ID.
    public var severities: [String: Severity] = [:]
    /// Thresholds and parse limits.
    public var settings = LintSettings.default
    /// Glob (relative to the configuration's folder) → rule IDs or prefixes ignored in matching files.
    public var perFileIgnores: [(glob: String, rules: [String])] = []
    /// Globs of files and folders not to lint.
    public var exclude: [String] = []
    /// The file it came from; nil for the defaults.
    public var path: String?
    /// The folder globs are relative to.
    public var baseDirectory: String = "."

    public init() {}

    /// Whether `ruleID` runs on `file`: the longest matching prefix decides, and
    /// `ignore` wins a tie (as in ruff).
    public func isEnabled(_ ruleID: String, for file: String? = nil) -> Bool {
        var best = -1
        var enabled = false
        for p in select + extendSelect where ruleID.hasPrefix(p) && p.count > best {
            best = p.count
            enabled = true
        }
        var ignores = ignore
        // The relative path costs a URL standardization: only worth it when there are globs to match.
        if let file, !perFileIgnores.isEmpty {
            let rel = relativePath(file)
            for entry in perFileIgnores where Glob.matches(entry.glob, rel) { ignores += entry.rules }
        }
        for p in ignores where ruleID.hasPrefix(p) && p.count >= best {
            best = p.count
            enabled = false
        }
        return enabled
    }

    /// Whether a path is excluded.
    public func isExcluded(_ file: String) -> Bool {
        guard !exclude.isEmpty else { return false }
        let rel = relativePath(file)
        return exclude.contains { Glob.matches($0, rel) || Glob.matches($0 + "/**", rel) }
    }

    /// `file` relative to the configuration's folder (both normalised).
    func relativePath(_ file: String) -> String {
        let abs = URL(fileURLWithPath: file).standardizedFileURL.path
        let base = URL(fileURLWithPath: baseDirectory).standardizedFileURL.path
        if abs.hasPrefix(base + "/") { return String(abs.dropFirst(base.count + 1)) }
        return file
    }
}

/// A configuration problem: exit status 2, reported at its position.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var position: SourceFile.Position?
    public var message: String
    public var description: String {
        if let p = position { return "\(path):\(p.line):\(p.column): \(message)" }
        return "\(path): \(message)"
    }
}

/// Reads `.pipelint.yml` files.
public enum ConfigurationLoader {
    public static let fileName = ".pipelint.yml"

    /// Threshold keys, named after Dask's configuration where Dask has one.
    public static let thresholdKeys = [
        "distributed.admin.large-graph-warning-threshold",
        "array.chunk-size",
        "distributed.worker.memory.target",
        "distributed.worker.memory.spill",
        "distributed.worker.memory.pause",
        "distributed.worker.memory.terminate",
        "embedded-object.min-bytes",
        "embedded-object.min-bytes-per-worker",
        "inline-data.max-items",
        "chunks.min-bytes",
    ]
    static let topKeys = ["select", "extend-select", "ignore", "severity", "thresholds", "per-file-ignores", "exclude", "limits"]
    static let limitKeys = ["max-file-bytes", "alias-expansion-budget", "max-depth", "max-scalar-bytes", "max-nodes"]

    /// The nearest `.pipelint.yml` at or above `directory`.
    public static func find(from directory: String) -> String? {
        if let plain = plainAbsolute(directory) { return find(fromAbsolute: plain) }
        var dir = URL(fileURLWithPath: directory).standardizedFileURL
        for _ in 0..<256 {
            let candidate = dir.appendingPathComponent(fileName).path
            // lstat, not fileExists: a link to itself or a dangling link is found, and
            // reading it reports the error instead of silently skipping the file.
            var st = stat()
            if lstat(candidate, &st) == 0 { return candidate }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
        return nil
    }

    /// `find` over a path `plainAbsolute` gave, walking up by strings: the same candidates as
    /// the walk over standardized URLs, without Foundation's URL machinery (most of the cost of
    /// finding the configuration on a cold start).
    static func find(fromAbsolute absolute: String) -> String? {
        var dir = Substring(absolute)
        for _ in 0..<256 {
            let candidate = dir == "/" ? "/" + fileName : dir + "/" + fileName
            var st = stat()
            if lstat(candidate, &st) == 0 { return candidate }
            guard dir != "/", let slash = dir.lastIndex(of: "/") else { return nil }
            dir = slash == dir.startIndex ? "/" : dir[..<slash]
        }
        return nil
    }

    /// `directory` made absolute when that needs no standardizing: `.`, or names joined by single
    /// slashes, none of them `.` or `..`, with no trailing slash (relative ones under the working
    /// folder, which `getcwd` gives without `.`, `..` or doubled slashes). Nil for anything else,
    /// which is walked as a standardized URL.
    static func plainAbsolute(_ directory: String) -> String? {
        let absolute = directory.hasPrefix("/")
        let names = directory.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).dropFirst(absolute ? 1 : 0)
        if directory != "." {
            guard !names.isEmpty, names.allSatisfy({ name in
                !name.isEmpty && !name.elementsEqual(".".utf8) && !name.elementsEqual("..".utf8) && !name.contains(0)
            }) else { return nil }
        }
        if absolute { return directory }
        guard let cwd = workingDirectory(), cwd.hasPrefix("/") else { return nil }
        if directory == "." { return cwd }
        return cwd == "/" ? "/" + directory : cwd + "/" + directory
    }

    static func workingDirectory() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        let length = buffer.firstIndex(of: 0) ?? buffer.count
        return String(validating: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Loads a configuration file. Unknown keys are warnings (returned); anything
    /// malformed throws with its position.
    /// `ruleNames` (name → ID) lets rule lists name rules as well as give IDs and prefixes.
    public static func load(path: String, knownRules: [String], ruleNames: [String: String] = [:]) throws(ConfigurationError) -> (Configuration, warnings: [String]) {
        // Bounded, and never from a FIFO or a device: a configuration may sit next to hostile files.
        switch SafeFiles.read(path, limit: ParseLimits.default.maxFileBytes) {
        case .success(let bytes): return try parse(SourceFile(path: path, bytes: bytes), knownRules: knownRules, ruleNames: ruleNames)
        case .failure(.io(let reason)):
            throw ConfigurationError(path: path, position: nil, message: "cannot read the configuration file: \(reason)")
        case .failure(let why):
            throw ConfigurationError(path: path, position: nil, message: "cannot read the configuration file: it \(why.phrase)")
        }
    }

    /// Parses configuration text.
    public static func parse(_ source: SourceFile, knownRules: [String], ruleNames: [String: String] = [:]) throws(ConfigurationError) -> (Configuration, warnings: [String]) {
        var r = Reader(source: source, knownRules: knownRules)
        r.selectors = RuleSelectors(ids: knownRules, idsByName: ruleNames)
        let config = try r.read()
        return (config, r.warnings)
    }

    struct Reader {
        let source: SourceFile
        let knownRules: [String]
        var selectors = RuleSelectors(ids: [])
        var tree = SyntaxTree()
        var warnings: [String] = []

        init(source: SourceFile, knownRules: [String]) {
            self.source = source
            self.knownRules = knownRules
        }

        func fail(_ message: String, _ range: SourceRange) -> ConfigurationError {
            ConfigurationError(path: source.path, position: source.position(of: range.start), message: message)
        }

        mutating func read() throws(ConfigurationError) -> Configuration {
            let parsed = YAMLParser.parse(source)
            if let d = parsed.diagnostics.first(where: { $0.severity == .error }) { throw fail(d.message, d.range) }
            tree = parsed.tree
            var c = Configuration()
            c.path = source.path
            // Foundation's deletingLastPathComponent traps on a one-character path (`--config c`).
            let folder = source.path.utf8.count < 2 ? "" : (source.path as NSString).deletingLastPathComponent
            c.baseDirectory = folder.isEmpty ? "." : folder
            guard let root = tree.root else { return c }
            for (key, value) in try entries(root, "the configuration") {
                switch key.text {
                case "select": c.select = try rules(value, "select")
                case "extend-select": c.extendSelect = try rules(value, "extend-select")
                case "ignore": c.ignore = try rules(value, "ignore")
                case "severity":
                    for (k, v) in try entries(value, "`severity`") {
                        let id = try ruleRef(k.text, k.range, prefixAllowed: false)
                        guard let s = Severity(rawValue: try string(v)) else {
                            throw fail("severity must be `error`, `warning` or `info`", tree[v].range)
                        }
                        c.severities[id] = s
                    }
                case "thresholds":
                    for (k, v) in try entries(value, "`thresholds`") { try threshold(k, v, &c.settings) }
                case "limits":
                    for (k, v) in try entries(value, "`limits`") { try limit(k, v, &c.settings.parseLimits) }
                case "per-file-ignores":
                    for (k, v) in try entries(value, "`per-file-ignores`") { c.perFileIgnores.append((k.text, try rules(v, "per-file-ignores"))) }
                case "exclude":
                    c.exclude = []
                    for item in try list(value) { c.exclude.append(try string(item)) }
                default:
                    warnings.append(unknown(key, among: ConfigurationLoader.topKeys, in: "the configuration"))
                }
            }
            return c
        }

        func unknown(_ key: (text: String, range: SourceRange), among: [String], in what: String) -> String {
            let pos = source.position(of: key.range.start)
            let hint = suggestion(for: key.text, among: among).map { "; did you mean `\($0)`?" } ?? ""
            return "\(source.path):\(pos.line):\(pos.column): warning: unknown key `\(key.text)` in \(what)\(hint)"
        }

        func entries(_ id: NodeID, _ what: String) throws(ConfigurationError) -> [(key: (text: String, range: SourceRange), value: NodeID)] {
            let n = tree.resolved(id)
            guard tree[n].kind == .mapping else { throw fail("\(what) must be a mapping", tree[id].range) }
            var out: [(key: (text: String, range: SourceRange), value: NodeID)] = []
            for (k, v) in tree.entries(n) {
                guard let text = tree.scalar(k) else { throw fail("keys in \(what) must be strings", tree[k].range) }
                out.append(((text, tree[k].range), v))
            }
            return out
        }

        func list(_ id: NodeID) throws(ConfigurationError) -> [NodeID] {
            let n = tree.resolved(id)
            guard tree[n].kind == .sequence else { throw fail("expected a list", tree[id].range) }
            return Array(tree.items(n))
        }

        func string(_ id: NodeID) throws(ConfigurationError) -> String {
            let n = tree.resolved(id)
            guard let s = tree.scalar(n) else { throw fail("expected a string", tree[id].range) }
            return s
        }

        /// A rule list entry: an ID, a prefix, a name or `ALL` (a single rule where a prefix makes no sense).
        func ruleRef(_ text: String, _ range: SourceRange, prefixAllowed: Bool) throws(ConfigurationError) -> String {
            let resolved = selectors.resolve(text)
            guard let id = resolved, prefixAllowed || knownRules.contains(id) else {
                let hint = selectors.suggestion(for: text).map { "; did you mean `\($0)`?" } ?? "; `pipelint rules` lists them"
                throw fail("unknown rule \(prefixAllowed ? "ID, prefix or name" : "ID or name") `\(text)`\(hint)", range)
            }
            return id
        }

        func rules(_ id: NodeID, _ what: String) throws(ConfigurationError) -> [String] {
            var out: [String] = []
            for item in try list(id) { out.append(try ruleRef(try string(item), tree[item].range, prefixAllowed: true)) }
            return out
        }

        func size(_ id: NodeID) throws(ConfigurationError) -> Int64 {
            let text = try string(id)
            guard let b = parseByteSize(text) else { throw fail("`\(text)` is not a size (e.g. `10MB`, `128MiB`)", tree[id].range) }
            return b
        }

        func fraction(_ id: NodeID) throws(ConfigurationError) -> Double {
            let text = try string(id)
            guard let d = Double(text), d > 0, d <= 1 else { throw fail("`\(text)` must be a fraction between 0 and 1", tree[id].range) }
            return d
        }

        mutating func threshold(_ k: (text: String, range: SourceRange), _ v: NodeID, _ s: inout LintSettings) throws(ConfigurationError) {
            switch k.text {
            case "distributed.admin.large-graph-warning-threshold": s.largeGraphWarningBytes = try size(v)
            case "array.chunk-size": s.arrayChunkSizeBytes = try size(v)
            case "distributed.worker.memory.target": s.workerMemoryTarget = try fraction(v)
            case "distributed.worker.memory.spill": s.workerMemorySpill = try fraction(v)
            case "distributed.worker.memory.pause": s.workerMemoryPause = try fraction(v)
            case "distributed.worker.memory.terminate": s.workerMemoryTerminate = try fraction(v)
            case "embedded-object.min-bytes": s.embeddedObjectMinBytes = try size(v)
            case "embedded-object.min-bytes-per-worker": s.embeddedObjectMinBytesPerWorker = try size(v)
            case "chunks.min-bytes": s.minChunkBytes = try size(v)
            case "inline-data.max-items":
                guard let n = Int(try string(v)), n >= 0 else { throw fail("expected a whole number", tree[v].range) }
                s.inlineDataMaxItems = n
            default:
                warnings.append(unknown(k, among: ConfigurationLoader.thresholdKeys, in: "`thresholds`"))
            }
        }

        mutating func limit(_ k: (text: String, range: SourceRange), _ v: NodeID, _ l: inout ParseLimits) throws(ConfigurationError) {
            func count() throws(ConfigurationError) -> Int {
                guard let n = Int(try string(v)), n > 0 else { throw fail("expected a positive whole number", tree[v].range) }
                return n
            }
            switch k.text {
            case "max-file-bytes":
                let n = Int(clamping: try size(v))
                guard n <= ParseLimits.maxFileBytesCeiling else {
                    throw fail("`max-file-bytes` is at most 2GiB (the syntax tree keeps 32-bit offsets)", tree[v].range)
                }
                l.maxFileBytes = n
            case "max-scalar-bytes": l.maxScalarBytes = Int(clamping: try size(v))
            case "alias-expansion-budget": l.aliasExpansionBudget = try count()
            case "max-nodes": l.maxNodes = try count()
            case "max-depth":
                let n = try count()
                guard n <= ParseLimits.maxDepthCeiling else {
                    throw fail("`max-depth` is at most \(ParseLimits.maxDepthCeiling) (the analysis recurses once per level)", tree[v].range)
                }
                l.maxDepth = n
            default: warnings.append(unknown(k, among: ConfigurationLoader.limitKeys, in: "`limits`"))
            }
        }
    }
}

/// Glob matching for configuration paths: `*` (within a folder), `**` (across
/// folders), `?`, relative to the configuration's folder.
public enum Glob {
    /// Whether `path` matches `pattern`: `*` any run of characters but `/`, `?` one
    /// character but `/`, `**` anything (a following `/` is optional). Linear in
    /// pattern × path (a set of pattern positions advanced one path byte at a time),
    /// so `*a*a*a*a*a*a*a*a*b` cannot backtrack exponentially.
    public static func matches(_ pattern: String, _ path: String) -> Bool {
        let p = Array(pattern.utf8), s = Array(path.utf8)
        let star = UInt8(ascii: "*"), slash = UInt8(ascii: "/"), any = UInt8(ascii: "?")
        var current = [Bool](repeating: false, count: p.count + 1)
        var next = current
        /// Adds `pi` and every position reachable from it without consuming a byte.
        func close(_ set: inout [Bool], _ pi: Int) {
            var pi = pi
            while pi <= p.count, !set[pi] {
                set[pi] = true
                guard pi < p.count, p[pi] == star else { return }
                let double = pi + 1 < p.count && p[pi + 1] == star
                var after = pi + (double ? 2 : 1)
                if double, after < p.count, p[after] == slash { after += 1 }
                pi = after
            }
        }
        close(&current, 0)
        for c in s {
            for i in next.indices { next[i] = false }
            for pi in 0..<p.count where current[pi] {
                if p[pi] == star {
                    let double = pi + 1 < p.count && p[pi + 1] == star
                    if double || c != slash { close(&next, pi) }
                } else if p[pi] == c || (p[pi] == any && c != slash) {
                    close(&next, pi + 1)
                }
            }
            swap(&current, &next)
        }
        return current[p.count]
    }
}
