import PipelineIR

/// `--format concise`: one line per finding, `path:line:col: severity: message [ID name]`
/// (ruff's `concise`), for editors, `grep` and terminals. Line breaks and other control
/// characters in the path or message are written as escapes (`\n`, `\u{7}`), so a finding
/// is always exactly one line.
public struct ConciseReporter: Sendable {
    public var color: Bool

    public init(color: Bool = false) { self.color = color }

    public func render(_ f: Finding, in source: SourceFile) -> String {
        let pos = source.position(of: f.range.start)
        let text = TextReporter(color: color)
        return text.paint("\(Self.oneLine(source.path)):\(pos.line):\(pos.column):", "1") + " "
            + text.paint("\(f.severity.rawValue):", text.severityColor(f.severity))
            + " \(Self.oneLine(f.message)) " + text.paint("[\(f.code.id) \(f.code.name)]", "2") + "\n"
    }

    /// Every finding of a report, one line each.
    public func render(_ report: FileReport) -> String {
        report.findings.map { render($0, in: report.source) }.joined()
    }

    /// `s` with control characters (C0, DEL, C1, line and paragraph separators) escaped.
    static func oneLine(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: needsEscape) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where needsEscape(u): out += "\\u{\(String(u.value, radix: 16))}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func needsEscape(_ u: Unicode.Scalar) -> Bool {
        u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u.value == 0x2028 || u.value == 0x2029
    }
}
