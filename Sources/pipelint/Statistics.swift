import Foundation
import Lint
import PipelineIR

/// `--statistics`: only the number of findings per rule, most frequent first (ruff's shape):
///
///     4	PL001	[-] embedded-object
///     2	PL011	[ ] delayed-needs-worker-files
///
/// `[*]`: `pipelint fix` fixes every one of them; `[-]`: only some, or only with
/// `--unsafe-fixes`; `[ ]`: none has a fix. The marks are left out when no rule has a fix.
enum Statistics {
    struct Row: Equatable {
        var code: CheckCode
        var count = 0
        var safe = 0
        var fixable = 0

        var mark: String {
            if safe == count { return "[*]" }
            return fixable > 0 ? "[-]" : "[ ]"
        }
    }

    static func rows(_ findings: [Finding]) -> [Row] {
        var byCode: [String: Row] = [:]
        for f in findings {
            var row = byCode[f.code.id] ?? Row(code: f.code)
            row.count += 1
            if let fix = f.fix, !fix.edits.isEmpty, fix.applicability != .displayOnly {
                row.fixable += 1
                if fix.applicability == .safe { row.safe += 1 }
            }
            byCode[f.code.id] = row
        }
        return byCode.values.sorted { ($1.count, $0.code.id) < ($0.count, $1.code.id) }
    }

    static func render(_ findings: [Finding], json: Bool = false) -> String {
        let rows = rows(findings)
        if json { return jsonText(rows) }
        let marked = rows.contains { $0.fixable > 0 }
        let width = String(rows.first?.count ?? 0).count
        return rows.map { r in
            let count = String(repeating: " ", count: width - String(r.count).count) + String(r.count)
            return "\(count)\t\(r.code.id)\t\(marked ? r.mark + " " : "")\(r.code.name)\n"
        }.joined()
    }

    /// `--statistics --format json`: an array of `{code, name, count, fixable, safe_fixes}`.
    static func jsonText(_ rows: [Row]) -> String {
        let items = rows.map { ["code": $0.code.id, "name": $0.code.name, "count": $0.count, "fixable": $0.fixable, "safe_fixes": $0.safe] as [String: Any] }
        guard let data = try? JSONSerialization.data(withJSONObject: items, options: [.prettyPrinted, .sortedKeys]) else { return "[]\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
