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

    static func timed(_ body: () throws -> CLI.Result) rethrows -> (CLI.Result, Double) {
        let t = Date()
        let r = try body()
        return (r, Date().timeIntervalSince(t))
    }

    @Test func longUnknownNamesGetNoSuggestionAndNoQuadraticWork() throws {
        let dir = try Self.folder(["a.yaml": ScalingInputs.longNames(80_000)])
        defer { try? FileManager.default.removeItem(at: dir) }
        let (r, seconds) = try Self.timed { try CLI.run(["check", "a.yaml", "--format", "json"], cwd: dir) }
        #expect(r.status == 1)
        #expect(r.stdout.contains("is not an array or step"))
        #expect(!r.stdout.contains("did you mean"))
        #expect(seconds < 5, "took \(seconds) s (14–19 s before)")
    }

    @Test func backtrackingGlobIsLinear() throws {
        let g = ScalingInputs.backtrackingGlob(stars: 8, length: 40)
        let config = "per-file-ignores:\n  \"\(g.pattern)\": [PL005]\n  \"a*.yaml\": [PL009]\n"
        let dir = try Self.folder([".pipelint.yml": config, g.path + ".yaml": HostileInputs.seed])
        defer { try? FileManager.default.removeItem(at: dir) }
        let (r, seconds) = try Self.timed { try CLI.run(["check", ".", "--quiet"], cwd: dir) }
        #expect(r.status == 1)
        #expect(r.stdout.contains("[PL001 embedded-object]"))
        #expect(seconds < 5, "took \(seconds) s (67 s before)")
    }
}
