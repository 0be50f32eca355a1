import Foundation
@testable import LanguageServer
import Lint
import PipelineIR
import Rules
import Testing

/// The suppression a code action inserts really suppresses the finding, with a reason,
/// whether or not the finding's line already has a comment.
@Suite struct SuppressionActionTests {
    static let seed = (try? String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("samples/seed-argument.yaml"), encoding: .utf8)) ?? ""

    static func analysis(_ text: String) -> DocumentAnalysis {
        DocumentAnalysis(TextDocument(uri: "file:///nonexistent/s.yaml", version: 1, text: text), configuration: Configuration(), rules: makeAllRules())
    }

    @Test(arguments: [
        ("", "  looked_up: {map_blocks: f, over: [x], args: [mapper]}  # pipelint: ignore[PL001] TODO: say why this finding does not apply"),
        ("  # the lookup step", "  # pipelint: ignore[PL001] TODO: say why this finding does not apply"),
    ])
    func theInsertedCommentSuppressesTheFinding(existingComment: String, expectedLine: String) throws {
        let text = Self.seed.replacingOccurrences(of: "args: [mapper]}\n", with: "args: [mapper]}\(existingComment)\n")
        let a = Self.analysis(text)
        let finding = try #require(a.report.findings.first { $0.code.id == "PL001" })
        let edit = try #require(CodeActions.suppression(finding, a))
        var bytes = Array(text.utf8)
        bytes.replaceSubrange(edit.range.start..<edit.range.end, with: edit.replacement.utf8)
        let edited = String(decoding: bytes, as: UTF8.self)
        #expect(edited.components(separatedBy: "\n")[13] == expectedLine)
        #expect(Self.analysis(edited).report.findings.isEmpty)
    }
}
