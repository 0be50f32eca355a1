import Foundation
import PipelineIR
import PipelineYAML
import Testing
@testable import Executor

/// `load:` CSV frames on the bundled executor, read as dask 2026.8's `dd.read_csv` reads them. The
/// expected CSV texts are what the exported runtime's `_read_csv` computed (Dask 2026.8, pandas 3.1,
/// `to_csv(index_label="index", lineterminator="\n")` of the computed frame), measured once.
@Suite struct FrameCSVLoadTests {
    static func pipeline(_ columns: String, partitions: Int, rows: Int = 6, file: String = "t.csv") -> String {
        """
        pipeline: csv-load
        version: 1.2
        cluster: {scheduler: distributed, workers: 2, threads_per_worker: 1}
        frames:
          t:
            load: \(file)
            rows: \(rows)
            partitions: \(partitions)
            columns:
        \(columns)
        steps: {}
        outputs:
          t: compute
        """
    }

    /// Runs pipeline text over a folder holding `t.csv` = `data`, with the frame re-partitioned to
    /// Dask's blocks as `pipelint run` does.
    func runCSV(_ data: [UInt8], _ text: String) throws -> (csv: String, partitions: Int) {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(data).write(to: dir.appendingPathComponent("t.csv"))
        let loaded = loadText(text)
        guard let p = loaded.pipeline else { Issue.record("invalid pipeline: \(loaded.diagnostics)"); return ("", 0) }
        guard let graph = GraphBuilder.build(CSVBlockLayout.matchingDask(p, baseDirectory: dir) ?? p).graph else { Issue.record("no graph"); return ("", 0) }
        let report = try Executor.run(graph, source: loaded.source, baseDirectory: dir)
        guard case .frame(let parts)? = report.outputs.first?.data else { Issue.record("no frame output"); return ("", 0) }
        return (String(decoding: FrameCSV.bytes(parts), as: UTF8.self), parts.count)
    }

    func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    static let mixed = Array(("id,name,amount,flag\r\n1,\"Smith, J\",2.5,True\r\n2,\"say \"\"hi\"\"\",,false\r\n3,\"two\r\nlines\",1e3,TRUE\r\n"
        + "4,plain,-0.1,False\r\n5,NA,7,true").utf8)
    static let mixedColumns = """
              id: {dtype: int64}
              name: {dtype: string, length: 5}
              amount: {dtype: float64}
              flag: {dtype: bool}
        """

    /// Dask's block offsets (`read_bytes`): how many partitions read_csv makes, measured with
    /// dask 2026.8 on files of these sizes.
    @Test func blockCountsAreDasks() {
        #expect(CSVBlockLayout.offsets(size: 15, blocksize: 8) == [0])
        #expect(CSVBlockLayout.offsets(size: 82956, blocksize: 20739) == [0, 20739, 41478, 62217])
        // A remainder spreads over the blocks: 82957 / (82957 // 20740) = 27652.33… apart.
        #expect(CSVBlockLayout.offsets(size: 82957, blocksize: 20740) == [0, 27652, 55304])
        #expect(CSVBlockLayout.offsets(size: 54, blocksize: 11).count == 4)
        #expect(CSVBlockLayout.offsets(size: 1_000_003, blocksize: 333_335).count == 2)
        #expect(CSVBlockLayout.offsets(size: 7, blocksize: 1) == Array(0..<7))
        #expect(CSVBlockLayout.blockCount(size: 82956, partitions: 4) == 4)
        #expect(CSVBlockLayout.blockCount(size: 123, partitions: 4) == 3)
    }

