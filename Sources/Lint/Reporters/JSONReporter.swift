import Foundation
import PipelineIR
import PipelineYAML

/// `--format json`, version 1: `{"version": 1, "tool": "pipelint", "findings": [...]}`;
/// each finding has path, code, name, severity, message, start/end (line,
/// code-point column, byte offset), YAML path, fingerprint, help, and its fix
/// with applicability and byte edits. Documented in docs/output-formats.md.
public enum JSONReporter {
    public static func render(_ reports: [FileReport]) -> String {
        var items: [[String: Any]] = []
        for report in reports {
            for f in report.findings {
                let start = report.source.position(of: f.range.start)
                let end = report.source.position(of: f.range.end)
                var item: [String: Any] = [
                    "path": report.source.path,
                    "code": f.code.id,
                    "name": f.code.name,
                    "severity": f.severity.rawValue,
                    "message": f.message,
                    "start": ["line": start.line, "column": start.column, "offset": f.range.start],
                    "end": ["line": end.line, "column": end.column, "offset": f.range.end],
                    "yaml_path": f.yamlPath,
                    "fingerprint": f.fingerprint,
                ]
                if let h = f.help { item["help"] = h }
                if let fix = f.fix {
                    var fixItem: [String: Any] = [
                        "title": fix.title,
                        "applicability": fix.applicability.rawValue,
                        "edits": fix.edits.map { ["start": $0.range.start, "end": $0.range.end, "content": $0.replacement] as [String: Any] },
                    ]
                    if let caveat = fix.caveat { fixItem["caveat"] = caveat }
                    item["fix"] = fixItem
                }
                items.append(item)
            }
        }
        return jsonText(["version": 1, "tool": "pipelint", "findings": items] as [String: Any])
    }
}
