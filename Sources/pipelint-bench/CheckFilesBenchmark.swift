import Foundation

/// Cold `pipelint check` of 500 realistic pipeline files: the release binary,
/// run as a user would, timed end to end; baseline: the same binary on one file.
enum CheckFilesBenchmark {
    static func run() {
        let bin = ProcessInfo.processInfo.environment["PIPELINT_BINARY"].map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("pipelint")
        guard FileManager.default.isExecutableFile(atPath: bin.path) else {
            print("check-files: build the tool first (swift build -c release)")
            return
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-bench-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("samples")
        let sampleTexts = ((try? FileManager.default.contentsOfDirectory(atPath: samples.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
            .compactMap { try? String(contentsOf: samples.appendingPathComponent($0), encoding: .utf8) }
        var total = 0
        for i in 0..<500 {
            // Half copies of the samples, half generated pipelines of 20–60 entries.
            let text = i % 2 == 0 && !sampleTexts.isEmpty ? sampleTexts[i / 2 % sampleTexts.count] : generatePipeline(groups: 5 + i % 11, name: "gen-\(i)")
            total += text.utf8.count
            try? text.write(to: dir.appendingPathComponent(String(format: "p%03d.yaml", i)), atomically: false, encoding: .utf8)
        }
        // posix_spawn and waitpid: Foundation's Process.waitUntilExit polls every 50 ms, which
        // made every start look like 50 ms.
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(dir.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        func run(_ args: [String], repeats: Int) -> Double {
            measure(repeats: repeats) { spawnAndWait(bin.path, args) }
        }
        let version = run(["--version"], repeats: 20)
        let one = run(["check", "p001.yaml"], repeats: 20)
        let cpuBefore = childrenCPUSeconds()
        let all = run(["check", "."], repeats: 5)
        let allCPU = (childrenCPUSeconds() - cpuBefore) / 5
        print("check-files: 500 files, \(mb(total)) in all, \(ProcessInfo.processInfo.activeProcessorCount) cores, \(bin.path)")
        print("  --version (process start):         \(String(format: "%.1f", version * 1000)) ms  best of 20")
        print("  one file (process start + lint):   \(String(format: "%.1f", one * 1000)) ms  best of 20; target < 15 ms  [baseline]")
        print("  500 files, cold process:           \(String(format: "%.3f", all)) s  best of 5 (\(String(format: "%.1f", all / one))× one file; target < 0.5 s)")
        print("  500 files, CPU time (user + sys):  \(String(format: "%.3f", allCPU)) s  mean of 5; what the wall time is on an idle machine with one core")
        print("  (a binary elsewhere: PIPELINT_BINARY=dist/pipelint)")
    }
}

/// Runs `path args...` with standard output and error to /dev/null and waits for it.
func spawnAndWait(_ path: String, _ args: [String]) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([path] + args).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else { return }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
}

/// User + system CPU seconds of the waited-for children so far.
func childrenCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}