    /// Uneven blocks (123 bytes in blocks of 31 → 3 partitions, each starting after a line end, its
    /// own RangeIndex), quoted fields (a comma, doubled quotes, a CRLF inside quotes kept), CRLF line
    /// ends, a last line without one, `NA` and an empty float as missing, bool words in any case.
    @Test(arguments: [3, 4])
    func unevenBlocksQuotedFieldsAndCRLF(_ partitions: Int) throws {
        let (csv, parts) = try runCSV(Self.mixed, Self.pipeline(Self.mixedColumns, partitions: partitions, rows: 4 * partitions))
        #expect(parts == 3)
        #expect(csv == "index,id,name,amount,flag\n0,1,\"Smith, J\",2.5,True\n0,2,\"say \"\"hi\"\"\",,False\n1,3,\"two\r\nlines\",1000.0,True\n"
            + "0,4,plain,-0.1,False\n1,5,,7.0,True\n")
    }

    /// A long line leaves blocks empty (empty partitions, as Dask's); columns come in the file's
    /// order whatever the declaration's; a value outside the categories is missing.
    @Test func emptyBlocksAndTheFilesColumnOrder() throws {
        let data = Array(("k,v\nc1," + String(repeating: "x", count: 40) + "\nc3,y\nc9,z\n").utf8)
        let columns = """
                  v: {dtype: string, length: 1}
                  k: {dtype: category, categories: 4}
            """
        let (csv, parts) = try runCSV(data, Self.pipeline(columns, partitions: 6))
        #expect(parts == 5)
        #expect(csv == "index,k,v\n0,c1,\(String(repeating: "x", count: 40))\n0,c3,y\n1,,z\n")
    }

    func failure(_ data: [UInt8], _ text: String) throws -> ExecutorError? {
        do {
            _ = try runCSV(data, text)
            return nil
        } catch let e as ExecutorError { return e }
    }

    @Test func badValuesAreTaskErrorsWithTheFileAndLine() throws {
        let columns = "      a: {dtype: int64}\n      b: {dtype: bool}"
        let e = try failure(Array("a,b\n1,True\n2,False\n3,true\nx,false\n".utf8), Self.pipeline(columns, partitions: 2))
        #expect(e?.kind == .task)
        #expect(e?.message == "step `t` failed in task ('t', 1) (chunk (1,)): `t.csv` line 5, column `a`: `x` is not an integer (pandas: \"invalid literal for int()\"); the remaining tasks were cancelled")
        #expect(e?.location == "t.yaml:6:5")
        let na = try failure(Array("a,b\n1,True\n2,\n".utf8), Self.pipeline(columns, partitions: 1))
        #expect(na?.message == "step `t` failed in task ('t', 0) (chunk (0,)): `t.csv` line 3, column `b`: a missing value in a bool column (pandas: \"Bool column has NA values\"); the remaining tasks were cancelled")
        let range = try failure(Array("a\n300\n".utf8), Self.pipeline("      a: {dtype: int8}", partitions: 1))
        #expect(range?.message == "step `t` failed in task ('t', 0) (chunk (0,)): `t.csv` line 2, column `a`: `300` is out of range for int8; the remaining tasks were cancelled")
        let quote = try failure(Array("a,b\n1,\"open\n".utf8), Self.pipeline(columns, partitions: 1))
        #expect(quote?.message == "step `t` failed in task ('t', 0) (chunk (0,)): `t.csv` line 2: a quoted field is not closed before the end of the block (pandas: \"EOF inside string\"); the remaining tasks were cancelled")
    }

    @Test func whatDaskCannotReadIsALocatedError() throws {
        // 37 bytes for 3 partitions: blocksize 13, two blocks 18.5 bytes apart; the second starts after
        // the line end at byte 27, inside the quoted field (Dask then fails: "invalid literal for
        // int() with base 10: 'end\"'").
        let data = Array(("a,s\n1,\"" + String(repeating: "x", count: 20) + "\nend\"\n2,y\n").utf8)
        let split = try failure(data, Self.pipeline("      a: {dtype: int64}\n      s: {dtype: string, length: 1}", partitions: 3))
        #expect(split?.kind == .input)
        #expect(split?.location == "t.yaml:6:11")
        #expect(split?.message == "frame `t`: `t.csv` has a quoted field with a line break across the block boundary at byte 28 (line 3): Dask's read_csv cuts blocks at line ends without looking at quotes and would split it; write the field without a line break, or choose `partitions` so that no block starts inside it")
        let missing = try failure(Array("a,b\n1,2\n".utf8), Self.pipeline("      a: {dtype: int64}\n      zz: {dtype: int64}", partitions: 1))
        #expect(missing?.message == "frame `t`: `t.csv` has no column `zz` (its header: a, b)")
        let empty = try failure([], Self.pipeline("      a: {dtype: int64}", partitions: 1))
        #expect(empty?.message == "frame `t`: `t.csv` is empty: Dask's read_csv finds no header in it")
        let dates = try failure(Array("d\n2024-01-01\n".utf8), Self.pipeline("      d: {dtype: \"datetime64[ns]\"}", partitions: 1))
        #expect(dates?.kind == .refused)
        #expect(dates?.location == "t.yaml:10:7")
        #expect(dates?.message == "`pipelint run` does not read column `d` (datetime64[ns]) of frame `t` from `t.csv` yet")
    }

    /// A task reads its block only if the file is the one the run planned with.
    @Test func aFileChangedSinceThePlanIsATaskError() throws {
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("t.csv")
        try Data("a\n1\n2\n".utf8).write(to: file)
        let schema = FrameSchema(columns: [FrameColumn(name: "a", nameRange: SourceRange(start: 0, end: 0), type: .numeric(.int64))])
        let layout = try CSVBlockLayout.make(display: "t.csv", in: dir, schema: schema, partitions: 1)
        #expect(try layout.read(block: 0).columns == [.integer([1, 2], .int64)])
        try Data("a\n1\n2\n3\n".utf8).write(to: file)
        #expect(throws: CSVBlockLayout.Problem.self) { try layout.read(block: 0) }
        do { _ = try layout.read(block: 0) } catch {
            #expect(error.message == "`t.csv` changed since the run started (6 bytes then, 8 now): rerun")
        }
    }
}

