import Foundation
import Lint
import PipelineIR

/// `pipelint --version` and `pipelint check ...` parsed by hand: argument-parser builds its
/// command tree by reflection over every option of every command, which costs more than
/// linting one file (a pre-commit hook or an editor pays it on every run). Anything this
/// parser does not fully understand — `--help`, an unknown option, a bad value, a repeated
/// single-value option — falls through to argument-parser, which stays the one definition of
/// the interface and gives the error messages; `Tests/CLITests/FastPathTests` checks that
/// both parsers give the same request.
enum FastPath {
    /// The exit status when the arguments were handled here, nil to use argument-parser.
    static func run(_ arguments: [String]) -> Int32? {
        if arguments == ["--version"] {
            print(pipelintVersion)
            return 0
        }
        guard let request = checkRequest(arguments) else { return nil }
        do {
            try CheckRun(request: request).run()
            return 0
        } catch let e as ExitStatus {
            return e.code
        } catch {
            printError("pipelint: internal error: \(error)")
            return 3
        }
    }

    static var flags: [String: WritableKeyPath<CheckRequest, Bool>] { [
        "--exit-zero": \.exitZero, "--fail-on-empty": \.failOnEmpty, "--statistics": \.statistics, "--quiet": \.quiet,
        "--verbose": \.verbose, "--no-ignore": \.noIgnore, "--force-exclude": \.forceExclude,
    ] }
    static var lists: [String: WritableKeyPath<CheckRequest, [String]>] { [
        "--select": \.select, "--extend-select": \.extendSelect, "--ignore": \.ignore,
    ] }
    static var strings: [String: WritableKeyPath<CheckRequest, String?>] { [
        "--config": \.config, "--baseline": \.baseline, "--write-baseline": \.writeBaseline,
        "--output-file": \.outputFile, "--stdin-filename": \.stdinFilename,
    ] }

    /// `check`'s request, or nil when argument-parser must see these arguments.
    static func checkRequest(_ arguments: [String]) -> CheckRequest? {
        guard arguments.first == "check" else { return nil }
        var r = CheckRequest()
        var paths: [String] = []
        var seen = Set<String>()
        var i = 1
        while i < arguments.count {
            let arg = arguments[i]
            i += 1
            if arg == "--" {
                paths += arguments[i...]
                break
            }
            guard arg.hasPrefix("-"), arg != "-" else {
                paths.append(arg)
                continue
            }
            let parts = arg.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts[0]
            if let flag = flags[name] {
                guard parts.count == 1, !r[keyPath: flag] else { return nil }
                r[keyPath: flag] = true
                continue
            }
            // An option's value: `--name=value` or the next argument (not one that looks like an option).
            let value: String
            if parts.count == 2 {
                value = parts[1]
            } else {
                guard i < arguments.count, !arguments[i].hasPrefix("-") else { return nil }
                value = arguments[i]
                i += 1
            }
            if let list = lists[name] {
                r[keyPath: list].append(value)
                continue
            }
            guard seen.insert(name).inserted else { return nil }
            if let string = strings[name] {
                r[keyPath: string] = value
            } else if name == "--format", let f = ReportFormat(rawValue: value) {
                r.format = f
            } else if name == "--fail-on", let s = Severity(rawValue: value) {
                r.failOn = s
            } else if name == "--color", let c = ColorChoice(rawValue: value) {
                r.color = c
            } else {
                return nil
            }
        }
        if !paths.isEmpty { r.paths = paths }
        return r
    }
}
