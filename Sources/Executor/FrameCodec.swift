import PipelineIR

/// The wire form of DataFrame and dict objects (tags 0x14 and 0x15): a frame is its start row,
/// row count and columns, each a kind byte, its name and its raw buffers, then its index labels
/// when they are not a range (flag byte); a dict is its recipe
/// (the entries are computed, as a built dict's would be looked up).
extension ObjectCodec {
    static func writeFrame(_ f: FramePart, _ w: inout ByteWriter) {
        w.byte(0x14)
        w.varint(UInt64(f.start))
        w.varint(UInt64(f.rows))
        w.varint(UInt64(f.columns.count))
        for (name, c) in zip(f.names, f.columns) {
            w.string(name)
            switch c {
            case .float64(let a): w.byte(0); a.withUnsafeBytes { w.bytes.append(contentsOf: $0) }
            case .float32(let a): w.byte(1); a.withUnsafeBytes { w.bytes.append(contentsOf: $0) }
            case .integer(let a, let t): w.byte(2); w.string(t.rawValue); a.withUnsafeBytes { w.bytes.append(contentsOf: $0) }
            case .bool(let a): w.byte(3); w.bytes.append(contentsOf: a.map { $0 ? 1 : 0 })
            case .datetime(let a): w.byte(4); a.withUnsafeBytes { w.bytes.append(contentsOf: $0) }
            case .string(let s):
                w.byte(s.valid == nil ? 5 : 6)
                s.offsets.withUnsafeBytes { w.bytes.append(contentsOf: $0) }
                w.varint(UInt64(s.bytes.count))
                w.bytes.append(contentsOf: s.bytes)
                if let v = s.valid { w.bytes.append(contentsOf: v.map { $0 ? 1 : 0 }) }
            case .category(let codes, let k): w.byte(7); w.varint(UInt64(k)); codes.withUnsafeBytes { w.bytes.append(contentsOf: $0) }
            }
        }
        // Index labels other than the range (a filtered partition): a flag, then the labels.
        w.byte(f.labels == nil ? 0 : 1)
        f.labels?.withUnsafeBytes { w.bytes.append(contentsOf: $0) }
    }

    static func writeDict(_ d: StringDict, _ w: inout ByteWriter) {
        w.byte(0x15)
        for v in [d.recipe.length, d.recipe.keyLength, d.recipe.valueLength, d.recipe.distinct] { w.varint(UInt64(v)) }
    }

    static func readDict(_ r: inout ByteReader) throws(CodecError) -> ObjectValue {
        var v: [Int] = []
        for _ in 0..<4 { v.append(Int(clamping: try r.varint())) }
        return .stringDict(StringDict(recipe: StringDictRecipe(length: v[0], keyLength: v[1], valueLength: v[2], distinct: v[3])))
    }

    static func readFrame(_ r: inout ByteReader) throws(CodecError) -> ObjectValue {
        let start = Int(clamping: try r.varint())
        let rows = try r.count()
        let n = try r.count()
        var names: [String] = []
        var columns: [FrameColumnData] = []
        func load<T>(_: T.Type, _ count: Int) throws(CodecError) -> [T] {
            let raw = try r.raw(count * MemoryLayout<T>.stride)
            return raw.withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
        }
        for _ in 0..<n {
            names.append(try r.string())
            switch try r.byte() {
            case 0: columns.append(.float64(try load(Double.self, rows)))
            case 1: columns.append(.float32(try load(Float.self, rows)))
            case 2:
                guard let t = NumericType(rawValue: try r.string()) else { throw CodecError(message: "unknown column dtype") }
                columns.append(.integer(try load(Int64.self, rows), t))
            case 3: columns.append(.bool(try r.raw(rows).map { $0 != 0 }))
            case 4: columns.append(.datetime(try load(Int64.self, rows)))
            case let k where k == 5 || k == 6:
                let offsets = try load(Int32.self, rows + 1)
                let bytes = try r.raw(try r.count())
                let valid = k == 6 ? try r.raw(rows).map { $0 != 0 } : nil
                guard offsets.first == 0, offsets.last.map({ Int($0) == bytes.count }) == true,
                      zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else { throw CodecError(message: "bad string offsets") }
                columns.append(.string(FrameStrings(offsets: offsets, bytes: bytes, valid: valid)))
            case 7:
                let k = try r.count()
                let codes = try load(Int32.self, rows)
                guard codes.allSatisfy({ $0 >= -1 && Int($0) < k }) else { throw CodecError(message: "bad category code") }
                columns.append(.category(codes: codes, count: k))
            default: throw CodecError(message: "unknown frame column kind")
            }
        }
        let labels = try r.byte() == 1 ? try load(Int64.self, rows) : nil
        return .frame(FramePart(start: start, rows: rows, names: names, columns: columns, labels: labels))
    }
}
