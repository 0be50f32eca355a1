import Foundation

/// Cold start of the release binary, as a pre-commit hook or an editor pays it once per run:
/// `pipelint --version` and `pipelint check` of one realistic file, each a fresh process,
/// against the floor every program on this machine pays, measured in the same rounds.
///
/// The floor is `/bin/true`: a position-independent executable linked against glibc, as the
/// release binary is (`scripts/check-binary.sh`), so it pays exactly what pipelint cannot
/// avoid — `posix_spawn`, `execve`, the dynamic loader and glibc's start-up, `exit` and the
/// parent's `wait4` — and nothing of ours. A static C program would leave the loader out of the
/// floor (and needs a compiler at benchmark time); `python3 -c pass` takes 15 ms of CPU (90–180 ms
/// wall on a loaded machine) in its own interpreter, imports and site packages, so its noise would
/// be larger than the whole figure.
/// Rounds interleave the three commands, so a busy moment of a shared machine slows all three.
enum ColdStart {
    struct Figures {
        /// Best wall seconds of `/bin/true`, `--version` and the one-file check.
        var floor: Double, version: Double, oneFile: Double
        /// Mean CPU seconds (user + system, from `wait4`) of the same.
        var floorCPU: Double, versionCPU: Double, oneFileCPU: Double

        var versionRatio: Double { version / floor }
        var oneFileRatio: Double { oneFile / floor }
    }

    /// The floor program: `/bin/true`, or `/usr/bin/true` where `/bin` is not merged.
    static var floorProgram: String? {
        ["/bin/true", "/usr/bin/true"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `rounds` interleaved runs of the floor, `binary --version` and `binary check file`.
    static func measure(binary: String, file: String, rounds: Int = 20) -> Figures? {
        guard let floor = floorProgram else { return nil }
        let commands = [(floor, [String]()), (binary, ["--version"]), (binary, ["check", file])]
        var best = [Double](repeating: .infinity, count: 3), cpu = [Double](repeating: 0, count: 3)
        // One unmeasured round: the page cache holds the binary before the first timed start.
        for (path, args) in commands { _ = spawnTimed(path, args) }
        for _ in 0..<rounds {
            for (i, (path, args)) in commands.enumerated() {
                guard let t = spawnTimed(path, args) else { return nil }
                best[i] = min(best[i], t.wall)
                cpu[i] += t.cpu / Double(rounds)
            }
        }
        return Figures(floor: best[0], version: best[1], oneFile: best[2], floorCPU: cpu[0], versionCPU: cpu[1], oneFileCPU: cpu[2])
    }

    /// The figures, one line each, in milliseconds.
    static func report(_ f: Figures, indent: String = "  ") {
        func ms(_ s: Double) -> String { String(format: "%6.2f ms", s * 1000) }
        print(indent + "/bin/true (process floor):   \(ms(f.floor)) best, \(ms(f.floorCPU)) CPU  [baseline]")
        print(indent + "--version:                   \(ms(f.version)) best, \(ms(f.versionCPU)) CPU  "
              + String(format: "%.1f× the floor", f.versionRatio))
        print(indent + "check of one file:           \(ms(f.oneFile)) best, \(ms(f.oneFileCPU)) CPU  "
              + String(format: "%.1f× the floor (CPU %.1f×); target < 15 ms", f.oneFileRatio, f.oneFileCPU / f.floorCPU))
    }
}

/// Runs `path args...` with standard output and error to /dev/null and waits for it: wall
/// seconds from spawn to reaped, and the child's user + system CPU seconds. Nil when it cannot start.
/// posix_spawn and wait4, not Foundation's Process: its waitUntilExit polls every 50 ms, which
/// made every start look like 50 ms.
@discardableResult
func spawnTimed(_ path: String, _ args: [String]) -> (wall: Double, cpu: Double)? {
    timeChild(path, args, in: FileManager.default.currentDirectoryPath).map { ($0.seconds, $0.cpu) }
}


/// Runs `path args...` with standard output and error to /dev/null and waits for it.
func spawnAndWait(_ path: String, _ args: [String]) { spawnTimed(path, args) }
