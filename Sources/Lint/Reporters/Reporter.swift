import Foundation
import PipelineIR
import PipelineYAML

/// The machine-readable output formats. Every format shows invalid pipelines as error findings.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, concise, json, sarif, github, junit, gitlab
}

/// Where the rule pages live (SARIF `helpUri`).
public let rulesDocumentationBase = "https://github.com/pipelint/pipelint/blob/main/rules/"

/// Metadata about the checks the front end itself performs (not rules).
public let builtinChecks: [(code: CheckCode, summary: String)] = [
    (.invalidYAML, "The file cannot be read as YAML (syntax, encoding, limits, tags, duplicate keys)"),
    (.invalidPipeline, "The YAML is not a valid pipeline (unknown keys, wrong types, dangling references, cycles, shapes)"),
]

/// Serialises a JSON value with sorted keys (deterministic output).
func jsonText(_ value: Any) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else { return "{}" }
    return String(decoding: data, as: UTF8.self) + "\n"
}

/// The tool's version, shown in machine-readable output.
public let pipelintVersion = "0.1.0"
