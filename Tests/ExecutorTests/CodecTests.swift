import Foundation
import Testing
@testable import Executor
import PipelineIR

@Suite struct CodecTests {
    @Test func aSeriesOf30000Int64EncodesToAbout240KB() throws {
        let s = ObjectValue.series(values: .i64((0..<30000).map { Int64($0) }), index: nil, name: nil)
        let bytes = ObjectCodec.encode(s)
        // tag, dtype, varint(30000) = 3 bytes, flags, then the raw values.
        #expect(bytes.count == 240_006)
        guard case .series(let v, let idx, let name) = try ObjectCodec.decode(bytes) else { Issue.record("not a series"); return }
        #expect(v == .i64((0..<30000).map { Int64($0) }))
        #expect(idx == nil && name == nil)
    }

    @Test func instancesAndLiteralsRoundTrip() throws {
        let v = ObjectValue.instance(className: "Mapper", module: nil, fields: [
            ObjectField(name: "series", value: .series(values: .f64([1.5, .nan]), index: [0, 1], name: "time")),
            ObjectField(name: "opts", value: .literal(.map([LiteralEntry(key: "k", value: .list([.int(-1), .float(0.5), .string("é"), .bool(true), .none]))]))),
            ObjectField(name: "w", value: .ndarray(shape: [2, 1], data: .i64([3, 4]))),
            ObjectField(name: "raw", value: .bytes([0, 255])),
        ])
        let back = try ObjectCodec.decode(ObjectCodec.encode(v))
        #expect(ObjectCodec.encode(back) == ObjectCodec.encode(v))
        #expect(back.residentBytes == v.residentBytes)
    }

    @Test func truncatedOrCorruptBuffersAreErrorsNotCrashes() {
        let good = ObjectCodec.encode(.series(values: .i64([1, 2, 3]), index: nil, name: "n"))
        for cut in 0..<good.count {
            #expect(throws: CodecError.self) { try ObjectCodec.decode(Array(good[0..<cut])) }
        }
        #expect(throws: CodecError.self) { try ObjectCodec.decode([0x10, UInt8(ascii: "i"), 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) }
        #expect(throws: CodecError.self) { try ObjectCodec.decode([0x7F]) }
    }
}
