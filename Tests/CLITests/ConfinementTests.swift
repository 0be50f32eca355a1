import Foundation
import Testing

/// `run`, `check` and `export` read and write only inside the pipeline's folder
/// and the output folder, whatever names, links and paths the file holds.
@Suite struct ConfinementTests {
    /// A fresh folder holding `files` (relative path → contents).
    static func folder(_ files: [String: String] = [:]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-conf-\(UUID().uuidString)")
        for (rel, text) in files {
            let f = url.appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: f.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: f)
        }
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func pipeline(name: String = "p", load: String = "table.csv", outputs: String = "  s: compute") -> String {
        """
        pipeline: \(name)
        version: 1
        objects:
          table: {series: {load: \(load), length: 1}}
        functions:
          f: {params: [block, table], kernel: take}
        arrays:
          x: {shape: [10], chunks: [5], dtype: int64}
        steps:
          s: {map_blocks: f, over: [x], args: [table]}
        outputs:
        \(outputs)

        """
    }

    @Test func pipelineNameCannotLeaveTheOutputFolder() throws {
        let dir = try Self.folder(["p/a.yaml": Self.pipeline(name: "\"../../site-packages/evil\""), "p/table.csv": "1\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["run", "p/a.yaml", "--quiet"], cwd: dir)
        #expect(r.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("pipelint-out/site-packages-evil/results.json").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == ["p", "pipelint-out"])
    }

    @Test func plantedOutputLinkIsRefused() throws {
        let dir = try Self.folder(["p/a.yaml": Self.pipeline(name: "n"), "p/table.csv": "1\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("elsewhere"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("pipelint-out").path, withDestinationPath: "elsewhere")
        let r = try CLI.run(["run", "p/a.yaml", "--quiet"], cwd: dir)
        #expect(r.status == 2)
        #expect(r.stderr == "pipelint: error: pipelint-out is a symbolic link; results are never written through links (choose a folder with -o)\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("elsewhere").path) == [])
    }

    @Test func saveIntoALinkedFolderIsRefused() throws {
        let dir = try Self.folder(["p/a.yaml": Self.pipeline(outputs: "  s: {save: link/x.npy}"), "p/table.csv": "1\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("out"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("elsewhere"), withIntermediateDirectories: true)
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("out/link").path, withDestinationPath: "../elsewhere")
        let r = try CLI.run(["run", "p/a.yaml", "--quiet", "-o", "out"], cwd: dir)
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("error: `save: link/x.npy`: \(dir.path)/out/link is a symbolic link; outputs are never written through links"))
        #expect(try fm.contentsOfDirectory(atPath: dir.appendingPathComponent("elsewhere").path) == [])
        #expect(!fm.fileExists(atPath: dir.appendingPathComponent("out/results.json").path))
    }

    @Test func loadThroughALinkOutOfTheFolderIsAnErrorEverywhere() throws {
        let dir = try Self.folder(["p/a.yaml": Self.pipeline(load: "link.csv"), "secret.csv": "SECRET_TOKEN=abc\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("p/link.csv").path, withDestinationPath: "../secret.csv")
        let message = "p/a.yaml:4:26: error: `link.csv` resolves outside the pipeline's folder (through a symbolic link) [PL015 missing-file]"
        let check = try CLI.run(["check", "p/a.yaml"], cwd: dir)
        #expect(check.status == 1)
        #expect(check.stdout.hasPrefix(message + "\n"))
        for args in [["run", "p/a.yaml", "--quiet", "-o", "out"], ["compare", "p/a.yaml", "--quiet", "-o", "out"],
                     ["export", "--to", "dask", "p/a.yaml"]] {
            let r = try CLI.run(args, cwd: dir)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr == message + "\n", "\(args)")
            #expect(!r.stdout.contains("SECRET") && !r.stderr.contains("SECRET"))
        }
    }

    @Test func npyOutsideTheFolderIsNotRead() throws {
        let array = """
            pipeline: p
            version: 1
            arrays:
              x: {shape: [2], chunks: [2], dtype: float64, source: {load: data.npy}}
            steps:
              t: {reduce: sum, over: x}
            outputs:
              t: compute

            """
        let dir = try Self.folder(["p/a.yaml": array])
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("p/data.npy").path, withDestinationPath: "/etc/hostname")
        let r = try CLI.run(["check", "p/a.yaml", "--quiet"], cwd: dir)
        #expect(r.status == 1)
        #expect(r.stdout.hasPrefix("p/a.yaml:4:63: error: `data.npy` resolves outside the pipeline's folder (through a symbolic link) [PL015 missing-file]"))
    }

    @Test func savePathsThatCollideAreLocatedErrors() throws {
        let outputs = "  s: {save: out.npy}\n  x: {save: ./OUT.npy}\n  y: {save: memory.csv}"
        var text = Self.pipeline(outputs: outputs)
        text = text.replacingOccurrences(of: "  x: {shape", with: "  y: {shape: [10], chunks: [5], dtype: int64}\n  x: {shape")
        let dir = try Self.folder(["a.yaml": text, "table.csv": "1\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["check", "a.yaml", "--quiet"], cwd: dir)
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").filter { $0.contains(": error: ") }
        #expect(lines == [
            "a.yaml:14:6: error: `save: ./OUT.npy` is also where `save: out.npy` of output `s` is written [PL901 invalid-pipeline]",
            "a.yaml:15:6: error: `save: memory.csv` would overwrite the run's own `memory.csv` [PL901 invalid-pipeline]",
        ])
    }
}
