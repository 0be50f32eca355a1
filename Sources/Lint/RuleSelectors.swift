import Foundation
import PipelineYAML

/// What selects rules, the same on the command line (`check` and `fix`: `--select`,
/// `--extend-select`, `--ignore`) and in `.pipelint.yml` (`select`, `extend-select`,
/// `ignore`, `per-file-ignores`): a rule ID (`PL001`), an ID prefix (`PL00`), a rule
/// name (`embedded-object`) or `ALL`. Each selector resolves to the ID prefix that
/// `Configuration.isEnabled` compares, so a name is exactly its ID.
public struct RuleSelectors: Sendable {
    /// IDs of the known rules.
    public var ids: [String]
    /// Rule name → ID.
    public var idsByName: [String: String]

    public init(ids: [String], idsByName: [String: String] = [:]) {
        self.ids = ids
        self.idsByName = idsByName
    }

    /// The ID prefix `selector` stands for, or nil when it matches no rule.
    public func resolve(_ selector: String) -> String? {
        if selector.uppercased() == "ALL" { return "PL" }
        if let id = idsByName[selector] { return id }
        let s = selector.uppercased()
        guard s.hasPrefix("PL"), ids.contains(where: { $0.hasPrefix(s) }) else { return nil }
        return s
    }

    /// A "did you mean" for an unknown selector: the closest ID or name.
    public func suggestion(for selector: String) -> String? {
        PipelineYAML.suggestion(for: selector, among: ids + idsByName.keys.sorted())
    }

    /// Comma-separated, repeated selectors as given on a command line, resolved; the unknown ones are listed.
    public func resolve(lists: [String]) -> (prefixes: [String], unknown: [String]) {
        var prefixes: [String] = []
        var unknown: [String] = []
        for item in lists.flatMap({ $0.split(separator: ",") }) {
            let text = item.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { continue }
            if let p = resolve(text) { prefixes.append(p) } else { unknown.append(text) }
        }
        return (prefixes, unknown)
    }
}
