import ArgumentParser
import Foundation
import Lint
import Rules

/// `pipelint rules`
struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rules", abstract: "List the rules.")
    func run() throws {
        for rule in allRules {
            let d = rule.description
            print("\(d.id)  \(d.name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(d.defaultSeverity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(d.summary)")
        }
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
