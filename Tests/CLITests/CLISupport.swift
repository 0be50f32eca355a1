import Foundation

/// Locates the repository root and the built `pipelint` binary, and runs it.
enum CLI {
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The binary next to the test bundle (same build configuration and scratch path).
    static var binary: URL {
        var dir = Bundle.main.bundleURL
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("pipelint")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/pipelint")
    }

    struct Result {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    /// Runs `pipelint args...` in `cwd` (the repository root by default); with a
    /// `launcher` (`["/usr/bin/timeout", "10"]`), runs `launcher... pipelint args...`
    /// and a leading `--` in `args` is dropped. `stdin` is written to its standard input (else it is empty).
    static func run(_ args: [String], cwd: URL? = nil, env: [String: String] = [:], launcher: [String] = [], stdin: String? = nil) throws -> Result {
        let p = Process()
        if let first = launcher.first {
            p.executableURL = URL(fileURLWithPath: first)
            p.arguments = Array(launcher.dropFirst()) + [binary.path] + (args.first == "--" ? Array(args.dropFirst()) : args)
        } else {
            p.executableURL = binary
            p.arguments = args
        }
        p.currentDirectoryURL = cwd ?? root
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        environment["GITHUB_ACTIONS"] = nil
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let input = Pipe()
        p.standardInput = input
        try p.run()
        // Small inputs only (a pipeline file): the pipe's buffer holds them.
        input.fileHandleForWriting.write(Data((stdin ?? "").utf8))
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self), status: p.terminationStatus)
    }

    /// Whether goldens should be rewritten (`PIPELINT_UPDATE_GOLDEN=1 swift test`); review with `git diff`.
    static var updating: Bool { ProcessInfo.processInfo.environment["PIPELINT_UPDATE_GOLDEN"] == "1" }
}
