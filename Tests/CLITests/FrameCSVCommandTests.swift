import Foundation
import Testing

/// `load:` CSV frames and CSV saves through the binary.
@Suite struct FrameCSVCommandTests {
    /// A frame's `save: PATH.csv` is the file Dask's `to_csv(single_file=True)` writes: the index
    /// column headed by an empty name, each partition's own labels; a groupby's sums saved as the
    /// Series' `to_frame()`: the key is the index. The CRC-32s are of the files the exported program
    /// wrote (`pipelint run --engine dask`, Dask 2026.8), which these are byte for byte.
    @Test func aSavedCSVIsDasksToCSV() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-csvsave-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("tables"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(contentsOf: CLI.root.appendingPathComponent("samples/tables/sales.csv")).write(to: dir.appendingPathComponent("tables/sales.csv"))
        var text = try String(contentsOf: CLI.root.appendingPathComponent("samples/frame-csv-sales.yaml"), encoding: .utf8)
        text = text.replacingOccurrences(of: "per_region: compute", with: "per_region: {save: per_region.csv}")
        text = text.replacingOccurrences(of: "sales: {save: sales.parquet}", with: "sales: {save: out/sales.csv}")
        try text.write(to: dir.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("results")
        let r = try CLI.run(["run", "--quiet", "--as-written", dir.appendingPathComponent("p.yaml").path, "-o", out.path])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("per_region: dataframe (20, 2) → \(out.path)/per_region.csv (crc32 24479f8c)\n"
            + "sales: dataframe (6000, 3) → \(out.path)/out/sales.csv (crc32 3b9ca6e6)\n"))
        let sales = try String(contentsOf: out.appendingPathComponent("out/sales.csv"), encoding: .utf8)
        #expect(sales.hasPrefix(",store,region,amount\n0,82,c2,198.72\n1,101,c1,854.19\n"))
        let sums = try String(contentsOf: out.appendingPathComponent("per_region.csv"), encoding: .utf8)
        #expect(sums.hasPrefix("region,amount\nc0,154797.27\nc1,146203.29\n"))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("sales.csv").path))
    }
}
