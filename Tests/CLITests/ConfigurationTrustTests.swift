import Foundation
import Testing

/// A configuration planted next to the files it would govern can only lower parse limits.
@Suite struct ConfigurationTrustTests {
    static let deep = "pipeline: p\nversion: 1\nx: " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70) + "\n"
    static let raise = "limits:\n  max-depth: 200\n"
    static let depthError = "sub/p.yaml:3:67: error: nesting deeper than 64 levels [PL900 invalid-yaml]"

    static func folder(_ files: [String: String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-trust-\(UUID().uuidString)")
        for (rel, text) in files {
            let f = url.appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: f.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: f)
        }
        return url
    }

    @Test func nestedConfigurationCannotRaiseLimits() throws {
        let dir = try Self.folder(["sub/.pipelint.yml": Self.raise, "sub/p.yaml": Self.deep])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["check", "sub/p.yaml", "--quiet"], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix(Self.depthError + "\n"))
    }

    @Test func nestedConfigurationCanLowerLimits() throws {
        let dir = try Self.folder(["sub/.pipelint.yml": "limits:\n  max-file-bytes: 10\n", "sub/p.yaml": Self.deep])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["check", "sub/p.yaml", "--quiet"], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("sub/p.yaml:1:1: error: file is 167 bytes, over the 10-byte limit [PL900 invalid-yaml]\n"))
    }

    @Test func workingDirectoryAndExplicitConfigurationsMayRaiseLimits() throws {
        let dir = try Self.folder([".pipelint.yml": Self.raise, "other.yml": Self.raise, "sub/p.yaml": Self.deep])
        defer { try? FileManager.default.removeItem(at: dir) }
        let here = try CLI.run(["check", "sub/p.yaml", "--quiet"], cwd: dir)
        #expect(here.stdout.hasPrefix("sub/p.yaml:1:1: error: missing required key `steps` [PL901 invalid-pipeline]\n"))
        try FileManager.default.removeItem(at: dir.appendingPathComponent(".pipelint.yml"))
        let explicit = try CLI.run(["check", "sub/p.yaml", "--quiet", "--config", "other.yml"], cwd: dir)
        #expect(explicit.stdout.hasPrefix("sub/p.yaml:1:1: error: missing required key `steps` [PL901 invalid-pipeline]\n"))
    }

    @Test func configurationLinkedToItselfIsAnError() throws {
        let dir = try Self.folder(["sub/p.yaml": Self.deep])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("sub/.pipelint.yml").path, withDestinationPath: ".pipelint.yml")
        let r = try CLI.run(["check", "sub/p.yaml", "--quiet"], cwd: dir)
        #expect(r.status == 2)
        #expect(r.stderr == "pipelint: error: \(dir.path)/sub/.pipelint.yml: cannot read the configuration file: Too many levels of symbolic links\n")
    }
}
