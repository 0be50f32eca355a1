import Foundation
import PipelineIR
import PipelineYAML
import Testing
@testable import Executor

/// DataFrame pipelines (format 1.2) on the bundled executor: values computed here from the
/// format's definitions, not copied from the tool's output.
@Suite struct FrameRunTests {
    static let small = """
        pipeline: tiny-frame
        version: 1.2
        cluster: {scheduler: distributed, workers: 2, threads_per_worker: 1}
        objects:
          names: {dict: {length: 5, keys: {string: 3}, values: {string: 2, distinct: 2}}}
          w: {ndarray: {shape: [2], dtype: float64, fill: range}}
          levels: {series: {range: 4, dtype: float64}}
        functions:
          name_s: {params: [part, table], kernel: map_column, column: s, into: named}
          level_v: {params: [part, table], kernel: map_column, column: v, into: level}
          score: {params: [part, weights], kernel: score_rows, columns: [v, f], into: score}
        frames:
          t:
            rows: 7
            partitions: [2, 2, 3]
            columns:
              s: {dtype: string, length: 3}
              c: {dtype: category, categories: 3}
              v: {dtype: int8}
              f: {dtype: float64}
              b: {dtype: bool}
              d: {dtype: "datetime64[ns]"}
        steps:
          named: {map_partitions: name_s, over: t, args: [names]}
          leveled: {map_partitions: level_v, over: named, args: [levels]}
          scored: {map_partitions: score, over: leveled, args: [w]}
          total: {reduce: sum, over: t.f, split_every: 2}
          mean_v: {reduce: mean, over: t.v}
          found: {reduce: count, over: named.named}
          top: {reduce: max, over: leveled.level}
        outputs:
          scored: compute
          total: compute
          mean_v: compute
          found: compute
          top: compute
        """

    func runText(_ text: String) throws -> RunReport {
        let loaded = LoadedPipeline.load(SourceFile(path: "tiny.yaml", bytes: Array(text.utf8)))
        #expect(loaded.diagnostics.filter { $0.severity == .error }.isEmpty)
        return try run(loaded, in: FileManager.default.temporaryDirectory, asWritten: true)
    }

    @Test func everyColumnKernelAndReductionOnASmallFrame() throws {
        let report = try runText(Self.small)
        guard case .frame(let parts)? = report.outputs.first?.data else { Issue.record("no frame output"); return }
        #expect(parts.map(\.rows) == [2, 2, 3])
        #expect(parts.map(\.start) == [0, 2, 4])
        // Row r: s = str(r).zfill(3); c = c{r mod 3}; v = r; f = r; b = r odd; d = r ns; named: keys
        // "000"…"004" map to names[r mod 2] = "00"/"01", rows 5 and 6 are missing; level: the Series
        // 0.0…3.0 by label (rows 4…6 NaN); score = v·0 + f·1 = r.
        var expected = "index,s,c,v,f,b,d,named,level,score\n"
        for r in 0..<7 {
            let named = r < 5 ? "0\(r % 2)" : ""
            let level = r < 4 ? "\(Double(r))" : ""
            expected += "\(r),00\(r),c\(r % 3),\(r),\(Double(r)),\(r % 2 == 1 ? "True" : "False"),1970-01-01 00:00:00.00000000\(r),\(named),\(level),\(Double(r))\n"
        }
        #expect(String(decoding: FrameCSV.bytes(parts), as: UTF8.self) == expected)
        let scalars = report.outputs.dropFirst().map { o -> String in if case .scalar(let s) = o.data { "\(o.name)=\(s)" } else { "" } }
        #expect(scalars == ["total=21.0", "mean_v=3.0", "found=5", "top=3.0"])
    }

