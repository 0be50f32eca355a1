import Foundation
import Lint
import PipelineIR
import PipelineYAML

/// Text output: each finding actionlint-style, then a one-line summary.
enum TextOutput {
    static func render(_ reports: [FileReport], color: Bool) -> String {
        let r = TextReporter(color: color)
        var out = ""
        var counts: [Severity: Int] = [:]
        var filesWithFindings = 0
        for report in reports {
            out += r.render(report)
            if !report.findings.isEmpty { filesWithFindings += 1 }
            for f in report.findings { counts[f.severity, default: 0] += 1 }
        }
        let total = counts.values.reduce(0, +)
        if total == 0 {
            out += "All checks passed (\(reports.count) file\(reports.count == 1 ? "" : "s") checked).\n"
        } else {
            let parts = [Severity.error, .warning, .info].compactMap { s -> String? in
                guard let n = counts[s], n > 0 else { return nil }
                return "\(n) \(s.rawValue)\(n == 1 ? "" : "s")"
            }
            out += "Found \(parts.joined(separator: ", ")) in \(filesWithFindings) of \(reports.count) file\(reports.count == 1 ? "" : "s").\n"
        }
        out += fixHint(reports.flatMap(\.findings))
        return out
    }

    /// "N fixable with `pipelint fix` (M more with `--unsafe-fixes`)." — nothing when no finding has an applicable fix.
    static func fixHint(_ findings: [Finding]) -> String {
        let withEdits = findings.compactMap(\.fix).filter { !$0.edits.isEmpty }
        let safe = withEdits.filter { $0.applicability == .safe }.count
        let unsafe = withEdits.filter { $0.applicability == .unsafe }.count
        switch (safe, unsafe) {
        case (0, 0): return ""
        case (_, 0): return "\(safe) fixable with `pipelint fix`.\n"
        case (0, _): return "\(unsafe) fixable with `pipelint fix --unsafe-fixes`.\n"
        default: return "\(safe) fixable with `pipelint fix` (\(unsafe) more with `--unsafe-fixes`).\n"
        }
    }
}

/// JSON output: one object per finding, versioned.
enum JSONOutput {
    static func render(_ reports: [FileReport]) -> String {
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
                ]
                if let h = f.help { item["help"] = h }
                if let fix = f.fix {
                    var fixItem: [String: Any] = [
                        "title": fix.title,
                        "applicability": fix.applicability.rawValue,
                        "edits": fix.edits.map { ["start": $0.range.start, "end": $0.range.end, "content": $0.replacement] as [String: Any] },
                    ]
                    if let c = fix.caveat { fixItem["caveat"] = c }
                    item["fix"] = fixItem
                }
                items.append(item)
            }
        }
        let doc: [String: Any] = ["version": 1, "tool": "pipelint", "findings": items]
        guard let data = try? JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys]) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
