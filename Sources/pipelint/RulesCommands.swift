import ArgumentParser
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
    static let configuration = CommandConfiguration(abstract: "Explain a rule: what it does, why, examples and fix safety.")
    @Argument(help: "A rule ID (PL001) or name (embedded-object).")
    var rule: String

    func run() throws {
        guard let r = allRules.first(where: { $0.description.id == rule.uppercased() || $0.description.name == rule }) else {
            printError("pipelint: error: unknown rule `\(rule)`; `pipelint rules` lists them")
            throw ExitStatus.usage
        }
        print(RulePage.markdown(r, catalogue: makeAllRules()), terminator: "")
    }
}
