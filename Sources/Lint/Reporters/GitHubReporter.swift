import PipelineIR
import PipelineYAML

/// GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding.
public enum GitHubReporter {
    public static func render(_ reports: [FileReport]) -> String {
        var out = ""
        for report in reports {
            for f in report.findings {
                let s = report.source.position(of: f.range.start)
                let e = report.source.position(of: f.range.end)
                let command = f.severity == .error ? "error" : (f.severity == .warning ? "warning" : "notice")
                var props = "file=\(property(report.source.path)),line=\(s.line),col=\(s.column)"
                if e.line >= s.line { props += ",endLine=\(e.line),endColumn=\(e.column)" }
                props += ",title=\(property("\(f.code.id) \(f.code.name)"))"
                var message = f.message
                if let fix = f.fix { message += "\n" + fix.title + " (\(fix.applicability.rawValue) fix)" } else if let h = f.help { message += "\n" + h }
                out += "::\(command) \(props)::\(data(message))\n"
            }
        }
        return out
    }

    /// Escapes a message (`%`, CR, LF); other control characters from the file (an
    /// ESC the log viewer would interpret) are shown as `\u{…}` (`TerminalSafe`).
    public static func data(_ s: String) -> String {
        let safe = s.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalSafe.escape(String($0)) }.joined(separator: "\n")
        return safe.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A")
    }

    /// Escapes a property value (also `:` and `,`).
    public static func property(_ s: String) -> String {
        data(s).replacingAll(":", "%3A").replacingAll(",", "%2C")
    }
}

extension String {
    func replacingAll(_ a: String, _ b: String) -> String {
        guard contains(a) else { return self }
        return components(separatedBy: a).joined(separator: b)
    }

    func components(separatedBy sep: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(self)
        while let r = rest.range(of: sep) {
            parts.append(String(rest[..<r.lowerBound]))
            rest = rest[r.upperBound...]
        }
        parts.append(String(rest))
        return parts
    }
}
