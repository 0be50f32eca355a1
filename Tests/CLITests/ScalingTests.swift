import Foundation
import HostileInputs
import Testing

/// Inputs that used to take super-linear time, through the binary, each well under its old cost.
@Suite struct ScalingTests {
    static func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-scale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (rel, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(rel)) }
        return url
    }

    /// Runs `pipelint args...` in `cwd` under `sh`, whose `times` reports the CPU seconds the
    /// binary used (user + system): unlike the wall clock, not inflated by other work on a
    /// shared machine, and unlike `RUSAGE_CHILDREN` here, not mixed with the tests beside it.
    static func timed(_ args: [String], cwd: URL) throws -> (stdout: String, status: Int32, seconds: Double) {
        let r = try CLI.run(args, cwd: cwd, launcher: ["/bin/sh", "-c", "\"$@\"; s=$?; times >&2; exit $s", "sh"])
        // The last line of `times`: the children's user and system time, as `0m1.230000s 0m0.020000s`.
        let last = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
        let seconds = last.split(separator: " ").map { field -> Double in
            let parts = field.dropLast().split(separator: "m")
            return (Double(parts.first ?? "") ?? .infinity) * 60 + (Double(parts.last ?? "") ?? .infinity)
        }.reduce(0, +)
        return (r.stdout, r.status, seconds)
    }

    @Test func longUnknownNamesGetNoSuggestionAndNoQuadraticWork() throws {
        let dir = try Self.folder(["a.yaml": ScalingInputs.longNames(80_000)])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.timed(["check", "a.yaml", "--format", "json"], cwd: dir)
        let seconds = r.seconds
        #expect(r.status == 1)
        #expect(r.stdout.contains("is not an array or step"))
        #expect(!r.stdout.contains("did you mean"))
        #expect(seconds < 5, "took \(seconds) s of CPU (14–19 s before)")
    }

    @Test func backtrackingGlobIsLinear() throws {
        let g = ScalingInputs.backtrackingGlob(stars: 8, length: 40)
        let config = "per-file-ignores:\n  \"\(g.pattern)\": [PL005]\n  \"a*.yaml\": [PL009]\n"
        let dir = try Self.folder([".pipelint.yml": config, g.path + ".yaml": HostileInputs.seed])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.timed(["check", ".", "--quiet"], cwd: dir)
        let seconds = r.seconds
        #expect(r.status == 1)
        #expect(r.stdout.contains("[PL001 embedded-object]"))
        #expect(seconds < 5, "took \(seconds) s of CPU (67 s before)")
    }
}
