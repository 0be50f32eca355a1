import Foundation
import PipelineIR
import PipelineYAML
import Testing
@testable import Executor

/// Merges as Dask 2026.8 runs them on a distributed cluster: the p2p hash join's partitioning
/// (pandas' hash, vectors printed by pandas 3.1.1 itself), pandas' merge inside a partition,
/// and which lowering Dask picks (observed on a LocalCluster).
@Suite struct FrameHashJoinTests {
    static func strings(_ values: [String?]) -> FrameColumnData {
        var s = FrameStrings()
        for v in values { s.append(v.map { Array($0.utf8) }) }
        return .string(s)
    }

    /// `[int(x) for x in hash_pandas_object(s.to_frame(), index=False)]`, numeric `s` cast to float64.
    @Test func rowHashesArePandas() {
        #expect(FrameHashing.rowHashes(Self.strings(["a", nil, "00012", ""])) == [5694802365760992243, 18446740643690359120, 13511386555872464282, 7462795705713544501])
        #expect(FrameHashing.rowHashes(Self.strings(["0123456789abcdefXYZ", "héllo wörld!"])) == [6997259970204721339, 6239171426459877617])
        #expect(FrameHashing.rowHashes(.category(codes: [0, -1, 5], count: 6)) == [10023362021942008902, 18446740643690359120, 13136124741921368740])
        #expect(FrameHashing.rowHashes(.float64([0.0, -0.0, .nan, 1.5])) == [3430018387555, 3430018387555, 16887603562957652324, 9420430238428514091])
        #expect(FrameHashing.rowHashes(.integer([0, 1, -3], .int64)) == [3430018387555, 9662483889795873173, 4510302173007348567])
        #expect(FrameHashing.rowHashes(.integer([1], .int8)) == FrameHashing.rowHashes(.float32([1])))
        #expect(FrameHashing.rowHashes(.bool([true, false])) == [9662483889795873173, 3430018387555])
        #expect(FrameHashing.rowHashes(.datetime([0, 1_000_000_000_000_000_000, Int64.min])) == [3430018387555, 9198852697090551641, 9087072686950899025])
        #expect(FrameHashing.rowHashes(.integer([-1], .uint64)) == [2030229461400225590])
    }

    /// `hash_pandas_object(...) % n`: Dask's `partitioning_index`.
    @Test func partitionsArePandasHashModuloN() {
        #expect(FrameHashing.partitions(.integer((0..<10).map { Int64($0) }, .int64), into: 7) == [4, 2, 0, 0, 3, 0, 3, 1, 5, 6])
        #expect(FrameHashing.partitions(Self.strings((0..<10).map { "0\($0)" }), into: 7) == [5, 3, 1, 6, 3, 4, 6, 5, 4, 3])
        #expect(FrameHashing.partitions(.integer((0..<6).map { Int64($0) }, .int64), into: 2) == [1, 1, 0, 0, 1, 1])
    }

