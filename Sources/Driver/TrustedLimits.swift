import FileAccess
import Foundation
import Lint
import PipelineYAML

/// Parse limits protect against the files being checked, so a configuration found
/// next to them (possibly planted by the same pull request) may only lower them.
/// Limits may be raised by the configuration given with `--config` or the one in
/// the working directory (`./.pipelint.yml`); any other configuration's limits are
/// capped, key by key, at those trusted limits (the defaults when neither exists).
extension ConfigurationResolver {
    /// `limits` of the configuration at `path`, capped unless that configuration is trusted.
    mutating func trustedLimits(_ limits: ParseLimits, from path: String?) throws -> ParseLimits {
        guard let path else { return limits }
        if path == explicit || SafeFiles.realPath(path) == SafeFiles.realPath(ConfigurationLoader.fileName) { return limits }
        let trusted = try workingDirectoryLimits()
        return ParseLimits(maxFileBytes: min(limits.maxFileBytes, trusted.maxFileBytes),
                           aliasExpansionBudget: min(limits.aliasExpansionBudget, trusted.aliasExpansionBudget),
                           maxDepth: min(limits.maxDepth, trusted.maxDepth),
                           maxScalarBytes: min(limits.maxScalarBytes, trusted.maxScalarBytes),
                           maxNodes: min(limits.maxNodes, trusted.maxNodes))
    }

    /// The limits of `./.pipelint.yml`, or the defaults.
    mutating func workingDirectoryLimits() throws -> ParseLimits {
        let path = ConfigurationLoader.fileName
        var st = stat()
        guard lstat(path, &st) == 0 else { return .default }
        if let cached = byPath[path] { return cached.settings.parseLimits }
        let (loaded, w) = try ConfigurationLoader.load(path: path, knownRules: known, ruleNames: RuleSelectors.catalogue.idsByName)
        warnings += w
        byPath[path] = loaded
        return loaded.settings.parseLimits
    }
}
