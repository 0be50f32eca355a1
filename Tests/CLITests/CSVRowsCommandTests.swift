import Foundation
import Testing

/// `check` of `load:` frames against their CSV files (PL019, and PL015 for a missing file): the
/// rows counted by streaming the file, quoted line breaks and blank lines, files that are not text.
@Suite struct CSVRowsCommandTests {
    static func pipeline(_ csv: String, rows: Int = 3) -> String {
        """
        pipeline: t
        version: 1.2
        frames:
          sales: {load: \(csv), rows: \(rows), partitions: 1, columns: {a: {dtype: int64}, b: {dtype: string, length: 3}}}
        steps: {}
        outputs:
          sales: persist

        """
    }

    /// `check` of `p.yaml` beside `files` (bytes), from that folder: (status, stdout's first line).
    static func check(_ pipeline: String, _ files: [String: [UInt8]]) throws -> (Int32, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-csvrows-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(pipeline.utf8).write(to: dir.appendingPathComponent("p.yaml"))
        for (name, bytes) in files { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        let r = try CLI.run(["check", "p.yaml"], cwd: dir)
        return (r.status, String(r.stdout.split(separator: "\n", omittingEmptySubsequences: false).first ?? ""))
    }

    @Test func quotedLineBreaksAndBlankLinesAreNotRows() throws {
        // Header, a row whose quoted field holds a line break and a doubled quote, a blank line, CRLF, no final newline.
        let csv = Array("a,b\n1,\"x\ny\"\"z\"\n\n2,w\r\n3,v".utf8)
        let (status, line) = try Self.check(Self.pipeline("s.csv", rows: 5), ["s.csv": csv])
        #expect(status == 0)
        #expect(line == "p.yaml:4:30: info: `s.csv` has 3 data rows; the frame declares 5 [PL019 csv-rows]")
        let (okStatus, okLine) = try Self.check(Self.pipeline("s.csv", rows: 3), ["s.csv": csv])
        #expect(okStatus == 0)
        #expect(okLine == "All checks passed (1 file checked).")
    }

    /// `estimate` counts the partitions Dask's read_csv cuts the file into: with `blocksize =
    /// ceil(size / 4)`, a 4-row file of 4 × 4 + 4 = 20 bytes is 4 blocks of 5 bytes; one byte more
    /// (21: blocksize 6, 21 // 6 = 3 blocks 7 bytes apart) is 3 partitions, 2 tasks each.
    @Test func estimateCountsTheBlocksDaskReads() throws {
        let text = Self.pipeline("s.csv", rows: 4).replacingOccurrences(of: "partitions: 1", with: "partitions: 4")
        func tasks(_ csv: String) throws -> Int? {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-csvblocks-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            try Data(text.utf8).write(to: dir.appendingPathComponent("p.yaml"))
            try Data(csv.utf8).write(to: dir.appendingPathComponent("s.csv"))
            let r = try CLI.run(["estimate", "--format", "json", "p.yaml"], cwd: dir)
            #expect(r.status == 0)
            let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
            let layers = json?["layers"] as? [[String: Any]]
            return layers?.first { $0["name"] as? String == "sales" }?["tasks"] as? Int
        }
        #expect(try tasks("a,b\n1,x\n2,y\n3,z\n4,w\n") == 8)
        #expect(try tasks("a,b\n1,x\n2,y\n3,z\n4,wv\n") == 6)
    }

    @Test func largeCountsAreGrouped() throws {
        let csv = Array(("a,b\n" + String(repeating: "1,abc\n", count: 1_234)).utf8)
        let (_, line) = try Self.check(Self.pipeline("s.csv", rows: 1_000_000), ["s.csv": csv])
        #expect(line == "p.yaml:4:30: info: `s.csv` has 1,234 data rows; the frame declares 1,000,000 [PL019 csv-rows]")
    }

    @Test func filesThatAreNotTextAreNotCounted() throws {
        let (s1, binary) = try Self.check(Self.pipeline("s.csv"), ["s.csv": [0x61, 0x0A, 0x00, 0x0A]])
        #expect(s1 == 0)
        #expect(binary == "p.yaml:4:17: info: `s.csv` holds a NUL byte (binary data): it is not a CSV text file, its rows are not counted [PL019 csv-rows]")
        let (_, latin1) = try Self.check(Self.pipeline("s.csv"), ["s.csv": Array("a\ncaf".utf8) + [0xE9, 0x0A]])
        #expect(latin1 == "p.yaml:4:17: info: `s.csv` is not UTF-8 (at byte 6): it is not a CSV text file, its rows are not counted [PL019 csv-rows]")
        let (_, cut) = try Self.check(Self.pipeline("s.csv"), ["s.csv": Array("a\n1\n".utf8) + [0xE2, 0x82]])
        #expect(cut == "p.yaml:4:17: info: `s.csv` is not UTF-8 (it ends inside a character): it is not a CSV text file, its rows are not counted [PL019 csv-rows]")
    }

    @Test func aMissingFileIsPL015AndNeverExit2() throws {
        let (status, line) = try Self.check(Self.pipeline("gone.csv"), [:])
        #expect(status == 1)
        #expect(line == "p.yaml:4:17: error: `gone.csv` does not exist (relative to the pipeline's folder) [PL015 missing-file]")
    }
}
