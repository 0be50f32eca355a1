import ArgumentParser
import Foundation
import PipelineYAML

/// Mistakes a user of ruff-like tools makes, answered before argument parsing with what to run
/// instead: `check --fix` (fixing is `pipelint fix`) and an unknown command ("did you mean").
enum CommandLineHints {
    /// `check` options that belong to `fix` (ruff's `check --fix` spelling).
    static let fixOptions: Set<String> = ["--fix", "--fix-only", "--unsafe-fixes", "--diff", "--show-fixes"]

    /// The error to print for these arguments, or nil when they are for the parser.
    static func mistake(in arguments: [String], commands: () -> [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-") else { return nil }
        if first == "check" {
            let options = arguments.dropFirst().prefix { $0 != "--" }
            guard let option = options.first(where: { fixOptions.contains(String($0.split(separator: "=", maxSplits: 1).first ?? "")) }) else { return nil }
            let what = option.hasPrefix("--diff") ? "fix --diff" : option.hasPrefix("--unsafe") ? "fix --unsafe-fixes" : "fix"
            return "pipelint: error: `check` does not fix files (`\(option)`); fixing is `pipelint \(what) PATH...` (`pipelint fix --diff` shows the changes without writing them)"
        }
        let names = commands()
        guard first != "help", !names.contains(first) else { return nil }
        if let near = suggestion(for: first, among: names) {
            return "pipelint: error: unknown command `\(first)`; did you mean `\(near)`?"
        }
        if FileManager.default.fileExists(atPath: first) {
            return "pipelint: error: unknown command `\(first)`; to lint it: `pipelint check \(first)`"
        }
        return "pipelint: error: unknown command `\(first)`; the commands are \(names.map { "`\($0)`" }.joined(separator: ", "))"
    }

    /// The subcommands' names.
    static func commandNames() -> [String] {
        Pipelint.configuration.subcommands.map { $0._commandName }
    }
}
