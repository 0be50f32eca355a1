import ArgumentParser
import Driver
import Foundation
import Lint
import Rules

/// `pipelint rules`
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "List the rules.")
    func run() throws {
        let width = allRules.map { $0.description.name.count }.max() ?? 0
        for rule in allRules {
            let d = rule.description
            let fix = d.fixExamples.isEmpty ? "   " : "[*]"
            print("\(d.id)  \(d.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(d.defaultSeverity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))  \(fix)  \(d.summary)")
        }
        print("\n[*] has an automatic fix (`pipelint fix`). `pipelint explain ID` shows a rule's page.")
    }
}

/// `pipelint explain ID|name`
struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Explain a rule or check: what it does, why, examples and fix safety.")
    @Argument(help: "A rule ID (PL001) or name (embedded-object); PL900 and PL901 are the front end's checks.")
    var rule: String

    func run() throws {
        if let r = allRules.first(where: { $0.description.id == rule.uppercased() || $0.description.name == rule }) {
            print(RulePage.markdown(r, catalogue: makeAllRules()), terminator: "")
            return
        }
        if let page = FrontEndPages.page(rule) {
            print(page, terminator: "")
            return
        }
        let hint = RuleSelectors.catalogue.suggestion(for: rule).map { "; did you mean `\($0)`?" } ?? "; `pipelint rules` lists them"
        printError("pipelint: error: unknown rule `\(rule)`\(hint)")
        throw ExitStatus.usage
    }
}
