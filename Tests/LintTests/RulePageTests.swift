import Foundation
import Lint
import Rules
import Testing

/// `rules/<ID>-<name>.md` is generated from the rule's description and shows the
/// tool's exact output on its example; a missing or stale page fails.
@Suite struct RulePageTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: allRules.map { $0.description.id })
    func pageIsPresentAndCurrent(_ id: String) throws {
        let rule = try #require(allRules.first { $0.description.id == id })
        let d = rule.description
        let url = Self.root.appendingPathComponent("rules/\(d.id)-\(d.name).md")
        let page = RulePage.markdown(rule, catalogue: makeAllRules())
        if ProcessInfo.processInfo.environment["PIPELINT_UPDATE_GOLDEN"] == "1" {
            try page.write(to: url, atomically: true, encoding: .utf8)
        }
        let onDisk = try String(contentsOf: url, encoding: .utf8)
        #expect(onDisk == page, "regenerate with PIPELINT_UPDATE_GOLDEN=1 swift test and review the diff")
    }

    @Test func indexIsCurrent() throws {
        let url = Self.root.appendingPathComponent("rules/README.md")
        let text = RulePage.index(allRules)
        if ProcessInfo.processInfo.environment["PIPELINT_UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        #expect(try String(contentsOf: url, encoding: .utf8) == text)
    }

    @Test func everyPageBelongsToARule() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("rules").path).filter { $0.hasSuffix(".md") && $0 != "README.md" }
        let expected = Set(allRules.map { "\($0.description.id)-\($0.description.name).md" })
        #expect(Set(files) == expected)
    }

    @Test func idsAndNamesAreUniqueAndWellFormed() {
        let ids = allRules.map { $0.description.id }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.count == 5 && $0.hasPrefix("PL") && $0.dropFirst(2).allSatisfy(\.isNumber) })
        #expect(allRules.allSatisfy { $0.description.name.allSatisfy { $0.isLowercase || $0 == "-" } })
    }
}