/// Frame results are written a piece at a time: the same bytes as the whole text.
@Suite struct FrameCSVStreamTests {
    @Test func piecesMakeTheWholeTextAndItsChecksum() throws {
        let n = 120_000
        let part = FramePart(start: 0, rows: n, names: ["x", "s"],
                             columns: [.float64((0..<n).map { Double($0) / 7 }), .string(FrameStrings(offsets: (0...n).map { Int32($0 * 2) }, bytes: Array(repeating: UInt8(ascii: "a"), count: 2 * n)))])
        let parts = [part, part.slice(0, 10)]
        let whole = FrameCSV.bytes(parts)
        var pieces: [Int] = []
        var joined: [UInt8] = []
        _ = FrameCSV.stream(parts) {
            pieces.append($0.count)
            joined.append(contentsOf: $0)
            return true
        }
        #expect(whole.count > 2 << 20)
        // Pieces of about 1 MiB (a piece ends with the row that reaches it; a row here is < 64 bytes).
        #expect(pieces.count == whole.count >> 20 + 1)
        #expect(pieces.dropLast().allSatisfy { $0 >= 1 << 20 && $0 < (1 << 20) + 64 })
        #expect(joined == whole)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pipelint-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("f.csv")
        let (crc, size) = try ResultsWriter.writeFrameCSV(parts, to: url)
        var expected = CRC32()
        whole.withUnsafeBytes { expected.update($0) }
        #expect(size == whole.count)
        #expect(crc == expected.value)
        #expect(try [UInt8](Data(contentsOf: url)) == whole)
    }
}

/// pandas' conversions of a block's column with a declared dtype.
@Suite struct CSVValueTests {
    static func strings(_ values: [String?]) -> FrameStrings {
        var s = FrameStrings()
        for v in values { s.append(v.map { Array($0.utf8) }) }
        return s
    }

    /// Short decimals take the exact fast path; its result must be the correctly rounded parse.
    @Test func floatsAreCorrectlyRounded() throws {
        var rng = SplitMix(state: 2026)
        var texts: [String] = ["0.1", "198.72", "1e22", "9007199254740993", "123456789012345678901234567890", "2.2250738585072011e-308",
                               "4.9406564584124654e-324", "1.7976931348623157e308", "1e400", "-0", "1.", ".5", " 2.25 ", "+1.5e-3", "INF", "-Infinity"]
        for _ in 0..<20_000 {
            let digits = Int.random(in: 1...17, using: &rng)
            let m = String(UInt64.random(in: 0...UInt64.max, using: &rng)).prefix(digits)
            let point = Int.random(in: 0...m.count, using: &rng)
            texts.append(String(m.prefix(point)) + "." + String(m.dropFirst(point)) + (Bool.random(using: &rng) ? "e\(Int.random(in: -30...30, using: &rng))" : ""))
        }
        let parsed = try CSVValues.floats(Self.strings(texts))
        for (t, d) in zip(texts, parsed) {
            let trimmed = t.trimmingCharacters(in: .whitespaces)
            let expected = trimmed.lowercased().hasSuffix("inf") || trimmed.lowercased().hasSuffix("infinity")
                ? (trimmed.hasPrefix("-") ? -Double.infinity : .infinity) : Double(trimmed)!
            #expect(d.bitPattern == expected.bitPattern, "\(t)")
        }
        #expect(throws: CSVValues.Problem.self) { try CSVValues.floats(Self.strings(["0x10"])) }
        #expect(throws: CSVValues.Problem.self) { try CSVValues.floats(Self.strings(["1e"])) }
    }

    @Test func integersAndBoolsFollowPandas() throws {
        // A block that is not all integers is read as floats, kept when every value is whole.
        #expect(try CSVValues.integers(Self.strings(["1.0", "2", "3e2"]), .int64) == [1, 2, 300])
        #expect(throws: CSVValues.Problem.self) { try CSVValues.integers(Self.strings(["1.5", "2"]), .int64) }
        #expect(try CSVValues.integers(Self.strings(["18446744073709551615"]), .uint64) == [-1])
        #expect(try CSVValues.bools(Self.strings(["True", "FALSE", "true"])) == [true, false, true])
        #expect(try CSVValues.bools(Self.strings(["1", "0", "1."])) == [true, false, true])
        // Words and numbers do not mix (pandas: "cannot safely convert … for object dtyped data").
        let mixed = #expect(throws: CSVValues.Problem.self) { try CSVValues.bools(Self.strings(["True", "0"])) }
        #expect(mixed?.row == 0)
        #expect(mixed?.message.hasPrefix("`True` is not a bool") == true)
    }
}

/// A deterministic generator (SplitMix64).
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
