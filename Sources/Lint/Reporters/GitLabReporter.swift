import PipelineIR
import PipelineYAML

/// GitLab code quality report (a JSON array of issues).
public enum GitLabReporter {
    public static func render(_ reports: [FileReport]) -> String {
        var issues: [[String: Any]] = []
        var seen: [String: Int] = [:]
        for report in reports {
            for f in report.findings {
                let s = report.source.position(of: f.range.start)
                let e = report.source.position(of: f.range.end)
                // GitLab needs unique fingerprints: number repeats of the same identity.
                var fp = f.fingerprint + ":" + report.source.path
                let n = seen[fp, default: 0]
                seen[fp] = n + 1
                if n > 0 { fp += ":\(n)" }
                issues.append([
                    "type": "issue",
                    "description": f.message,
                    "check_name": "\(f.code.id) \(f.code.name)",
                    "fingerprint": Identity.fingerprint(rule: f.code.id, yamlPath: fp, token: ""),
                    "severity": severity(f.severity),
                    "location": ["path": report.source.path,
                                 "positions": ["begin": ["line": s.line, "column": s.column], "end": ["line": e.line, "column": e.column]]],
                ])
            }
        }
        return jsonText(issues)
    }

    static func severity(_ s: Severity) -> String {
        switch s {
        case .error: "major"
        case .warning: "minor"
        case .info: "info"
        }
    }
}
