import JSONRPC
import Lint
import PipelineIR

/// Findings as protocol diagnostics (`textDocument/publishDiagnostics`).
enum Diagnostics {
    /// The page of a rule, as SARIF's `helpUri` links it.
    static func href(_ code: CheckCode) -> String {
        code == .invalidYAML || code == .invalidPipeline
            ? rulesDocumentationBase + "README.md"
            : rulesDocumentationBase + "\(code.id)-\(code.name).md"
    }

    static func severity(_ s: Severity) -> JSON {
        switch s {
        case .error: 1
        case .warning: 2
        case .info: 3
        }
    }

    /// The `publishDiagnostics` params for an analysis.
    static func publishParams(_ a: DocumentAnalysis, encoding: PositionEncoding) -> JSON {
        // Editors start the server for every YAML file: like a directory scan of `check`, leave
        // alone YAML that is not a pipeline (no top-level `pipeline:`, or unparsable without one).
        guard a.report.isPipeline || mentionsPipeline(a.source.bytes) else {
            return ["uri": .string(a.uri), "version": .number(a.version), "diagnostics": []]
        }
        let conv = PositionConverter(a.source, encoding)
        var list = a.report.findings.map { diagnostic($0, a, conv) }
        if let problem = a.configurationProblem {
            list.insert(["range": conv.range(.at(0)), "severity": 1, "source": "pipelint",
                         "message": .string("configuration: \(problem); the defaults apply")], at: 0)
        }
        for p in a.report.problems {
            list.append(["range": conv.range(.at(0)), "severity": 1, "source": "pipelint", "message": .string(p)])
        }
        return ["uri": .string(a.uri), "version": .number(a.version), "diagnostics": .array(list)]
    }

    /// Whether a line starts with `pipeline:` (as `check` decides for unparsable files it scans).
    static func mentionsPipeline(_ bytes: [UInt8]) -> Bool {
        let key = Array("pipeline:".utf8)
        var i = 0
        var atLineStart = true
        while i + key.count <= bytes.count {
            if atLineStart, bytes[i] == key[0], bytes[i..<(i + key.count)].elementsEqual(key) { return true }
            atLineStart = bytes[i] == 0x0A || bytes[i] == 0x0D
            i += 1
        }
        return false
    }

    static func diagnostic(_ f: Finding, _ a: DocumentAnalysis, _ conv: PositionConverter) -> JSON {
        var message = f.message
        if let help = f.help { message += "\nhelp: \(help)" }
        var d: [String: JSON] = [
            "range": conv.range(f.range),
            "severity": severity(f.severity),
            "code": .string(f.code.id),
            "codeDescription": ["href": .string(href(f.code))],
            "source": "pipelint",
            "message": .string(message),
        ]
        let related = relatedInformation(f, a, conv)
        if !related.isEmpty { d["relatedInformation"] = .array(related) }
        if !f.fingerprint.isEmpty { d["data"] = ["fingerprint": .string(f.fingerprint)] }
        return .object(d)
    }

    /// The definitions of the names the finding is about (the object copied, the step that
    /// copies it), other than the token it points at.
    static func relatedInformation(_ f: Finding, _ a: DocumentAnalysis, _ conv: PositionConverter) -> [JSON] {
        guard let index = a.index else { return [] }
        var out: [JSON] = []
        for name in f.subjects {
            for kind in [SymbolIndex.Kind.object, .function, .array, .step] {
                guard let def = index.definition(kind, name), def.range != f.range else { continue }
                out.append(["location": ["uri": .string(a.uri), "range": conv.range(def.range)],
                            "message": .string("\(kind.rawValue) `\(name)`")])
            }
        }
        return out
    }
}
