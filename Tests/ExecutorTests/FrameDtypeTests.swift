import PipelineIR
import Testing
@testable import Executor

/// Dtype rules pandas 3.1 applies that the frame vectors alone do not spell out: float32 column
/// reductions in float32, numpy's float32 text, and the concatenation of partitions whose dtypes differ.
@Suite struct FrameDtypeTests {
    @Test func float32SumsAccumulateInFloat32() {
        // Three partials of a float32 column: each numpy's loop in float32 (2^24 + 1 rounds back to 2^24).
        let parts: [[Float]] = [[16_777_216, 1, 1], [1, .nan, 1], [0.1, 0.2]]
        let partials = parts.map { FrameReductions.partial(.sum, .float32($0)) }
        var inFloat: [Float] = []
        for p in parts {
            var s: Float = 0
            for x in p where !x.isNaN { s += x }
            inFloat.append(s)
        }
        #expect(partials == inFloat.map { .float32Sum($0) })
        #expect(inFloat[0] == 16_777_216)  // float64 accumulation would give 16777218
        let total = (inFloat[0] + inFloat[1]) + inFloat[2]
        #expect(Reductions.finish(FrameReductions.combine(.sum, partials)) == .f64(Double(Float(0) + total)))
        let means = parts.map { FrameReductions.partial(.mean, .float32($0)) }
        #expect(Reductions.finish(FrameReductions.combine(.mean, means)) == .f64(Double(total) / 7))
    }

    @Test func float32MinAndMaxAreTheValues() {
        let p = [FrameReductions.partial(.min, .float32([0.1, .nan, -3.5])), FrameReductions.partial(.min, .float32([2.5]))]
        #expect(Reductions.finish(FrameReductions.combine(.min, p)) == .f64(-3.5))
        #expect(Reductions.finish(FrameReductions.partial(.max, .float32([0.1, .nan]))) == .f64(Double(Float(0.1))))
    }

    @Test func float32TextIsNumpys() {
        let cases: [(Float, String)] = [(1_732_297.2, "1.7322972e+06"), (999_999.9, "999999.9"), (1e6, "1e+06"), (Float(0.0001), "1e-04"),
                                        (0.00010001, "0.00010001"), (2.5e-7, "2.5e-07"), (3.4e38, "3.4e+38"), (-1_234_567, "-1.234567e+06"),
                                        (0, "0.0"), (-0.0, "-0.0"), (123_456.78, "123456.78"), (.infinity, "inf")]
        for (f, text) in cases { #expect(FrameCSV.float32Text(f) == text, "\(f)") }
    }

    @Test func partitionsOfDifferentDtypesConcatenateAsPandas() {
        // A where that pandas kept int32 in one partition and made float64 in the other: pd.concat gives float64.
        let a = FramePart(start: 0, rows: 2, names: ["w"], columns: [.integer([3, -4], .int32)])
        let b = FramePart(start: 2, rows: 1, names: ["w"], columns: [.float64([0.5])])
        let empty = FramePart(start: 3, rows: 0, names: ["w"], columns: [.integer([], .int8)])
        #expect(String(decoding: FrameCSV.bytes([a, empty, b]), as: UTF8.self) == "index,w\n0,3.0\n1,-4.0\n2,0.5\n")
        let c = FramePart(start: 3, rows: 1, names: ["w"], columns: [.integer([7], .int64)])
        #expect(FrameConcat.unified([a, c]).map { $0.columns[0].dtypeName } == ["int64", "int64"])
    }
}
