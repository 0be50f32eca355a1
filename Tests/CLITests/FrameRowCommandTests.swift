import Foundation
import Testing

/// Row-wise frame steps (format 1.2) through the binary: `run` executes them as Dask does, and a lookup's table
/// placed by PL001's fix is exported through `map_partitions` (Series.map does not resolve a Delayed).
@Suite struct FrameRowCommandTests {
    /// The CRC-32s are the exported Dask program's (`pipelint run --engine dask --as-written`, Dask 2026.8).
    @Test(arguments: [("frame-assign-filter", "first_quarter", "(81926, 4)", "f2ee0f5b"), ("frame-lookup-regions", "with_region", "(400000, 3)", "e72e46c5")])
    func runExecutesRowSteps(_ sample: String, _ output: String, _ shape: String, _ crc: String) throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-rows-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run(["run", "--quiet", "--as-written", "samples/\(sample).yaml", "-o", out.path])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("\(output): dataframe \(shape) → \(out.path)/\(output).csv (crc32 \(crc))\n"))
    }

    /// The groupby sample's CRC-32 is the exported Dask program's.
    @Test func runExecutesAGroupby() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-rows-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run(["run", "--quiet", "--as-written", "samples/frame-groupby-regions.yaml", "-o", out.path])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("per_region: dataframe (50, 2) → \(out.path)/per_region.csv (crc32 7bb47e7d)\n"))
    }

    /// A `load:` CSV frame read in Dask's read_csv blocks: the groupby's CRC-32 is the exported Dask
    /// program's (`pipelint run --engine dask`, Dask 2026.8), the frame's CSV is the Dask program's
    /// `sales.parquet` written as `run` writes a frame (`to_csv(index_label="index")`: 03f6a456).
    @Test(arguments: [["--as-written"], []])
    func runReadsALoadedFrame(_ options: [String]) throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-rows-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run(["run", "--quiet"] + options + ["samples/frame-csv-sales.yaml", "-o", out.path])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("per_region: dataframe (20, 2) → \(out.path)/per_region.csv (crc32 dc7c849e)\n"
            + "sales: dataframe (6000, 3) → \(out.path)/sales.csv (crc32 03f6a456)\n9 tasks in "))
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
