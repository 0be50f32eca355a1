import PipelineIR
import PipelineYAML

/// JUnit XML: one test case per file, a failure per finding.
public enum JUnitReporter {
    public static func render(_ reports: [FileReport]) -> String {
        let failures = reports.reduce(0) { $0 + $1.findings.count }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"pipelint\" tests=\"\(reports.count)\" failures=\"\(failures)\">\n"
        out += "  <testsuite name=\"pipelint\" tests=\"\(reports.count)\" failures=\"\(failures)\" errors=\"0\">\n"
        for report in reports {
            out += "    <testcase classname=\"pipelint\" name=\"\(xml(report.source.path))\""
            if report.findings.isEmpty {
                out += "/>\n"
                continue
            }
            out += ">\n"
            for f in report.findings {
                let p = report.source.position(of: f.range.start)
                out += "      <failure type=\"\(f.code.id) \(f.code.name)\" message=\"\(xml(f.message))\">"
                out += xml("\(report.source.path):\(p.line):\(p.column): \(f.severity.rawValue): \(f.message) [\(f.code.id) \(f.code.name)]")
                out += "</failure>\n"
            }
            out += "    </testcase>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    static func xml(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default:
                // XML 1.0 forbids most control characters, even escaped;
                // U+FFFE and U+FFFF are not XML characters either.
                if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF { out += "\u{FFFD}" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}