    /// `(left, right, how) → HashJoinP2P | BlockwiseMerge | BroadcastJoin` as Dask printed them
    /// (`type(m.expr.lower_completely())`) for `L.merge(R, on=..., how=..., shuffle_method="p2p")`.
    @Test func loweringIsDasks() {
        typealias L = MergePlan
        let observed: [(Int, Int, MergeHow, L)] = [
            (1, 4, .inner, .blockwise), (1, 4, .left, .hashJoin), (1, 4, .right, .blockwise), (1, 4, .outer, .hashJoin),
            (4, 1, .inner, .blockwise), (4, 1, .left, .blockwise), (4, 1, .right, .hashJoin), (4, 1, .outer, .hashJoin),
            (40, 2, .inner, .broadcastJoin), (40, 2, .left, .broadcastJoin), (40, 2, .right, .hashJoin), (40, 2, .outer, .hashJoin),
            (2, 40, .inner, .broadcastJoin), (2, 40, .left, .hashJoin), (2, 40, .right, .broadcastJoin), (2, 40, .outer, .hashJoin),
            (20, 3, .inner, .hashJoin), (20, 3, .left, .hashJoin), (20, 3, .right, .hashJoin), (20, 3, .outer, .hashJoin),
            (6, 1, .right, .hashJoin), (6, 1, .outer, .hashJoin), (1, 1, .outer, .blockwise), (8, 8, .inner, .hashJoin),
        ]
        for (l, r, how, want) in observed { #expect(MergePlan.choose(left: l, right: r, how: how) == want, "\(l) × \(r) \(how)") }
    }

    static func frame(_ names: [String], _ columns: [FrameColumnData]) -> FramePart {
        FramePart(start: 0, rows: columns.first?.count ?? 0, names: names, columns: columns)
    }

    /// The rows as text, one `k|a|b` line each ("" for missing), floats as Swift prints them.
    static func rows(_ p: FramePart) -> [String] {
        (0..<p.rows).map { r in
            p.columns.map { c -> String in
                switch c {
                case .float64(let a): a[r].isNaN ? "" : "\(a[r])"
                case .integer(let a, _): "\(a[r])"
                case .string(let s): s.string(r) ?? ""
                case .category(let codes, _): codes[r] < 0 ? "" : "c\(codes[r])"
                default: "?"
                }
            }.joined(separator: "|")
        }
    }

    /// pandas 3.1.1, printed: `L.merge(R, on="k", how=how)` with L.k = [3, 1, NaN, 3, 7, NaN],
    /// L.a = 1…6, R.k = [5, 3, NaN, 1, 3, NaN], R.b = 10…60: NaN keys match each other, `right` in
    /// the right's order, `outer` sorted by key with NaN last, an int column with a miss is float64.
    @Test func aPartitionIsPandasMerge() throws {
        let left = Self.frame(["k", "a"], [.float64([3, 1, .nan, 3, 7, .nan]), .integer([1, 2, 3, 4, 5, 6], .int64)])
        let right = Self.frame(["k", "b"], [.float64([5, 3, .nan, 1, 3, .nan]), .integer([10, 20, 30, 40, 50, 60], .int64)])
        func merged(_ how: MergeHow) throws -> [String] { Self.rows(try FrameMerges.merge(left, right, on: "k", how: how, names: ["k", "a", "b"])) }
        #expect(try merged(.inner) == ["3.0|1|20", "3.0|1|50", "1.0|2|40", "|3|30", "|3|60", "3.0|4|20", "3.0|4|50", "|6|30", "|6|60"])
        #expect(try merged(.left) == ["3.0|1|20.0", "3.0|1|50.0", "1.0|2|40.0", "|3|30.0", "|3|60.0", "3.0|4|20.0", "3.0|4|50.0", "7.0|5|", "|6|30.0", "|6|60.0"])
        #expect(try merged(.right) == ["5.0||10", "3.0|1.0|20", "3.0|4.0|20", "|3.0|30", "|6.0|30", "1.0|2.0|40", "3.0|1.0|50", "3.0|4.0|50", "|3.0|60", "|6.0|60"])
        #expect(try merged(.outer) == ["1.0|2.0|40.0", "3.0|1.0|20.0", "3.0|1.0|50.0", "3.0|4.0|20.0", "3.0|4.0|50.0", "5.0||10.0", "7.0|5.0|", "|3.0|30.0", "|3.0|60.0", "|6.0|30.0", "|6.0|60.0"])
    }

    /// The same with string keys (`<NA>` matches `<NA>`; outer keys in code-point order) and an
    /// outer merge whose keys never match: every row once, the other side's columns missing.
    @Test func stringKeysAndKeysThatNeverMatch() throws {
        let left = Self.frame(["k", "a"], [Self.strings(["c", "a", nil, "c", "g", nil]), .integer([1, 2, 3, 4, 5, 6], .int64)])
        let right = Self.frame(["k", "b"], [Self.strings(["e", "c", nil, "a", "c", nil]), .integer([10, 20, 30, 40, 50, 60], .int64)])
        let outer = try FrameMerges.merge(left, right, on: "k", how: .outer, names: ["k", "a", "b"])
        #expect(Self.rows(outer) == ["a|2.0|40.0", "c|1.0|20.0", "c|1.0|50.0", "c|4.0|20.0", "c|4.0|50.0", "e||10.0", "g|5.0|", "|3.0|30.0", "|3.0|60.0", "|6.0|30.0", "|6.0|60.0"])
        let other = Self.frame(["k", "b"], [Self.strings(["x", "y"]), .integer([7, 8], .int64)])
        #expect(Self.rows(try FrameMerges.merge(left, other, on: "k", how: .outer, names: ["k", "a", "b"]))
            == ["a|2.0|", "c|1.0|", "c|4.0|", "g|5.0|", "x||7.0", "y||8.0", "|3.0|", "|6.0|"])
        #expect(try FrameMerges.merge(left, other, on: "k", how: .inner, names: ["k", "a", "b"]).rows == 0)
        let empty = Self.frame(["k", "b"], [Self.strings([]), .integer([], .int64)])
        #expect(Self.rows(try FrameMerges.merge(empty, left, on: "k", how: .right, names: ["k", "b", "a"])) == ["c||1", "a||2", "||3", "c||4", "g||5", "||6"])
        #expect(try FrameMerges.merge(empty, empty, on: "k", how: .outer, names: ["k", "b_x", "b_y"]).rows == 0)
    }

