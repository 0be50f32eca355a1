import ArgumentParser
import Foundation
import PipelineYAML

/// Mistakes a user of ruff-like tools makes, answered before argument parsing with what to run
/// instead: `check --fix` (fixing is `pipelint fix`) and an unknown command ("did you mean").
enum CommandLineHints {
    /// `check` options that belong to `fix` (ruff's `check --fix` spelling).
    static let fixOptions = ["--fix", "--fix-only", "--unsafe-fixes", "--diff", "--show-fixes"]

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
        if let near = names.min(by: { distance(first, $0) < distance(first, $1) }), distance(first, near) <= min(2, near.count / 2) {
            return "pipelint: error: unknown command `\(first)`; did you mean `\(near)`?"
        }
        if FileManager.default.fileExists(atPath: first) {
            return "pipelint: error: unknown command `\(first)`; to lint it: `pipelint check \(first)`"
        }
        return "pipelint: error: unknown command `\(first)`; the commands are \(names.map { "`\($0)`" }.joined(separator: ", "))"
    }

    /// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`; command names are short.
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.prefix(64).unicodeScalars), y = Array(b.unicodeScalars)
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in stride(from: 1, through: x.count, by: 1) {
            for j in stride(from: 1, through: y.count, by: 1) {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[x.count][y.count]
    }

    /// The subcommands' names.
    static func commandNames() -> [String] {
        Pipelint.configuration.subcommands.map { $0._commandName }
    }
}
