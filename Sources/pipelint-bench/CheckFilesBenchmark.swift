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
        // posix_spawn and wait4 (spawnTimed): Foundation's Process.waitUntilExit polls every 50 ms.
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(dir.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        guard let start = ColdStart.measure(binary: bin.path, file: "p001.yaml") else {
            print("check-files: could not start /bin/true or \(bin.path)")
            return
        }
        let one = start.oneFile
        var all = Double.infinity, allCPU = 0.0
        for _ in 0..<5 {
            guard let t = spawnTimed(bin.path, ["check", "."]) else { return }
            all = min(all, t.wall)
            allCPU += t.cpu / 5
        }
        print("check-files: 500 files, \(mb(total)) in all, \(ProcessInfo.processInfo.activeProcessorCount) cores, \(bin.path)")
        print("  cold start, best of 20 interleaved rounds:")
        ColdStart.report(start, indent: "    ")
        print("  500 files, cold process:           \(String(format: "%.3f", all)) s  best of 5 (\(String(format: "%.1f", all / one))× one file; target < 0.5 s)")
        print("  500 files, CPU time (user + sys):  \(String(format: "%.3f", allCPU)) s  mean of 5; what the wall time is on an idle machine with one core")
        print("  (a binary elsewhere: PIPELINT_BINARY=dist/pipelint)")
    }
}
