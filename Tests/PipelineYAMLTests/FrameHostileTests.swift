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
}
