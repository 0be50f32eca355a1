import ArgumentParser
import Foundation
import Lint

/// `pipelint`: lint, fix and run Dask-style chunked pipelines.
struct Pipelint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipelint",
        abstract: "Find the graph shapes that make Dask clusters run out of memory, before anything runs.",
        version: pipelintVersion,
        subcommands: [Check.self, FixCommand.self, Estimate.self, Run.self, Compare.self, ExportCommand.self, GraphCommand.self, RulesCommand.self, Explain.self, Server.self]
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

/// Writes to standard output (after anything `print` buffered, to keep the order);
/// a failed write (`> /dev/full`, a closed pipe) exits 2 with a message.
func writeStandardOutput(_ s: String) {
    if fflush(nil) != 0 { failedOutput(errno) }
    var bytes = Array(s.utf8)[...]
    while !bytes.isEmpty {
        let n = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            failedOutput(errno)
        }
        bytes = bytes.dropFirst(n)
    }
}

/// Flushes what `print` buffered and exits with `code`, or with 2 and a message
/// when standard output could not be written.
func exitFlushingOutput(_ code: Int32) -> Never {
    if fflush(nil) != 0 { failedOutput(errno) }
    exit(code)
}

func failedOutput(_ error: Int32) -> Never {
    printError("pipelint: error: cannot write to standard output: \(String(cString: strerror(error)))")
    exit(2)
}
