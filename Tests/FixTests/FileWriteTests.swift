import Foundation
import Lint
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The atomic write: the original survives every failure, and the error names the file.
@Suite(.serialized) struct FileWriteTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-write-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()
    let old = Array("a: 1\n".utf8)
    let new = Array("a: 1\nb: 2\n".utf8)

    func file(_ name: String, mode: Int = 0o640) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try Data(old).write(to: URL(fileURLWithPath: p))
        chmod(p, mode_t(mode))
        return p
    }

    func contents(_ p: String) -> [UInt8] { (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: p)))) ?? [] }
    func leftovers() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.contains(".pipelint-") } }

    @Test func replacesTheContentsAndKeepsTheMode() throws {
        let p = try file("a.yaml", mode: 0o640)
        try AtomicFileWriter.replace(p, expected: old, with: new, root: dir.path)
        #expect(contents(p) == new)
        let mode = (try FileManager.default.attributesOfItem(atPath: p)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o640)
        #expect(leftovers().isEmpty)
    }

    @Test func deferringTheFolderSyncStillReplacesAtomicallyAndNamesTheFolder() throws {
        let p = try file("deferred.yaml")
        let folder = try AtomicFileWriter.replaceSyncingFolderLater(p, expected: old, with: new, root: dir.path)
        #expect(folder == dir.resolvingSymlinksInPath().path)
        AtomicFileWriter.syncFolders([folder, folder])
        #expect(contents(p) == new)
        #expect(leftovers().isEmpty)
        try Data("a: 3\n".utf8).write(to: URL(fileURLWithPath: p))
        #expect(throws: FileWriteError.changedOnDisk(path: p)) {
            try AtomicFileWriter.replaceSyncingFolderLater(p, expected: new, with: old, root: dir.path)
        }
        #expect(contents(p) == Array("a: 3\n".utf8))
    }

    @Test func aReadOnlyFileIsRefused() throws {
        let p = try file("ro.yaml", mode: 0o444)
        #expect(throws: FileWriteError.readOnly(path: p)) { try AtomicFileWriter.replace(p, expected: old, with: new, root: dir.path) }
        #expect(contents(p) == old)
    }

    @Test func aFileChangedOnDiskIsNotOverwritten() throws {
        let p = try file("changed.yaml")
        // Changed before the write started…
        try Data("a: 2\n".utf8).write(to: URL(fileURLWithPath: p))
        #expect(throws: FileWriteError.changedOnDisk(path: p)) { try AtomicFileWriter.replace(p, expected: old, with: new, root: dir.path) }
        // …and while the temporary file was being written.
        try Data(old).write(to: URL(fileURLWithPath: p))
        let faults = AtomicFileWriter.Faults(beforeRename: { try? Data("a: 3\n".utf8).write(to: URL(fileURLWithPath: p)) })
        #expect(throws: FileWriteError.changedOnDisk(path: p)) { try AtomicFileWriter.replace(p, expected: old, with: new, root: dir.path, faults: faults) }
        #expect(contents(p) == Array("a: 3\n".utf8))
        #expect(leftovers().isEmpty)
    }

    @Test func aFullDiskOrADeniedWriteLeavesTheOriginal() throws {
        let p = try file("full.yaml")
        for e in [ENOSPC, EACCES] {
            let faults = AtomicFileWriter.Faults(failWrite: (afterBytes: 4, errno: e))
            #expect(throws: FileWriteError.io(path: p, operation: "write", errno: e)) {
                try AtomicFileWriter.replace(p, expected: old, with: new, root: dir.path, faults: faults)
            }
            #expect(contents(p) == old)
            #expect(leftovers().isEmpty)
        }
        #expect(FileWriteError.io(path: p, operation: "write", errno: ENOSPC).description == "\(p): write failed: No space left on device; the original is unchanged")
    }

    @Test func aLinkOutOfTheTreeIsNotFollowedAndOneInsideIsKept() throws {
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-outside-\(UUID().uuidString).yaml").path
        try Data(old).write(to: URL(fileURLWithPath: outside))
        defer { try? FileManager.default.removeItem(atPath: outside) }
        let sub = dir.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        let link = sub.appendingPathComponent("link.yaml").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: outside)
        #expect(throws: FileWriteError.self) { try AtomicFileWriter.replace(link, expected: old, with: new, root: sub.path) }
        #expect(contents(outside) == old)

        let target = try file("real.yaml")
        let inner = dir.appendingPathComponent("inner.yaml").path
        try FileManager.default.createSymbolicLink(atPath: inner, withDestinationPath: "real.yaml")
        try AtomicFileWriter.replace(inner, expected: old, with: new, root: dir.path)
        #expect(contents(target) == new)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: inner)) == "real.yaml")
    }
}

@Suite struct UnifiedDiffTests {
    @Test func anInsertedLineWithContext() {
        let old = Array("a\nb\nc\nd\ne\nf\ng\nh\n".utf8)
        let new = Array("a\nb\nc\nd\nX\ne\nf\ng\nh\n".utf8)
        #expect(UnifiedDiff.render(path: "p.yaml", old: old, new: new) == """
            --- a/p.yaml
            +++ b/p.yaml
            @@ -2,6 +2,7 @@
             b
             c
             d
            +X
             e
             f
             g

            """)
        #expect(UnifiedDiff.render(path: "p.yaml", old: old, new: old) == "")
    }

    @Test func aMissingFinalNewlineIsMarked() {
        #expect(UnifiedDiff.render(path: "p", old: Array("a: 1".utf8), new: Array("a: 1\nb: 2".utf8)) == """
            --- a/p
            +++ b/p
            @@ -1 +1,2 @@
            -a: 1
            \\ No newline at end of file
            +a: 1
            +b: 2
            \\ No newline at end of file

            """)
    }
}
