import ArgumentParser
import Foundation
import JSONRPC
import LanguageServer

/// `pipelint server`: the Language Server Protocol over standard input and output.
struct Server: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the language server (LSP over stdio) for editors.",
        discussion: """
            Findings as you type, fixes as code actions, sizes on hover, navigation and rename. \
            Editor set-up: docs/editors.md.
            """
    )

    @Option(help: "Milliseconds without a change before a document is linted again.")
    var debounceMs: Int = 150

    func run() throws {
        // Only protocol messages go to standard output: the protocol keeps its own copy of the
        // descriptor, and anything else printed to stdout goes to stderr instead.
        let protocolOut = dup(STDOUT_FILENO)
        guard protocolOut >= 0, dup2(STDERR_FILENO, STDOUT_FILENO) >= 0 else {
            printError("pipelint: error: cannot set up standard output")
            throw ExitStatus.usage
        }
        signal(SIGPIPE, SIG_IGN)
        let cancellations = CancellationRegistry()
        let server = LanguageServer(sink: .fileDescriptor(protocolOut), cancellations: cancellations,
                                    options: .init(debounce: Double(max(0, debounceMs)) / 1000)) { status in
            // Every protocol message is already written (write(2) on its own descriptor). The stdin
            // reader may be blocked in read(2), and the other threads mid-task: leave without running
            // exit handlers and destructors under their feet.
            fflush(nil)
            _exit(status)
        }
        InputLoop.start(fd: STDIN_FILENO, cancellations: cancellations, deliver: { server.receive($0) }, end: { server.endOfInput() })
        dispatchMain()
    }
}
