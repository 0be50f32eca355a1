import FileAccess
import Foundation
import PipelineIR
import PipelineYAML

/// A baseline: the findings a team has accepted, so CI fails only on new ones.
/// A finding is matched by file, rule, YAML path and fingerprint — not by line —
/// so it survives edits above it.
public struct Baseline: Sendable {
    /// The format version this build reads and writes.
    public static let formatVersion = 1

    public struct Entry: Sendable, Hashable {
        public var path: String
        public var rule: String
        public var yamlPath: String
        public var fingerprint: String
    }

    public var entries: [Entry]

    public init(reports: [FileReport]) {
        entries = reports.flatMap { r in
            r.findings.map { Entry(path: Self.normalise(r.source.path), rule: $0.code.id, yamlPath: $0.yamlPath, fingerprint: $0.fingerprint) }
        }
    }

    /// The baseline file's text (JSON, sorted, one entry per finding).
    public func serialized() -> String {
        let items = entries.sorted { ($0.path, $0.rule, $0.yamlPath, $0.fingerprint) < ($1.path, $1.rule, $1.yamlPath, $1.fingerprint) }
            .map { ["path": $0.path, "rule": $0.rule, "yaml_path": $0.yamlPath, "fingerprint": $0.fingerprint] }
        return jsonText(["tool": "pipelint", "version": Self.formatVersion, "findings": items] as [String: Any])
    }

    /// Reads a baseline file; a malformed one or one of another format version is an error (exit 2).
    public static func load(path: String) throws(ConfigurationError) -> Baseline {
        guard case .success(let bytes) = SafeFiles.read(path, limit: 1 << 30) else {
            throw ConfigurationError(path: path, position: nil, message: "cannot read the baseline file")
        }
        let data = Data(bytes)
        guard let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any], doc["tool"] as? String == "pipelint" else {
            throw ConfigurationError(path: path, position: .init(line: 1, column: 1), message: "not a pipelint baseline (write one with `pipelint check --write-baseline FILE`)")
        }
        guard let v = doc["version"] as? Int, v == formatVersion else {
            throw ConfigurationError(path: path, position: .init(line: 1, column: 1),
                                     message: "baseline format version \(doc["version"].map { "\($0)" } ?? "missing") is not supported; this pipelint reads version \(formatVersion) — write it again with `--write-baseline`")
        }
        var b = Baseline(reports: [])
        for item in doc["findings"] as? [[String: Any]] ?? [] {
            guard let p = item["path"] as? String, let r = item["rule"] as? String, let y = item["yaml_path"] as? String, let f = item["fingerprint"] as? String else {
                throw ConfigurationError(path: path, position: nil, message: "malformed baseline entry \(item)")
            }
            b.entries.append(Entry(path: p, rule: r, yamlPath: y, fingerprint: f))
        }
        return b
    }

    /// What applying a baseline did.
    public struct Outcome: Sendable {
        /// The reports without the findings the baseline accepts.
        public var reports: [FileReport]
        /// Findings the baseline hid.
        public var hidden: Int
        /// Entries for the files checked that matched no finding (fixed or changed since): the
        /// baseline can be written again. Entries for files not checked in this run are not counted.
        public var stale: Int
    }

    /// Removes the findings the baseline accepts (each entry accepts one finding).
    public func filter(_ reports: [FileReport]) -> [FileReport] {
        apply(to: reports).reports
    }

    /// Removes the findings the baseline accepts (each entry accepts one finding), and counts
    /// what was hidden and which entries of the checked files are stale.
    public func apply(to reports: [FileReport]) -> Outcome {
        var remaining: [Entry: Int] = [:]
        for e in entries { remaining[e, default: 0] += 1 }
        var hidden = 0
        var checked = Set<String>()
        let filtered = reports.map { r in
            var r = r
            let path = Self.normalise(r.source.path)
            checked.insert(path)
            r.findings = r.findings.filter { f in
                let key = Entry(path: path, rule: f.code.id, yamlPath: f.yamlPath, fingerprint: f.fingerprint)
                if let n = remaining[key], n > 0 {
                    remaining[key] = n - 1
                    hidden += 1
                    return false
                }
                return true
            }
            return r
        }
        let stale = remaining.reduce(0) { $0 + (checked.contains($1.key.path) ? $1.value : 0) }
        return Outcome(reports: filtered, hidden: hidden, stale: stale)
    }

    static func normalise(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return p
    }
}
