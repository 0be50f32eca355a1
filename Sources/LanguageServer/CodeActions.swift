import JSONRPC
import Lint
import PipelineIR

/// `textDocument/codeAction`: each finding's fixes as quick fixes (safe ones preferred,
/// unsafe ones labelled), a suppression comment with a reason to fill in, and every safe
/// fix of the file at once (`source.fixAll.pipelint`, what `pipelint fix` would write).
enum CodeActions {
    static let fixAllKind = "source.fixAll.pipelint"
    /// What the inserted suppression says until the user writes why.
    static let placeholderReason = "TODO: say why this finding does not apply"

    static func actions(_ a: DocumentAnalysis, range: SourceRange, only: [String]?, encoding: PositionEncoding) -> [JSON] {
        let conv = PositionConverter(a.source, encoding)
        func wanted(_ kind: String) -> Bool {
            guard let only else { return true }
            return only.contains { kind == $0 || kind.hasPrefix($0 + ".") }
        }
        var out: [JSON] = []
        if wanted("quickfix") {
            for f in a.findings(meeting: range) {
                let diagnostic = Diagnostics.diagnostic(f, a, conv)
                for (i, fix) in ([f.fix].compactMap { $0 } + f.alternativeFixes).enumerated()
                where fix.applicability != .displayOnly && !fix.edits.isEmpty {
                    out.append(action(title(fix), kind: "quickfix", diagnostic: diagnostic, preferred: i == 0 && fix.applicability == .safe,
                                      edits: fix.edits.map { textEdit($0, conv) }, uri: a.uri))
                }
                if f.code != .invalidYAML, f.code != .invalidPipeline, let edit = suppression(f, a) {
                    out.append(action("Suppress \(f.code.id) on this line (give a reason)", kind: "quickfix", diagnostic: diagnostic,
                                      preferred: false, edits: [textEdit(edit, conv)], uri: a.uri))
                }
            }
        }
        if wanted(fixAllKind), let edit = fixAll(a) {
            out.append(action("Apply every safe pipelint fix in this file", kind: fixAllKind, diagnostic: nil, preferred: false,
                              edits: [textEdit(edit, conv)], uri: a.uri))
        }
        return out
    }

    /// The fix title, labelled when it is not safe.
    static func title(_ fix: Fix) -> String {
        switch fix.applicability {
        case .safe: fix.title
        case .unsafe: "\(fix.title) (unsafe\(fix.caveat.map { ": \($0)" } ?? ""))"
        case .displayOnly: fix.title
        }
    }

    static func action(_ title: String, kind: String, diagnostic: JSON?, preferred: Bool, edits: [JSON], uri: String) -> JSON {
        var o: [String: JSON] = ["title": .string(title), "kind": .string(kind),
                                 "edit": ["changes": .object([uri: .array(edits)])]]
        if let diagnostic { o["diagnostics"] = [diagnostic] }
        if preferred { o["isPreferred"] = true }
        return .object(o)
    }

    static func textEdit(_ e: Edit, _ conv: PositionConverter) -> JSON {
        ["range": conv.range(e.range), "newText": .string(e.replacement)]
    }

    /// `# pipelint: ignore[ID] reason` at the end of the finding's line, or alone on the line
    /// above it (same indentation) when the line already has a comment.
    static func suppression(_ f: Finding, _ a: DocumentAnalysis) -> Edit? {
        let src = a.source
        let line = src.lineIndex(of: f.range.start)
        let comment = "# pipelint: ignore[\(f.code.id)] \(placeholderReason)"
        let hasComment = a.loaded.tree.comments.contains { $0.line == line }
        if !hasComment { return .insert("  " + comment, at: src.lineRange(line).upperBound) }
        let text = src.lineRange(line)
        var indentEnd = text.lowerBound
        while indentEnd < text.upperBound, src.bytes[indentEnd] == 0x20 { indentEnd += 1 }
        let indent = String(repeating: " ", count: indentEnd - text.lowerBound)
        return .insert(indent + comment + src.lineBreak, at: text.lowerBound)
    }

    /// What `pipelint fix` would write (safe fixes, to a fixpoint), as one edit over the changed span.
    static func fixAll(_ a: DocumentAnalysis) -> Edit? {
        let outcome = FixEngine(linter: a.linter).fix(a.source)
        guard outcome.failure == nil, outcome.changed else { return nil }
        return minimalEdit(from: a.source.bytes, to: outcome.fixed)
    }

    /// One edit turning `old` into `new`: the span between their common prefix and suffix,
    /// widened to whole UTF-8 characters.
    static func minimalEdit(from old: [UInt8], to new: [UInt8]) -> Edit {
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        while prefix > 0, prefix < old.count, old[prefix] & 0xC0 == 0x80 { prefix -= 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix, old[old.count - 1 - suffix] == new[new.count - 1 - suffix] { suffix += 1 }
        while suffix > 0, old[old.count - suffix] & 0xC0 == 0x80 { suffix -= 1 }
        let replacement = String(decoding: new[prefix..<(new.count - suffix)], as: UTF8.self)
        return Edit(range: SourceRange(start: prefix, end: old.count - suffix), replacement: replacement)
    }
}
