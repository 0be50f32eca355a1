import Foundation
import Lint
import PipelineIR
import Rules

/// Finds and caches each folder's configuration, applying command-line overrides.
public struct ConfigurationResolver {
    public let explicit: String?
    public let known: [String]
    public let overrides: (select: [String], extendSelect: [String], ignore: [String])
    var byPath: [String: Configuration] = [:]
    var byDirectory: [String: String?] = [:]
    /// Warnings from the configuration files read so far (unknown keys).
    public var warnings: [String] = []

    /// `explicit`: the `--config` file, used for every file; otherwise the nearest `.pipelint.yml`
    /// above each file. `known`: rule IDs, to warn about unknown ones.
    public init(explicit: String?, known: [String], overrides: (select: [String], extendSelect: [String], ignore: [String]) = ([], [], [])) {
        self.explicit = explicit
        self.known = known
        self.overrides = overrides
    }

    /// The configuration that applies to `file`, with the command line's overrides.
    public mutating func configuration(for file: String) throws -> Configuration {
        // Foundation's deletingLastPathComponent traps on a one-character path (`-`, `a`).
        let dir = file.utf8.count < 2 ? (file == "/" ? "/" : "") : (file as NSString).deletingLastPathComponent
        let path: String?
        if let explicit { path = explicit } else if let cached = byDirectory[dir] { path = cached } else {
            path = ConfigurationLoader.find(from: dir.isEmpty ? "." : dir)
            byDirectory[dir] = path
        }
        var c: Configuration
        if let path {
            if let cached = byPath[path] { c = cached } else {
                let (loaded, w) = try ConfigurationLoader.load(path: path, knownRules: known, ruleNames: RuleSelectors.catalogue.idsByName)
                warnings += w
                byPath[path] = loaded
                c = loaded
            }
        } else {
            c = Configuration()
        }
        // As in ruff, a command-line selection starts afresh: the file's select and ignore give way.
        if !overrides.select.isEmpty {
            c.select = overrides.select
            c.extendSelect = []
            c.ignore = []
        }
        c.extendSelect += overrides.extendSelect
        c.ignore += overrides.ignore
        c.settings.parseLimits = try trustedLimits(c.settings.parseLimits, from: path)
        return c
    }
}

extension RuleSelectors {
    /// Every rule of the catalogue and the front end's own checks (PL900, PL901), by ID and by name.
    public static let catalogue: RuleSelectors = {
        var names: [String: String] = [:]
        for r in allRules { names[r.description.name] = r.description.id }
        for c in [CheckCode.invalidYAML, .invalidPipeline] { names[c.name] = c.id }
        return RuleSelectors(ids: allRules.map { $0.description.id } + [CheckCode.invalidYAML.id, CheckCode.invalidPipeline.id], idsByName: names)
    }()

    /// `--select`, `--extend-select` and `--ignore` as given, resolved to ID prefixes; the unknown selectors listed.
    public func overrides(select: [String], extendSelect: [String], ignore: [String])
        -> (overrides: (select: [String], extendSelect: [String], ignore: [String]), unknown: [String]) {
        let s = resolve(lists: select), e = resolve(lists: extendSelect), i = resolve(lists: ignore)
        return ((s.prefixes, e.prefixes, i.prefixes), s.unknown + e.unknown + i.unknown)
    }
}
