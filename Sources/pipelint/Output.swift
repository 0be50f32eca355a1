import Foundation
import Lint
import PipelineIR
import PipelineYAML

/// Text output: each finding actionlint-style, then a one-line summary.
enum TextOutput {
    static func render(_ reports: [FileReport], color: Bool) -> String {
        let r = TextReporter(color: color)
        return reports.map { r.render($0) }.joined() + summary(reports)
    }

    /// "All checks passed (N files checked)." or "Found 1 error, 2 warnings in 2 of 5 files.", then the fix hint.
    static func summary(_ reports: [FileReport]) -> String {
        var out = ""
        var counts: [Severity: Int] = [:]
        var filesWithFindings = 0
        for report in reports {
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
