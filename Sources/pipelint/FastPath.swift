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

    /// Sets the flag `name`; nil when `name` is not one of `check`'s flags, false when it is repeated.
    static func setFlag(_ name: String, in r: inout CheckRequest) -> Bool? {
        func set(_ flag: inout Bool) -> Bool {
            defer { flag = true }
            return !flag
        }
        switch name {
        case "--exit-zero": return set(&r.exitZero)
        case "--fail-on-empty": return set(&r.failOnEmpty)
        case "--statistics": return set(&r.statistics)
        case "--quiet": return set(&r.quiet)
        case "--verbose": return set(&r.verbose)
        case "--no-ignore": return set(&r.noIgnore)
        case "--force-exclude": return set(&r.forceExclude)
        default: return nil
        }
    }

    /// Sets the option `name` to `value`; false when `name` is not one of `check`'s options or the value is not one it takes.
    static func setOption(_ name: String, _ value: String, in r: inout CheckRequest) -> Bool {
        switch name {
        case "--select": r.select.append(value)
        case "--extend-select": r.extendSelect.append(value)
        case "--ignore": r.ignore.append(value)
        case "--config": r.config = value
        case "--baseline": r.baseline = value
        case "--write-baseline": r.writeBaseline = value
        case "--output-file": r.outputFile = value
        case "--stdin-filename": r.stdinFilename = value
        case "--format":
            guard let f = ReportFormat(rawValue: value) else { return false }
            r.format = f
        case "--fail-on":
            guard let s = Severity(rawValue: value) else { return false }
            r.failOn = s
        case "--color":
            guard let c = ColorChoice(rawValue: value) else { return false }
            r.color = c
        default: return false
        }
        return true
    }

    /// `check`'s request, or nil when argument-parser must see these arguments.
    static func checkRequest(_ arguments: [String]) -> CheckRequest? {
        guard arguments.first == "check" else { return nil }
        var r = CheckRequest()
        var paths: [String] = []
        var seen: [String] = []
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
            let equals = arg.firstIndex(of: "=")
            let name = equals.map { String(arg[..<$0]) } ?? arg
            if let fresh = setFlag(name, in: &r) {
                guard fresh, equals == nil else { return nil }
                continue
            }
            // An option's value: `--name=value` or the next argument (not one that looks like an option).
            let value: String
            if let equals {
                value = String(arg[arg.index(after: equals)...])
            } else {
                guard i < arguments.count, !arguments[i].hasPrefix("-") else { return nil }
                value = arguments[i]
                i += 1
            }
            // A single-value option given twice is left to argument-parser.
            let repeatable = name == "--select" || name == "--extend-select" || name == "--ignore"
            guard repeatable || !seen.contains(name), setOption(name, value, in: &r) else { return nil }
            seen.append(name)
        }
        if !paths.isEmpty { r.paths = paths }
        return r
    }
}
