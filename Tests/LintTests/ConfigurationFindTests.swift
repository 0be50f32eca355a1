import Foundation
import Testing
@testable import Lint

/// `ConfigurationLoader.find` walks plain paths by strings and everything else as standardized
/// URLs; both must give exactly what the URL walk gives (the path is shown in every message
/// about the configuration).
@Suite struct ConfigurationFindTests {
    /// The walk as it was written over URLs: the reference.
    func findByURL(_ directory: String) -> String? {
        var dir = URL(fileURLWithPath: directory).standardizedFileURL
        for _ in 0..<256 {
            let candidate = dir.appendingPathComponent(ConfigurationLoader.fileName).path
            var st = stat()
            if lstat(candidate, &st) == 0 { return candidate }
            let parent = dir.deletingLastPathComponent()
            if parent.path == dir.path { return nil }
            dir = parent
        }
        return nil
    }

    /// base/a b/c%20d/é/x#y;z\w/deep, with a configuration in `a b` and one in `é`.
    func makeTree() throws -> (base: String, deep: String) {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pl-find-\(UUID().uuidString)").path
        let deep = base + "/a b/c%20d/é/x#y;z\\w/deep"
        try FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
        for dir in [base + "/a b", base + "/a b/c%20d/é"] {
            try "select: [PL]\n".write(toFile: dir + "/.pipelint.yml", atomically: false, encoding: .utf8)
        }
        return (base, deep)
    }

    @Test func plainPathsFindWhatTheURLWalkFinds() throws {
        let (base, deep) = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let plain = [deep, base + "/a b/c%20d", base + "/a b", base, base + "/a b/no such folder/below", ".", "no-such-folder/below"]
        for dir in plain {
            #expect(ConfigurationLoader.plainAbsolute(dir) != nil, "\(dir)")
            #expect(ConfigurationLoader.find(from: dir) == findByURL(dir), "\(dir)")
        }
        #expect(ConfigurationLoader.find(from: deep) == base + "/a b/c%20d/é/.pipelint.yml")
        #expect(ConfigurationLoader.find(from: base + "/a b/c%20d") == base + "/a b/.pipelint.yml")
    }

    @Test func otherPathsAreStandardizedFirst() throws {
        let (base, deep) = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        let others = [deep + "/..", deep + "/../..", deep + "/.", base + "//a b/c%20d/é", deep + "/", "/", "", "./no-such-folder", "a/../b"]
        for dir in others {
            #expect(ConfigurationLoader.plainAbsolute(dir) == nil, "\(dir)")
            #expect(ConfigurationLoader.find(from: dir) == findByURL(dir), "\(dir)")
        }
        #expect(ConfigurationLoader.find(from: deep + "/../..") == base + "/a b/c%20d/é/.pipelint.yml")
        #expect(ConfigurationLoader.find(from: deep + "/../../..") == base + "/a b/.pipelint.yml")
    }

    @Test func theWalkStopsAfter256Folders() throws {
        let (base, _) = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: base) }
        // Deeper than the walk goes: neither walk reaches `a b`, whose configuration is 300 folders up.
        let tooDeep = base + "/a b" + String(repeating: "/f", count: 300)
        #expect(ConfigurationLoader.plainAbsolute(tooDeep) == tooDeep)
        #expect(ConfigurationLoader.find(from: tooDeep) == nil)
        #expect(findByURL(tooDeep) == nil)
        let reachable = base + "/a b" + String(repeating: "/f", count: 200)
        #expect(ConfigurationLoader.find(from: reachable) == base + "/a b/.pipelint.yml")
        #expect(findByURL(reachable) == base + "/a b/.pipelint.yml")
    }
}
