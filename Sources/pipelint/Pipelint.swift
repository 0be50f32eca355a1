import ArgumentParser
import Foundation
import Lint

/// `pipelint`: lint, fix and run Dask-style chunked pipelines.
struct Pipelint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipelint",
        abstract: "Find the graph shapes that make Dask clusters run out of memory, before anything runs.",
        version: pipelintVersion,
        subcommands: [Check.self, FixCommand.self, Estimate.self, Run.self, Compare.self, Export.self, GraphCommand.self, Rules.self, Explain.self, Server.self]
    )
}

/// Thrown to leave with a specific exit code after output has been written.
struct ExitStatus: Error {
    var code: Int32
    static let findings = ExitStatus(code: 1)
    static let usage = ExitStatus(code: 2)
}

/// Writes to standard error.
func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}
