import Foundation

/// Wall-clock seconds of `body`, best of `repeats`.
func measure(repeats: Int = 3, _ body: () -> Void) -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let t = DispatchTime.now().uptimeNanoseconds
        body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9)
    }
    return best
}

/// A `/proc/self/status` field in bytes (VmRSS, VmHWM), 0 where unavailable.
func procStatus(_ field: String) -> Int {
    guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in s.split(separator: "\n") where line.hasPrefix(field + ":") {
        let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kb * 1024
    }
    return 0
}

/// Resets the high-water mark so VmHWM measures what follows (Linux ≥ 4.0).
func resetPeakRSS() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
}

func mb(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }

/// A realistic pipeline with `groups` object/function/array/step groups.
func generatePipeline(groups: Int, name: String = "generated") -> String {
    var s = "# generated benchmark pipeline\npipeline: \(name)\nversion: 1\ncluster: {scheduler: distributed, workers: 4, threads_per_worker: 2, memory_per_worker: 8GiB}\n"
    s += "objects:\n"
    for i in 0..<groups {
        s += "  table_\(i):            # lookup table \(i)\n    series: {range: \(1000 + i % 5000), dtype: int64}\n    placement: delayed\n"
    }
    s += "functions:\n"
    for i in 0..<groups {
        s += "  lookup_\(i): {params: [block, table], kernel: take, with: {table: table}}\n"
    }
    s += "arrays:\n"
    for i in 0..<groups {
        s += "  codes_\(i): {shape: [\(100_000 + i)], chunks: [10000], dtype: int64, source: {random: {seed: \(i), low: 0, high: 1000}}}\n"
    }
    s += "steps:\n"
    for i in 0..<groups {
        s += "  mapped_\(i): {map_blocks: lookup_\(i), over: [codes_\(i)], args: [table_\(i)]}\n"
    }
    s += "outputs:\n"
    for i in stride(from: 0, to: groups, by: 10) { s += "  mapped_\(i): persist\n" }
    return s
}

/// One run of a child process: wall-clock seconds, CPU seconds (user + system, all its threads)
/// and exit status.
struct ChildRun {
    var seconds: Double
    var cpu: Double
    var status: Int32
}

/// One run of `executable` with `arguments` in `directory`, output discarded: started with
/// posix_spawn and reaped with wait4, so the time is the child's own (Foundation's
/// `Process.waitUntilExit` polls its run loop, in steps of about 50 ms) and its CPU time comes
/// with it (steadier than wall time on a loaded machine). Nil when it cannot be started.
func timeChild(_ executable: String, _ arguments: [String], in directory: String) -> ChildRun? {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for p in argv { free(p) } }
    // The child starts in `directory` (Swift's Glibc lacks posix_spawn_file_actions_addchdir_np):
    // the benchmarks start children from one thread, so changing ours around the spawn is safe.
    let here = FileManager.default.currentDirectoryPath
    guard chdir(directory) == 0 else { return nil }
    defer { _ = chdir(here) }
    var pid: pid_t = 0
    let t = DispatchTime.now().uptimeNanoseconds
    guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { return nil }
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) == -1, errno == EINTR {}
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
    func secs(_ v: timeval) -> Double { Double(v.tv_sec) + Double(v.tv_usec) / 1e6 }
    // WIFEXITED / WEXITSTATUS
    return ChildRun(seconds: seconds, cpu: secs(usage.ru_utime) + secs(usage.ru_stime), status: status & 0x7f == 0 ? (status >> 8) & 0xff : -1)
}