    @Test(arguments: ["names: {dict: {length: 5, keys: {string: 3}, values: {string: 2, distinct: 2}}, placement: scatter}",
                      "names: {dict: {length: 5, keys: {string: 3}, values: {string: 2, distinct: 2}}, placement: delayed}",
                      "scheduler: threads", "scheduler: processes"])
    func placementsAndSchedulersGiveTheSameFrame(_ change: String) throws {
        let text = change.hasPrefix("scheduler")
            ? Self.small.replacingOccurrences(of: "scheduler: distributed", with: change)
            : Self.small.replacingOccurrences(of: "names: {dict: {length: 5, keys: {string: 3}, values: {string: 2, distinct: 2}}}", with: change)
        #expect(text != Self.small)
        let a = try runText(Self.small), b = try runText(text)
        #expect(a.outputs.count == b.outputs.count)
        for (x, y) in zip(a.outputs, b.outputs) { #expect(x.identical(to: y), "\(x.name)") }
    }

    @Test func aColumnReductionIsDasksTree() throws {
        // 7 partitions, split_every 3: 7 partials, batches [0-2] [3-5] [6] (7 > 3), then the aggregate of 3.
        let text = Self.small.replacingOccurrences(of: "partitions: [2, 2, 3]", with: "partitions: [1, 1, 1, 1, 1, 1, 1]")
            .replacingOccurrences(of: "split_every: 2", with: "split_every: 3")
        let report = try runText(text)
        let plan = try PipelinePlan(graph: LoadedPipeline.load(SourceFile(path: "t.yaml", bytes: Array(text.utf8))).graph!, source: SourceFile(path: "t.yaml", bytes: Array(text.utf8)), baseDirectory: FileManager.default.temporaryDirectory)
        let total = plan.graph.layers.first { $0.name == "total" }!.id.index
        let tasks = (0..<plan.taskGraph.taskCount).filter { plan.layer(of: $0) == total }
        #expect(tasks.count == 7 + 3 + 1)
        #expect(report.outputs.contains { o in if case .scalar(.f64(21.0)) = o.data { o.name == "total" } else { false } })
    }

    @Test func aDatetimeColumnIsCountedButNotReduced() throws {
        let counted = try runText(Self.small.replacingOccurrences(of: "top: {reduce: max, over: leveled.level}", with: "top: {reduce: count, over: t.d}"))
        #expect(counted.outputs.contains { o in if case .scalar(.i64(7)) = o.data { o.name == "top" } else { false } })
        do {
            _ = try runText(Self.small.replacingOccurrences(of: "top: {reduce: max, over: leveled.level}", with: "top: {reduce: min, over: t.d}"))
            Issue.record("the minimum of a datetime column ran")
        } catch let e as ExecutorError {
            #expect(e.kind == .refused)
            #expect(e.message == "step `top` takes the min of column `d` (datetime64[ns]); `pipelint run` does not reduce datetime64[ns] columns yet")
        }
    }

    @Test func randomColumnsFollowSplitMix64() {
        func mix(_ x: UInt64) -> UInt64 {
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
            z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
            return z ^ (z >> 31)
        }
        let col = FrameColumn(name: "x", nameRange: SourceRange(start: 0, end: 0), type: .numeric(.int16), source: .random(seed: 5, low: -40000, high: 40000))
        guard case .integer(let got, .int16) = FrameGeneration.column(col, start: 1000, count: 50) else { Issue.record("not int16"); return }
        let want = (1000..<1050).map { r -> Int64 in
            let u = mix(5 ^ mix(UInt64(r) + 1))
            return Int64(Int16(truncatingIfNeeded: -40000 + Int64(u % 80000)))
        }
        #expect(got == want)
        let s = FrameColumn(name: "s", nameRange: SourceRange(start: 0, end: 0), type: .string(length: 4), source: .random(seed: 2, low: -50, high: 50))
        guard case .string(let strings) = FrameGeneration.column(s, start: 0, count: 20) else { Issue.record("not strings"); return }
        for r in 0..<20 {
            let v = -50 + Int64(mix(2 ^ mix(UInt64(r) + 1)) % 100)
            let digits = String(v.magnitude)
            let text = (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count - (v < 0 ? 1 : 0))) + digits
            #expect(strings.string(r) == text)
        }
    }

    @Test func datetimesAreWrittenAsPandasWritesTheColumn() {
        #expect(FrameCSV.datetimeText(1_700_000_000_123_456_789, style: 4) == "2023-11-14 22:13:20.123456789")
        #expect(FrameCSV.datetimeText(3 * 86_400_000_000_000, style: 0) == "1970-01-04")
        #expect(FrameCSV.datetimeText(-1, style: 4) == "1969-12-31 23:59:59.999999999")
        #expect(FrameCSV.datetimeStyle([[0, 86_400_000_000_000]]) == 0)
        #expect(FrameCSV.datetimeStyle([[0, 1000]]) == 3)
        #expect(FrameCSV.datetimeStyle([[0, 2_000_000_000]]) == 1)
    }

    @Test func framesAndDictsSurviveTheWire() throws {
        var s = FrameStrings()
        s.append(Array("ab".utf8))
        s.append(nil as [UInt8]?)
        s.append(Array("c,\"d".utf8))
        let part = FramePart(start: 10, rows: 3, names: ["s", "x", "k"],
                             columns: [.string(s), .float32([1.5, .nan, -0.0]), .category(codes: [2, -1, 0], count: 3)])
        let back = try ObjectCodec.decode(ObjectCodec.encode(.frame(part)))
        guard case .frame(let p) = back else { Issue.record("not a frame"); return }
        #expect(String(decoding: FrameCSV.bytes([p]), as: UTF8.self) == "index,s,x,k\n10,ab,1.5,c2\n11,,,\n12,\"c,\"\"d\",-0.0,c0\n")
        let d = StringDict(recipe: StringDictRecipe(length: 120, keyLength: 2, valueLength: 3, distinct: 7))
        #expect(d.lookup(ArraySlice(Array("07".utf8))) == 0)
        #expect(d.lookup(ArraySlice(Array("119".utf8))) == 119 % 7)
        #expect(d.lookup(ArraySlice(Array("007".utf8))) == nil)
        #expect(d.lookup(ArraySlice(Array("7".utf8))) == nil)
        #expect(d.lookup(ArraySlice(Array("120".utf8))) == nil)
    }
}
