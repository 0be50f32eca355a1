import Lint
import PipelineIR
import PipelineYAML

/// Which files a directory scan (or `--force-exclude`) reports: pipelines, unparsable files
/// that mention `pipeline:`, and YAML that is clearly meant as a pipeline but lacks the
/// top-level `pipeline:` key (then its errors say so). Other YAML — CI files with a top-level
/// `steps:` or `jobs:` (Azure Pipelines, Drone, GitHub workflows), manifests, charts — is skipped.
enum DirectoryScan {
    static func keeps(_ report: FileReport, limits: ParseLimits) -> Bool {
        if report.isPipeline { return true }
        if report.findings.contains(where: { $0.code == .invalidYAML }) {
            return FileCollector.mentionsPipeline(report.source.bytes)
        }
        return PipelineLookalike.evidence(in: report.source, limits: limits) != nil
    }

    /// The warning for a run that found no pipeline in `paths` (ruff warns the same way).
    static func warnNothingFound(_ paths: [String]) {
        let named = paths.map { $0 == "-" ? "standard input" : "`\($0)`" }.joined(separator: ", ")
        printError("pipelint: warning: no pipeline files found in \(named) (pipelines are *.yaml/*.yml files with a top-level `pipeline:` key)")
    }
}

/// Signs that YAML without a top-level `pipeline:` key was written as a pipelint pipeline.
enum PipelineLookalike {
    /// The pipeline format's top-level keys other than `pipeline`.
    static let sectionKeys: Set<String> = ["version", "cluster", "objects", "functions", "arrays", "steps", "outputs"]
    /// The operations of a pipeline step (docs/pipeline-format.md, `steps`).
    static let stepOperations: Set<String> = ["map_blocks", "reduce", "rechunk"]

    /// Why the file looks like a pipeline, or nil: a misspelt `pipeline` key next to another
    /// section of the format (`piepline:` with `version:`), or a `steps:` mapping whose steps
    /// use `map_blocks`, `reduce` or `rechunk` (CI systems' `steps:` are lists).
    static func evidence(in source: SourceFile, limits: ParseLimits) -> String? {
        let parsed = YAMLParser.parse(source, limits: limits)
        let tree = parsed.tree
        guard parsed.isComplete, let root = tree.root, tree[root].kind == .mapping else { return nil }
        let keys = tree.entries(root).compactMap { entry in tree.scalar(entry.key).map { ($0, entry.value) } }
        let names = keys.map(\.0)
        if let typo = names.first(where: { $0 != "pipeline" && suggestion(for: $0, among: ["pipeline"]) != nil }),
           names.contains(where: sectionKeys.contains) {
            return "top-level `\(typo)` next to the pipeline format's sections"
        }
        guard let steps = keys.first(where: { $0.0 == "steps" })?.1, tree[tree.resolved(steps)].kind == .mapping else { return nil }
        for step in tree.entries(tree.resolved(steps)) {
            let body = tree.resolved(step.value)
            if let op = tree.entries(body).lazy.compactMap({ tree.scalar($0.key) }).first(where: stepOperations.contains) {
                return "steps using `\(op)`"
            }
        }
        return nil
    }
}
