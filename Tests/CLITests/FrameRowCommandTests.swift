import Foundation
import Testing

/// Row-wise frame steps (format 1.2) through the binary: `run` refuses them, and a lookup's table
/// placed by PL001's fix is exported through `map_partitions` (Series.map does not resolve a Delayed).
@Suite struct FrameRowCommandTests {
    @Test func runRefusesALookupPipeline() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-rows-\(UUID().uuidString)")
        let r = try CLI.run(["run", "samples/frame-assign-filter.yaml", "-o", out.path])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("samples/frame-assign-filter.yaml:14:3: error: `pipelint run` does not execute step `with_bonus` (a DataFrame step) yet\n"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test(arguments: [([], "regions = dask.delayed(build_regions, pure=True)()", "regions"),
                      (["--unsafe-fixes", "--prefer", "scatter"], "regions = _scatter(client, build_regions())", "dask.delayed(regions)")])
    func aPlacedTableGoesThroughMapPartitions(_ options: [String], _ built: String, _ passed: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-rows-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("lookup.yaml")
        try Data(contentsOf: CLI.root.appendingPathComponent("samples/frame-lookup-regions.yaml")).write(to: file)
        let fixed = try CLI.run(["fix"] + options + [file.path])
        #expect(fixed.status == 0)
        #expect(try String(contentsOf: file, encoding: .utf8).contains("placement: \(options.isEmpty ? "delayed" : "scatter")"))
        let check = try CLI.run(["check", file.path])
        #expect(check.status == 0)
        let program = try CLI.run(["export", "--to", "dask", "--as-written", file.path])
        #expect(program.status == 0)
        #expect(program.stdout.contains(built))
        #expect(program.stdout.contains("with_region = people.map_partitions(_lookup_on_partition, \(passed), 'zip', 'region', meta=_with_column(people, 'region', 'str'))"))
    }
}