    /// Duplicate keys on both sides: every pair, n × m rows per key.
    @Test func duplicateKeysGiveEveryPair() throws {
        let left = Self.frame(["k", "a"], [.category(codes: Array(repeating: 1, count: 300) + [0], count: 3), .integer((0..<301).map { Int64($0) }, .int64)])
        let right = Self.frame(["k", "b"], [.category(codes: Array(repeating: 1, count: 200) + [2], count: 4), .integer((0..<201).map { Int64($0) }, .int64)])
        let inner = try FrameMerges.merge(left, right, on: "k", how: .inner, names: ["k", "a", "b"])
        #expect(inner.rows == 60_000)
        let outer = try FrameMerges.merge(left, right, on: "k", how: .outer, names: ["k", "a", "b"])
        // Keys by category code: c0 (left only), c1 (300 × 200), c2 (right only).
        #expect(outer.rows == 60_002)
        #expect(Self.rows(outer).first == "c0|300.0|" && Self.rows(outer).last == "c2||200.0")
        #expect(Self.rows(outer)[1] == "c1|0.0|0.0" && Self.rows(outer)[2] == "c1|0.0|1.0" && Self.rows(outer)[201] == "c1|1.0|0.0")
    }

    /// A split keeps each shard's rows in the partition's order.
    @Test func aSplitKeepsRowOrder() throws {
        let part = Self.frame(["k", "a"], [.integer((0..<10).map { Int64($0) }, .int64), .integer((0..<10).map { Int64(100 + $0) }, .int64)])
        let shards = try FrameMerges.split(part, on: "k", into: 7)
        // Partitions of keys 0…9 into 7 (above): [4, 2, 0, 0, 3, 0, 3, 1, 5, 6].
        #expect(shards.map { Self.rows($0) } == [["2|102", "3|103", "5|105"], ["7|107"], ["1|101"], ["4|104", "6|106"], ["0|100"], ["8|108"], ["9|109"]])
    }

    static let pipeline = """
        pipeline: tiny-joins
        version: 1.2
        cluster: {scheduler: distributed, workers: 2, threads_per_worker: 1}
        objects:
          ref: {dataframe: {length: 3, columns: {k: {dtype: int64}, z: {dtype: bool}}}}
        frames:
          l:
            rows: 6
            partitions: [3, 3]
            columns:
              k: {dtype: int64}
              a: {dtype: int16}
          r:
            rows: 4
            partitions: [2, 2]
            columns:
              k: {dtype: int64}
              b: {dtype: float64}
        steps:
          both: {merge: l, with: r, on: k, how: outer}
          kept: {merge: l, with: ref, on: k, how: right}
        outputs:
          both: compute
          kept: compute
        """

