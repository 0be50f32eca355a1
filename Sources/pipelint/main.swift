import ArgumentParser
import Foundation

// Our own entry point, so exit codes are ours: 0 clean, 1 findings,
// 2 usage/config/I-O errors (argument-parser's 64 becomes 2), 3 internal errors.
// A closed pipe is an error we report (EPIPE), not a signal that kills us mid-write.
signal(SIGPIPE, SIG_IGN)
let arguments = Array(CommandLine.arguments.dropFirst())
if let mistake = CommandLineHints.mistake(in: arguments, commands: CommandLineHints.commandNames) {
    printError(mistake)
    exit(2)
}
// The common invocations skip argument-parser's start-up (reflection over every option).
if let code = FastPath.run(arguments) { exitFlushingOutput(code) }
do {
    var command = try Pipelint.parseAsRoot(arguments)
    try command.run()
    exitFlushingOutput(0)
} catch let e as ExitStatus {
    exitFlushingOutput(e.code)
} catch {
    let code = Pipelint.exitCode(for: error).rawValue
    if code == 0 {
        // --help, --version
        print(Pipelint.fullMessage(for: error))
        exit(0)
    }
    let message = Pipelint.fullMessage(for: error)
    if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
    exit(code == ExitCode.validationFailure.rawValue || code == 64 ? 2 : (code == 1 ? 2 : code))
}
