import Foundation
import Testing

/// DataFrame pipelines (format 1.2) on the commands that execute: frames, map_partitions,
/// column reductions and merges run on the bundled executor.
@Suite struct FrameCommandTests {
    @Test func aMergeOfTwoCollectionsRuns() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-frames-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run(["run", "--quiet", "--engine", "bundled", "crosscheck/frames/frame-hash-joins.yaml", "-o", out.path])
        #expect(r.status == 0)
        let lines = try String(contentsOf: out.appendingPathComponent("inner_c.csv"), encoding: .utf8).split(separator: "\n")
        // orders (customer, amount, day, paid) with customers (customer, amount, segment, since).
        #expect(lines.first == "index,customer,amount_x,day,paid,amount_y,segment,since")
        // Every row matched: customers' keys are 40…119, orders' 0…89.
        for line in lines.dropFirst() { #expect((40..<90).contains(Int(line.split(separator: ",")[1])!)) }
    }

    @Test func aMergeWithAPandasFrameIsPandasMergePerPartition() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-frames-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run(["run", "--quiet", "--engine", "bundled", "crosscheck/frames/frame-merges.yaml", "-o", out.path])
        #expect(r.status == 0)
        let lines = try String(contentsOf: out.appendingPathComponent("joined.csv"), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "index,zip,income_x,pop,flag,income_y,since,region")
        // 300 left rows, each once (the reference's zips 00…39 are unique); a new RangeIndex per
        // partition of [1, 150, 149] rows; a zip past 39 has no match: its right columns are empty.
        #expect(lines.count == 302 && lines.last == "")
        let labels: [String] = lines[1..<301].map { String($0.prefix { $0 != "," }) }
        let expected: [String] = ["0"] + (0..<150).map { String($0) } + (0..<149).map { String($0) }
        #expect(labels == expected)
        for line in lines[1..<301] {
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            let matched = Int(f[1])! < 40
            #expect(matched == !f[3].isEmpty && matched == !f[7].isEmpty)
            // A partition with a miss makes `pop` float64, and pd.concat makes the whole column float64.
            #expect(f[3].isEmpty || f[3].hasSuffix(".0"))
            #expect(f[4].isEmpty || f[4] == "True" || f[4] == "False")
        }
    }

    @Test func fixVerifyRunsTheFrameBeforeAndAfter() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-frames-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("zip.yaml")
        try Data(contentsOf: CLI.root.appendingPathComponent("samples/frame-zip-regions.yaml")).write(to: file)
        let r = try CLI.run(["fix", "--verify", file.path])
        #expect(r.status == 0)
        #expect(r.stderr == "Fixed 1 finding in 1 file; nothing left.\n" || r.stdout == "Fixed 1 finding in 1 file; nothing left.\n")
        #expect(try String(contentsOf: file, encoding: .utf8) == (try String(contentsOf: CLI.root.appendingPathComponent("samples/fixed/frame-zip-regions.yaml"), encoding: .utf8)))
    }

    @Test func extremesOfAnIntegerColumnWithEmptyPartitionsAreFloat64() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-frames-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run(["run", "--quiet", "--engine", "bundled", "crosscheck/frames/frame-empty-partition-extremes.yaml", "-o", out.path])
        #expect(r.status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any]
        let outputs = doc?["outputs"] as? [[String: Any]] ?? []
        func result(_ name: String) -> (String?, Double?) {
            let o = outputs.first { $0["name"] as? String == name }
            return (o?["dtype"] as? String, (o?["value"] as? NSNumber)?.doubleValue)
        }
        // Rows 500…999 of range columns in 5 partitions of 200: the first two partitions are empty,
        // so the int32 min/max are float64 (Dask's Series of partials holds their NaN).
        #expect(result("lo") == ("float64", 500) && result("hi") == ("float64", 999))
        #expect(r.stdout.contains("lo = 500.0\nhi = 999.0\n"))
        // No empty partition: an integer; a bool column's extremes stay bools (printed 1 and 0).
        #expect(result("lo_all") == ("int64", 0))
        #expect(result("any") == ("int64", 1) && result("all") == ("int64", 0) && result("n") == ("int64", 500))
    }

    @Test func runWritesTheFrameAsCSVWithItsChecksum() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-frames-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try CLI.run(["run", "--quiet", "crosscheck/frames/frame-all-columns.yaml", "-o", out.path])
        #expect(r.status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("results.json"))) as? [String: Any]
        let outputs = doc?["outputs"] as? [[String: Any]] ?? []
        let scored = outputs.first { $0["name"] as? String == "scored" } ?? [:]
        #expect(scored["dtype"] as? String == "dataframe")
        #expect(scored["shape"] as? [Int] == [1000, 18])
        #expect(scored["file"] as? String == "scored.csv")
        let csv = try String(contentsOf: out.appendingPathComponent("scored.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("index,code,region,i8,u32,i32,small,tiny,f32,income,flag,seen,tick,u64,code_name,region_name,level,rank,score\n"))
        #expect(csv.split(separator: "\n").count == 1001)
        // Rows 0…999 of the i32 range column: the sum is 999·1000/2, its minimum 0.
        #expect(outputs.first { $0["name"] as? String == "low_i32" }?["value"] as? Int == 0)
    }
}