    /// Two collections (2 × 2 partitions, outer) and a pandas frame (right): Dask's hash join into
    /// 2 partitions. Keys 0…5 go to partitions [1, 1, 0, 0, 1, 1] (pandas, above); each partition
    /// is its left rows (input partition 0's, then 1's) merged with its right rows; a new
    /// RangeIndex per partition; the CSV is the partitions end to end.
    @Test func aHashJoinRunsAsDasksTasks() throws {
        let loaded = LoadedPipeline.load(SourceFile(path: "tiny.yaml", bytes: Array(Self.pipeline.utf8)))
        #expect(loaded.diagnostics.filter { $0.severity == .error }.isEmpty)
        let report = try run(loaded, in: FileManager.default.temporaryDirectory, asWritten: true)
        let part = [1, 1, 0, 0, 1, 1]
        var both = "index,k,a,b\n"
        var kept = "index,k,a,z\n"
        for p in 0..<2 {
            // outer: keys of the partition ascending; l.k = l.a = 0…5, r.k = r.b = 0…3.
            for (i, k) in (0..<6).filter({ part[$0] == p }).enumerated() { both += "\(i),\(k),\(k),\(k < 4 ? "\(Double(k))" : "")\n" }
            // right: the object's rows of the partition in its order (k = 0…2, z = k odd).
            for (i, k) in (0..<3).filter({ part[$0] == p }).enumerated() { kept += "\(i),\(k),\(k),\(k % 2 == 1 ? "True" : "False")\n" }
        }
        let texts = report.outputs.map { o -> String in if case .frame(let parts) = o.data { String(decoding: FrameCSV.bytes(parts), as: UTF8.self) } else { "" } }
        #expect(texts == [both, kept])
        // Frames 2 + 2 + objects' holder 1; both: 2 + 2 splits, 2 merges; kept: 2 + 1 splits, 2 merges.
        #expect(report.tasks == 4 + 1 + 6 + 5)
    }

    /// 40 partitions merged with 2 (inner): Dask's broadcast join. Output partition `i` is
    /// `big_i` merged with `small_0`, then with `small_1`, end to end with each merge's own
    /// RangeIndex. big: k = c{r mod 10}, v = r, partitions of 10 rows; small: k = c{r mod 10},
    /// w = r, partitions [10, 10] — every big row matches one row of each small partition.
    @Test func aBroadcastJoinConcatenatesItsMerges() throws {
        let text = """
            pipeline: broadcast-join
            version: 1.2
            cluster: {scheduler: distributed, workers: 2}
            frames:
              big:
                rows: 400
                partitions: 40
                columns:
                  k: {dtype: category, categories: 10}
                  v: {dtype: int64}
              small:
                rows: 20
                partitions: [10, 10]
                columns:
                  k: {dtype: category, categories: 10}
                  w: {dtype: int64}
            steps:
              joined: {merge: big, with: small, on: k, how: inner}
            outputs:
              joined: compute
            """
        #expect(MergePlan.choose(left: 40, right: 2, how: .inner) == .broadcastJoin)
        let loaded = LoadedPipeline.load(SourceFile(path: "bj.yaml", bytes: Array(text.utf8)))
        let report = try run(loaded, in: FileManager.default.temporaryDirectory, asWritten: true)
        var expected = "index,k,v,w\n"
        for i in 0..<40 {
            for j in 0..<2 { for m in 0..<10 { expected += "\(m),c\(m),\(10 * i + m),\(10 * j + m)\n" } }
        }
        guard case .frame(let parts)? = report.outputs.first?.data else { Issue.record("no frame"); return }
        #expect(String(decoding: FrameCSV.bytes(parts), as: UTF8.self) == expected)
        // 40 + 2 partitions, 40 merge tasks (inner: no shuffle of the broadcast side).
        #expect(report.tasks == 82)
    }

    /// 5,000 × 5,000 partitions: each of the 5,000 merge tasks would read all 10,000 splits
    /// (50,000,000 dependencies): refused at the step before anything runs, not planned.
    @Test func aHashJoinWithTooManyDependenciesIsRefusedAtTheStep() throws {
        let text = """
            pipeline: wide-join
            version: 1.2
            cluster: {scheduler: distributed, workers: 2}
            frames:
              a:
                rows: 5000
                partitions: 5000
                columns:
                  k: {dtype: int64}
              b:
                rows: 5000
                partitions: 5000
                columns:
                  k: {dtype: int64}
            steps:
              joined: {merge: a, with: b, on: k, how: inner}
            outputs:
              joined: compute
            """
        let loaded = LoadedPipeline.load(SourceFile(path: "wide.yaml", bytes: Array(text.utf8)))
        do {
            _ = try run(loaded, in: FileManager.default.temporaryDirectory, asWritten: true)
            Issue.record("the join ran")
        } catch {
            #expect(error.kind == .refused)
            #expect(error.location == "wide.yaml:16:3")
            #expect(error.message == "`pipelint run` does not execute step `joined` (a hash join of 5000 and 5000 partitions: each of its 5000 merge tasks reads every split, over 20000000 dependencies) yet")
        }
    }
}
