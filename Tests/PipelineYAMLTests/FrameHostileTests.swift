import PipelineIR
import Testing
@testable import PipelineYAML

/// Hostile DataFrame declarations (format 1.2): extreme counts are located errors, never a
/// trap or a wrong model.
@Suite struct FrameHostileTests {
    static func frame(_ line: String) -> String {
        "pipeline: t\nversion: 1.2\nframes:\n\(line)\nsteps: {}\n"
    }

    /// Explicit partitions whose sum passes Int.max: a saturating sum gave exactly
    /// `rows: 9223372036854775807`, so the list was accepted as a frame of 2^63 − 1 rows.
    @Test func explicitPartitionsSummingPastInt64AreAnError() {
        let over = Self.frame("  a: {rows: 9223372036854775807, partitions: [9223372036854775807, 1], columns: {x: {dtype: int64}}}")
        #expect(frontEnd(over) == ["4:46: the partitions hold more than 2^63 − 1 rows but the frame has 9223372036854775807"])
        let twoHalves = Self.frame("  b: {rows: 9223372036854775807, partitions: [4611686018427387904, 4611686018427387904], columns: {x: {dtype: int64}}}")
        #expect(frontEnd(twoHalves) == ["4:46: the partitions hold more than 2^63 − 1 rows but the frame has 9223372036854775807"])
        // A sum of exactly Int.max is a sum, not an overflow.
        let exact = Self.frame("  c: {rows: 9, partitions: [4611686018427387904, 4611686018427387903], columns: {x: {dtype: int64}}}")
        #expect(frontEnd(exact) == ["4:28: the partitions hold 9223372036854775807 rows but the frame has 9"])
        let fits = Self.frame("  d: {rows: 9223372036854775807, partitions: [4611686018427387904, 4611686018427387903], columns: {x: {dtype: int64}}}")
        #expect(frontEnd(fits) == [])
    }

    /// Each self-merge makes `2n − 1` columns (`_x`/`_y` suffixes): fourteen chained ones asked for
    /// 16,385 columns, built in quadratic time per step (nine seconds; twenty merges never ended).
    @Test func chainedSelfMergesStopAtTheColumnLimit() {
        var text = "pipeline: t\nversion: 1.2\nframes:\n  a: {rows: 100, partitions: 2, columns: {k: {dtype: int64}, v: {dtype: float64}}}\nsteps:\n"
        text += "  s0: {merge: a, with: a, on: k}\n"
        for i in 1..<14 { text += "  s\(i): {merge: s\(i - 1), with: s\(i - 1), on: k}\n" }
        #expect(frontEnd(text).filter { !$0.contains("is not used") }
            == ["19:16: step `s13` merges `s12` (8193 columns) with `s12` (8193 columns) into 16385 columns; pipelint models frames of at most 10000"])
        // One merge fewer is within the limit.
        let shorter = text.split(separator: "\n").dropLast().joined(separator: "\n") + "\n"
        #expect(frontEnd(shorter).filter { !$0.contains("is not used") } == [])
        // The steps after the failed one fail silently (no "`s14` is not a frame" two steps on).
        let longer = text + "  s14: {merge: s13, with: a, on: k}\n  s15: {merge: a, with: s14, on: k}\n  s16: {merge: s15, with: s15, on: k}\n"
            + "  s17: {map_partitions: f, over: s16, args: [w]}\nfunctions:\n  f: {params: [part, weights], kernel: score_rows, columns: [k], into: y}\n"
            + "objects:\n  w: {ndarray: {shape: [1], dtype: float64}}\n"
        #expect(frontEnd(longer).filter { !$0.contains("is not used") }
            == ["19:16: step `s13` merges `s12` (8193 columns) with `s12` (8193 columns) into 16385 columns; pipelint models frames of at most 10000"])
    }

    @Test func columnsDeclaredPastTheLimitAreOneError() {
        func frame(_ n: Int) -> String {
            Self.frame("  a: {rows: 4, partitions: 2, columns: {" + (0..<n).map { "c\($0): {dtype: int8}" }.joined(separator: ", ") + "}}")
        }
        #expect(frontEnd(frame(10_000)) == [])
        #expect(frontEnd(frame(10_001)) == ["4:40: `columns` declares 10001 columns; pipelint models frames of at most 10000"])
    }
}
