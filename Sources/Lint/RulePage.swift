import PipelineIR
import PipelineYAML

/// A rule's documentation page (`rules/<ID>-<name>.md`), generated from its
/// description, with the tool's exact output on the first triggering example.
public enum RulePage {
    /// Removes the `↓` markers of an example and returns the clean text and the marked byte offsets.
    public static func stripMarkers(_ example: String) -> (text: String, offsets: [Int]) {
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        let marker = Array("↓".utf8)
        let src = Array(example.utf8)
        var i = 0
        while i < src.count {
            if i + marker.count <= src.count, Array(src[i..<(i + marker.count)]) == marker {
                offsets.append(bytes.count)
                i += marker.count
                continue
            }
            bytes.append(src[i])
            i += 1
        }
        return (String(decoding: bytes, as: UTF8.self), offsets)
    }

    /// The page as Markdown.
    /// `catalogue` is every rule (suppression findings need to know all IDs); the page shows this rule's findings.
    public static func markdown(_ rule: any Rule.Type, catalogue: [any Rule]) -> String {
        let d = rule.description
        var s = "# \(d.id) \(d.name)\n\n"
        s += "\(d.summary). Default severity: **\(d.defaultSeverity.rawValue)**.\n\n"
        s += "## What it does\n\n\(d.whatItDoes)\n\n"
        s += "## Why is this bad?\n\n\(d.whyBad)\n\n"
        if let example = d.triggeringExamples.first {
            let clean = stripMarkers(example).text
            s += "## Example\n\n```yaml\n\(clean)\n```\n\n"
            let source = SourceFile(path: "example.yaml", text: clean + "\n")
            var linter = Linter(rules: catalogue)
            linter.files = .listed(Set(catalogue.flatMap { type(of: $0).description.exampleFiles }))
            let report = linter.lint(source)
            let out = report.findings.filter { $0.code.id == d.id }.map { TextReporter().render($0, in: source) }.joined()
            s += "`pipelint check example.yaml` says:\n\n```text\n\(out)```\n\n"
        }
        if let fix = d.fixExamples.first {
            s += "## Use instead\n\n```yaml\n\(fix.after)\n```\n\n"
        } else if let ok = d.nonTriggeringExamples.first {
            s += "## Use instead\n\n```yaml\n\(ok)\n```\n\n"
        }
        s += "## Fix safety\n\n\(d.fixSafety)\n\n"
        s += "## Options\n\n\(d.options ?? "None yet.")\n"
        return s
    }

    /// `rules/README.md`: the catalogue as a table.
    public static func index(_ rules: [any Rule.Type]) -> String {
        var s = "# Rules\n\n| ID | name | severity | fix | what it finds |\n|---|---|---|---|---|\n"
        for r in rules {
            let d = r.description
            s += "| [\(d.id)](\(d.id)-\(d.name).md) | `\(d.name)` | \(d.defaultSeverity.rawValue) | \(d.fixExamples.isEmpty ? "" : "yes") | \(d.summary) |\n"
        }
        s += """

            Front-end checks that are not rules and cannot be turned off or suppressed: \
            `PL900 invalid-yaml` (the file cannot be read as YAML: syntax, encoding, limits, tags, duplicate keys) and \
            `PL901 invalid-pipeline` (the YAML is not a valid pipeline). `pipelint rules` lists the rules; \
            `pipelint explain ID` prints a page. This file is generated (`PIPELINT_UPDATE_GOLDEN=1 swift test`).

            """
        return s
    }
}
