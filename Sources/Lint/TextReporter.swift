import Analysis
import PipelineIR
import PipelineYAML

/// actionlint-style text: `path:line:col: severity: message [ID name]`, the
/// source line, a caret under the token, and a help line.
public struct TextReporter: Sendable {
    /// Whether to colour the output (only on a terminal, never with `NO_COLOR`).
    public var color: Bool

    public init(color: Bool = false) { self.color = color }

    // Everything taken from the file (path, message, help, snippet) goes through
    // `TerminalSafe`: the output cannot carry terminal escapes or bidi controls.

    public func render(_ f: Finding, in source: SourceFile) -> String {
        let pos = source.position(of: f.range.start)
        let lineIndex = pos.line - 1
        var out = ""
        let sev = f.severity.rawValue
        out += paint("\(TerminalSafe.escape(source.path)):\(pos.line):\(pos.column):", "1") + " " + paint("\(sev):", severityColor(f.severity))
        out += " \(TerminalSafe.escape(f.message)) " + paint("[\(f.code.id) \(f.code.name)]", "2") + "\n"
        guard lineIndex < source.lineStarts.count else { return out }
        let gutter = String(repeating: " ", count: String(pos.line).count)
        // The caret spans the token, clipped to its first line.
        let lineRange = source.lineRange(lineIndex)
        // The shown line starts after a BOM; a finding at offset 0 of such a file
        // (an empty file) sits before it, so clamp to the shown text.
        let shownStart = min(max(lineRange.lowerBound, source.hasBOM && lineIndex == 0 ? 3 : 0), lineRange.upperBound)
        let start = min(max(f.range.start, shownStart), lineRange.upperBound)
        let end = min(max(f.range.end, start + 1), lineRange.upperBound)
        // Escaped, and cut around the caret: a 10 MiB line shows a few hundred characters.
        let prefix = TerminalSafe.clip(TerminalSafe.escape(String(decoding: source.bytes[shownStart..<start], as: UTF8.self)),
                                       Self.contextScalars, fromEnd: true)
        let token = start < lineRange.upperBound
            ? TerminalSafe.clip(TerminalSafe.escape(String(decoding: source.bytes[start..<max(start, end)], as: UTF8.self)), Self.contextScalars, fromEnd: false) : ""
        let suffix = TerminalSafe.clip(TerminalSafe.escape(String(decoding: source.bytes[max(start, end)..<lineRange.upperBound], as: UTF8.self)),
                                       Self.contextScalars, fromEnd: false)
        out += "\(gutter) |\n"
        out += "\(pos.line) | \(prefix)\(token)\(suffix)\n"
        let tokenWidth = max(1, displayWidth(token))
        let pad = prefix.unicodeScalars.map { $0 == "\t" ? "\t" : String(repeating: " ", count: scalarWidth($0)) }.joined()
        out += "\(gutter) | \(pad)" + paint("^" + String(repeating: "~", count: tokenWidth - 1), severityColor(f.severity)) + "\n"
        if let fix = f.fix {
            out += "\(gutter) = " + paint("help:", "36") + " \(TerminalSafe.escape(fix.title)) (\(fix.applicability == .displayOnly ? "display-only" : fix.applicability.rawValue) fix)\n"
        } else if let help = f.help {
            out += "\(gutter) = " + paint("help:", "36") + " \(TerminalSafe.escape(help))\n"
        }
        return out
    }

    /// All findings of a report, one block each.
    public func render(_ report: FileReport) -> String {
        report.findings.map { render($0, in: report.source) }.joined()
    }

    /// Characters of the source line shown on each side of the caret (and of the token).
    static let contextScalars = 160

    func displayWidth(_ s: String) -> Int { s.unicodeScalars.reduce(0) { $0 + scalarWidth($1) } }

    /// Terminal cells for one scalar: wide East Asian and emoji take two.
    func scalarWidth(_ u: Unicode.Scalar) -> Int {
        let v = u.value
        if v < 0x1100 { return 1 }
        if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
            || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
            || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v) {
            return 2
        }
        if u.properties.generalCategory == .nonspacingMark { return 0 }
        return 1
    }

    func severityColor(_ s: Severity) -> String {
        switch s {
        case .error: "1;31"
        case .warning: "1;33"
        case .info: "1;34"
        }
    }

    func paint(_ s: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}

/// Human-readable byte counts: `56 B`, `236 KiB`, `25 MiB`, `1.2 GiB` (see `ByteFormat`).
public func formatBytes(_ bytes: Int64) -> String { ByteFormat.text(bytes) }
