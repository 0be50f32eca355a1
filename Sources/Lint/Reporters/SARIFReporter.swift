import Foundation
import PipelineIR
import PipelineYAML

/// SARIF 2.1.0 for code-scanning services: rule metadata with `helpUri`,
/// `ruleIndex`, `partialFingerprints`, code-point columns, fixes as replacements.
public enum SARIFReporter {
    public static func render(_ reports: [FileReport], rules: [RuleDescription]) -> String {
        var descriptors: [[String: Any]] = []
        var index: [String: Int] = [:]
        for (code, summary) in builtinChecks {
            index[code.id] = descriptors.count
            descriptors.append([
                "id": code.id, "name": code.name,
                "shortDescription": ["text": summary],
                "defaultConfiguration": ["level": "error"],
                "helpUri": rulesDocumentationBase + "README.md",
            ])
        }
        for r in rules {
            index[r.id] = descriptors.count
            descriptors.append([
                "id": r.id, "name": r.name,
                "shortDescription": ["text": r.summary],
                "fullDescription": ["text": r.whatItDoes],
                "help": ["text": r.whyBad],
                "defaultConfiguration": ["level": level(r.defaultSeverity)],
                "helpUri": rulesDocumentationBase + "\(r.id)-\(r.name).md",
            ])
        }
        var results: [[String: Any]] = []
        for report in reports {
            let src = report.source
            for f in report.findings {
                let start = src.position(of: f.range.start)
                let end = src.position(of: max(f.range.end, f.range.start))
                var region: [String: Any] = ["startLine": start.line, "startColumn": start.column, "endLine": end.line, "endColumn": max(end.column, start.column + (f.range.end > f.range.start ? 0 : 1))]
                if start.line - 1 < src.lineStarts.count { region["snippet"] = ["text": src.lineText(start.line - 1)] }
                var result: [String: Any] = [
                    "ruleId": f.code.id,
                    "level": level(f.severity),
                    "message": ["text": f.message + (f.help.map { " (\($0))" } ?? "")],
                    "locations": [["physicalLocation": ["artifactLocation": ["uri": uri(src.path)], "region": region]]],
                    "partialFingerprints": ["pipelint/v1": f.fingerprint],
                ]
                if let i = index[f.code.id] { result["ruleIndex"] = i }
                if let fix = f.fix, !fix.edits.isEmpty {
                    result["fixes"] = [[
                        "description": ["text": fix.title + " (\(fix.applicability.rawValue))"],
                        "artifactChanges": [[
                            "artifactLocation": ["uri": uri(src.path)],
                            "replacements": fix.edits.map { e -> [String: Any] in
                                ["deletedRegion": ["byteOffset": e.range.start, "byteLength": e.range.count],
                                 "insertedContent": ["text": e.replacement]]
                            },
                        ]],
                    ]]
                }
                results.append(result)
            }
        }
        let run: [String: Any] = [
            "tool": ["driver": ["name": "pipelint", "version": pipelintVersion, "semanticVersion": pipelintVersion,
                                "informationUri": "https://github.com/pipelint/pipelint", "rules": descriptors]],
            "columnKind": "unicodeCodePoints",
            "results": results,
        ]
        return jsonText(["$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]] as [String: Any])
    }

    static func level(_ s: Severity) -> String {
        switch s {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    /// A relative URI reference for a path (percent-encoded).
    static func uri(_ path: String) -> String {
        var p = path
        while p.hasPrefix("./") { p.removeFirst(2) }
        return p.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? p
    }
}
