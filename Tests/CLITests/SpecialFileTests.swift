import Foundation
import Testing

/// Files that are not regular files, or cannot be listed, never hang or bloat `check`.
@Suite struct SpecialFileTests {
    /// Runs the binary under `timeout 10` (a hang fails instead of blocking the suite),
    /// as user nobody when `asNobody` (root reads any folder whatever its mode).
    static func run(_ args: [String], cwd: URL, asNobody: Bool = false) throws -> CLI.Result {
        var prefix = ["/usr/bin/timeout", "10"]
        if asNobody, getuid() == 0 { prefix += ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] }
        return try CLI.run(["--"] + args, cwd: cwd, launcher: prefix)
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-special-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        chmod(url.path, 0o755)
        return url
    }

    @Test func devZeroIsRefusedWithoutReading() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Self.run(["check", "/dev/zero"], cwd: dir)
        #expect(r.status == 2)
        #expect(r.stderr == "pipelint: error: /dev/zero: is a device, not a regular file\n")
        let run = try Self.run(["run", "/dev/zero"], cwd: dir)
        #expect(run.status == 2)
        #expect(run.stderr == "pipelint: error: cannot read /dev/zero: it is a device, not a regular file\n")
    }

    @Test func fifoIsRefusedWithoutBlocking() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(mkfifo(dir.appendingPathComponent("p.yaml").path, 0o644) == 0)
        let r = try Self.run(["check", "p.yaml"], cwd: dir)
        #expect(r.status == 2)
        #expect(r.stderr == "pipelint: error: p.yaml: is a FIFO, not a regular file\n")
    }

    @Test func scanSkipsSpecialFilesBehindLinksAndListsThemWhenVerbose() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("scan/sub"), withIntermediateDirectories: true)
        #expect(mkfifo(dir.appendingPathComponent("fifo").path, 0o644) == 0)
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("scan/zero.yaml").path, withDestinationPath: "/dev/zero")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("scan/sub/fifo.yaml").path, withDestinationPath: "../../fifo")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("scan/loop").path, withDestinationPath: ".")
        let r = try Self.run(["check", "scan", "--verbose"], cwd: dir)
        #expect(r.status == 0)
        #expect(r.stdout == "All checks passed (0 files checked).\n")
        #expect(r.stderr == "pipelint: warning: no pipeline files found in `scan` (pipelines are *.yaml/*.yml files with a top-level `pipeline:` key)\nskipped scan/sub/fifo.yaml (is a FIFO, not a regular file)\nskipped scan/zero.yaml (is a device, not a regular file)\n")
    }

    @Test func unreadableSubfolderIsAWarning() throws {
        let dir = try Self.folder()
        defer {
            chmod(dir.appendingPathComponent("scan/locked").path, 0o755)
            try? FileManager.default.removeItem(at: dir)
        }
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("scan/locked"), withIntermediateDirectories: true)
        chmod(dir.appendingPathComponent("scan").path, 0o755)
        try Data("pipeline: [\n".utf8).write(to: dir.appendingPathComponent("scan/locked/broken.yaml"))
        chmod(dir.appendingPathComponent("scan/locked").path, 0)
        let r = try Self.run(["check", "scan"], cwd: dir, asNobody: true)
        #expect(r.stderr == "pipelint: warning: scan/locked: cannot list this folder; its files were not checked\npipelint: warning: no pipeline files found in `scan` (pipelines are *.yaml/*.yml files with a top-level `pipeline:` key)\n")
        #expect(r.stdout == "All checks passed (0 files checked).\n")
        #expect(r.status == 0)
    }
}
