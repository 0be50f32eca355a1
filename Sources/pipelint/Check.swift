import ArgumentParser
import Driver
import Lint
import PipelineIR

/// `pipelint check PATH...`: parses its arguments into a `CheckRequest` and runs it.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lint pipeline files and directories.",
        discussion: """
            Configuration comes from the nearest `.pipelint.yml` above each file, or from --config.
            Directory scans skip hidden folders and what `.gitignore` and `.ignore` files list (see --no-ignore).
            Fixing is `pipelint fix`.
            Exit status: 0 no findings at or above --fail-on, 1 findings (an invalid pipeline is an error finding), \
            2 usage, configuration or I/O error, 3 internal error.
            """
    )

    @Argument(help: "Files or directories to lint (directories: *.yaml/*.yml files with a top-level `pipeline:` key); `-` reads standard input.")
    var paths: [String] = ["."]

    @Option(help: "Output format: text, concise (one line per finding), json, sarif, github, junit or gitlab (github by default when GITHUB_ACTIONS=true).")
    var format: ReportFormat?

    @Option(help: "Configuration file (default: the nearest .pipelint.yml above each file).")
    var config: String?

    @Option(help: "Rules to run instead of the configured ones: IDs, ID prefixes, names or ALL (comma-separated, repeatable).")
    var select: [String] = []

    @Option(help: "Rules to run in addition: IDs, ID prefixes, names or ALL (comma-separated, repeatable).")
    var extendSelect: [String] = []

    @Option(help: "Rules not to run: IDs, ID prefixes, names or ALL (comma-separated, repeatable).")
    var ignore: [String] = []

    @Option(help: "Lowest severity that fails the run: info, warning or error.")
    var failOn: Severity = .warning

    @Flag(help: "Exit 0 even when there are findings.")
    var exitZero = false

    @Flag(help: "Exit 2 when no pipeline file was found (by default a warning).")
    var failOnEmpty = false

    @Flag(help: "Print only the number of findings per rule; [*] marks rules whose findings `pipelint fix` fixes, [-] those it fixes only in part or with --unsafe-fixes.")
    var statistics = false

    @Flag(help: "Print findings only: no summary line.")
    var quiet = false

    @Flag(help: "List the files a directory scan skipped.")
    var verbose = false

    @Option(help: "Report only findings not in this baseline file, and say how many it hid.")
    var baseline: String?

    @Option(help: "Write the current findings to this baseline file and exit 0.")
    var writeBaseline: String?

    @Option(help: "Write the report to this file instead of standard output.")
    var outputFile: String?

    @Option(help: "Colour the text output: auto (on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it), always or never.")
    var color: ColorChoice = .auto

    @Option(help: "The path standard input (`-`) stands for: shown in the report, and where its configuration is looked up.")
    var stdinFilename: String?

    @Flag(name: .customLong("no-ignore"), help: "Do not skip what `.gitignore` and `.ignore` files list in directory scans.")
    var noIgnore = false

    @OptionGroup var exclusion: ForceExcludeOption

    /// The request these arguments make.
    var request: CheckRequest {
        CheckRequest(paths: paths, format: format, config: config, select: select, extendSelect: extendSelect, ignore: ignore,
                     failOn: failOn, exitZero: exitZero, failOnEmpty: failOnEmpty, statistics: statistics, quiet: quiet,
                     verbose: verbose, baseline: baseline, writeBaseline: writeBaseline, outputFile: outputFile, color: color,
                     stdinFilename: stdinFilename, noIgnore: noIgnore, forceExclude: exclusion.forceExclude)
    }

    func run() throws {
        try CheckRun(request: request).run()
    }
}

/// `--select`, `--extend-select` and `--ignore` resolved as `.pipelint.yml` resolves rule lists
/// (`check` and `fix` alike); an unknown selector is a usage error with a suggestion.
func ruleOverrides(select: [String], extendSelect: [String], ignore: [String]) throws -> (select: [String], extendSelect: [String], ignore: [String]) {
    // Nothing to resolve: the catalogue (every rule's description, by name) is not built.
    if select.isEmpty, extendSelect.isEmpty, ignore.isEmpty { return ([], [], []) }
    let (overrides, unknown) = RuleSelectors.catalogue.overrides(select: select, extendSelect: extendSelect, ignore: ignore)
    if let first = unknown.first {
        let hint = RuleSelectors.catalogue.suggestion(for: first).map { "; did you mean `\($0)`?" } ?? "; `pipelint rules` lists them"
        printError("pipelint: error: unknown rule ID, prefix or name `\(first)`\(hint)")
        throw ExitStatus.usage
    }
    return overrides
}

extension ReportFormat: ExpressibleByArgument {}
extension Severity: ExpressibleByArgument {}
extension ColorChoice: ExpressibleByArgument {}
