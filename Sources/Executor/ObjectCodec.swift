import Foundation
import PipelineIR

/// The compact binary encoding of object values and task definitions: what a
/// serializing scheduler sends per task (docs/executor.md, "Wire format").
///
/// Every value starts with a tag byte; lengths and counts are unsigned LEB128
/// varints; numbers are 8-byte little-endian; numeric buffers are raw
/// little-endian elements, so a 30,000-value int64 Series encodes to 240,000
/// bytes of data plus a few bytes of header.
public enum ObjectCodec {
    enum Tag: UInt8 {
        case none = 0x01, bool = 0x02, int = 0x03, float = 0x04, string = 0x05, list = 0x06, map = 0x07
        case series = 0x10, ndarray = 0x11, bytes = 0x12, instance = 0x13, frame = 0x14, stringDict = 0x15
    }

    /// Encodes `v`.
    public static func encode(_ v: ObjectValue) -> [UInt8] {
        var w = ByteWriter()
        w.reserve(v.residentBytes &+ 64)
        write(v, &w)
        return w.bytes
    }

    static func write(_ v: ObjectValue, _ w: inout ByteWriter) {
        switch v {
        case .literal(let l): writeLiteral(l, &w)
        case .series(let values, let index, let name):
            w.byte(Tag.series.rawValue)
            w.byte(values.kindByte)
            w.varint(UInt64(values.count))
            w.byte((index == nil ? 0 : 1) | (name == nil ? 0 : 2))
            if let name { w.string(name) }
            w.column(values)
            if let index { w.column(.i64(index)) }
        case .ndarray(let shape, let data):
            w.byte(Tag.ndarray.rawValue)
            w.byte(data.kindByte)
            w.varint(UInt64(shape.count))
            for d in shape { w.varint(UInt64(d)) }
            w.column(data)
        case .bytes(let b):
            w.byte(Tag.bytes.rawValue)
            w.varint(UInt64(b.count))
            w.bytes.append(contentsOf: b)
        case .instance(let cls, let module, let fields):
            w.byte(Tag.instance.rawValue)
            w.string(module ?? "")
            w.string(cls)
            w.varint(UInt64(fields.count))
            for f in fields {
                w.string(f.name)
                write(f.value, &w)
            }
        case .frame(let f): writeFrame(f, &w)
        case .stringDict(let d): writeDict(d, &w)
        }
    }

    static func writeLiteral(_ l: Literal, _ w: inout ByteWriter) {
        switch l {
        case .none: w.byte(Tag.none.rawValue)
        case .bool(let b): w.byte(Tag.bool.rawValue); w.byte(b ? 1 : 0)
        case .int(let i): w.byte(Tag.int.rawValue); w.u64(UInt64(bitPattern: i))
        case .float(let d): w.byte(Tag.float.rawValue); w.u64(d.bitPattern)
        case .string(let s): w.byte(Tag.string.rawValue); w.string(s)
        case .list(let xs):
            w.byte(Tag.list.rawValue)
            w.varint(UInt64(xs.count))
            for x in xs { writeLiteral(x, &w) }
        case .map(let es):
            w.byte(Tag.map.rawValue)
            w.varint(UInt64(es.count))
            for e in es {
                w.string(e.key)
                writeLiteral(e.value, &w)
            }
        }
    }

    /// Decodes one value from `bytes` starting at `offset`, advancing it.
    public static func decode(_ bytes: [UInt8], offset: inout Int) throws(CodecError) -> ObjectValue {
        var r = ByteReader(bytes: bytes, offset: offset)
        let v = try read(&r, depth: 0)
        offset = r.offset
        return v
    }

    /// Decodes a whole buffer holding one value.
    public static func decode(_ bytes: [UInt8]) throws(CodecError) -> ObjectValue {
        var o = 0
        let v = try decode(bytes, offset: &o)
        guard o == bytes.count else { throw CodecError(message: "\(bytes.count - o) trailing bytes") }
        return v
    }

    static func read(_ r: inout ByteReader, depth: Int) throws(CodecError) -> ObjectValue {
        guard depth < 256 else { throw CodecError(message: "nesting too deep") }
        let tagByte = try r.byte()
        guard let tag = Tag(rawValue: tagByte) else { throw CodecError(message: "unknown tag \(tagByte)") }
        switch tag {
        case .none, .bool, .int, .float, .string, .list, .map:
            return .literal(try readLiteral(tag, &r, depth: depth))
        case .series:
            let kind = try r.byte()
            let n = try r.count()
            let flags = try r.byte()
            let name = flags & 2 != 0 ? try r.string() : nil
            let values = try r.column(count: n, kind: kind)
            var index: [Int64]?
            if flags & 1 != 0, case .i64(let ix) = try r.column(count: n, kind: UInt8(ascii: "i")) { index = ix }
            return .series(values: values, index: index, name: name)
        case .ndarray:
            let kind = try r.byte()
            let ndim = try r.count()
            guard ndim <= 32 else { throw CodecError(message: "too many dimensions") }
            var shape: [Int] = []
            for _ in 0..<ndim { shape.append(try r.count()) }
            return .ndarray(shape: shape, data: try r.column(count: saturatingProduct(shape), kind: kind))
        case .bytes:
            let n = try r.count()
            return .bytes(try r.raw(n))
        case .instance:
            let module = try r.string()
            let cls = try r.string()
            let n = try r.count()
            var fields: [ObjectField] = []
            for _ in 0..<n {
                let name = try r.string()
                fields.append(ObjectField(name: name, value: try read(&r, depth: depth + 1)))
            }
            return .instance(className: cls, module: module.isEmpty ? nil : module, fields: fields)
        case .frame: return try readFrame(&r)
        case .stringDict: return try readDict(&r)
        }
    }

    static func readLiteral(_ tag: Tag, _ r: inout ByteReader, depth: Int) throws(CodecError) -> Literal {
        guard depth < 256 else { throw CodecError(message: "nesting too deep") }
        switch tag {
        case .none: return .none
        case .bool: return .bool(try r.byte() != 0)
        case .int: return .int(Int64(bitPattern: try r.u64()))
        case .float: return .float(Double(bitPattern: try r.u64()))
        case .string: return .string(try r.string())
        case .list:
            let n = try r.count()
            var xs: [Literal] = []
            for _ in 0..<n { xs.append(try readLiteral(try r.tag(), &r, depth: depth + 1)) }
            return .list(xs)
        case .map:
            let n = try r.count()
            var es: [LiteralEntry] = []
            for _ in 0..<n {
                let k = try r.string()
                es.append(LiteralEntry(key: k, value: try readLiteral(try r.tag(), &r, depth: depth + 1)))
            }
            return .map(es)
        default:
            throw CodecError(message: "a literal cannot hold tag \(tag.rawValue)")
        }
    }
}

/// A buffer that does not decode.
public struct CodecError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "corrupt encoding: \(message)" }
}

/// Appends encoded values to a byte buffer.
struct ByteWriter {
    var bytes: [UInt8] = []
    mutating func reserve(_ n: Int) { bytes.reserveCapacity(n) }
    mutating func byte(_ b: UInt8) { bytes.append(b) }
    mutating func varint(_ x: UInt64) {
        var v = x
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
    mutating func u64(_ x: UInt64) {
        withUnsafeBytes(of: x.littleEndian) { bytes.append(contentsOf: $0) }
    }
    mutating func string(_ s: String) {
        varint(UInt64(s.utf8.count))
        bytes.append(contentsOf: s.utf8)
    }
    /// Raw little-endian elements (one bulk copy; this machine is little-endian).
    mutating func column(_ c: Column) {
        c.withRawBytes { bytes.append(contentsOf: $0) }
    }
}

/// Reads encoded values, checking every length against what is left.
struct ByteReader {
    let bytes: [UInt8]
    var offset: Int

    mutating func byte() throws(CodecError) -> UInt8 {
        guard offset < bytes.count else { throw CodecError(message: "truncated") }
        defer { offset += 1 }
        return bytes[offset]
    }
    mutating func tag() throws(CodecError) -> ObjectCodec.Tag {
        let b = try byte()
        guard let t = ObjectCodec.Tag(rawValue: b) else { throw CodecError(message: "unknown tag \(b)") }
        return t
    }
    mutating func varint() throws(CodecError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw CodecError(message: "varint too long") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }
    /// A count or length that must fit in what is left.
    mutating func count() throws(CodecError) -> Int {
        let v = try varint()
        guard v <= UInt64(bytes.count) else { throw CodecError(message: "length \(v) past the end") }
        return Int(v)
    }
    mutating func u64() throws(CodecError) -> UInt64 {
        guard bytes.count - offset >= 8 else { throw CodecError(message: "truncated") }
        var v: UInt64 = 0
        withUnsafeMutableBytes(of: &v) { dst in
            bytes.withUnsafeBytes { src in dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[offset..<offset + 8])) }
        }
        offset += 8
        return UInt64(littleEndian: v)
    }
    mutating func raw(_ n: Int) throws(CodecError) -> [UInt8] {
        guard n >= 0, bytes.count - offset >= n else { throw CodecError(message: "truncated") }
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }
    mutating func string() throws(CodecError) -> String {
        let n = try count()
        return String(decoding: try raw(n), as: UTF8.self)
    }
    /// `count` elements of the column kind `kind` (8 bytes each, 16 for complex) in one bulk copy.
    mutating func column(count n: Int, kind: UInt8) throws(CodecError) -> Column {
        let words = kind == UInt8(ascii: "c") ? n.multipliedReportingOverflow(by: 2) : (n, false)
        let (nbytes, o) = words.0.multipliedReportingOverflow(by: 8)
        guard !o, !words.1, bytes.count - offset >= nbytes else { throw CodecError(message: "truncated buffer") }
        let start = offset
        offset += nbytes
        let w = words.0
        func load<T>(_: T.Type) -> [T] {
            [T](unsafeUninitializedCapacity: w) { buf, k in
                bytes.withUnsafeBytes { src in
                    UnsafeMutableRawBufferPointer(buf).copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<start + nbytes]))
                }
                k = w
            }
        }
        guard let c = Column.from(kindByte: kind, doubles: { load(Double.self) }, ints: { load(Int64.self) }) else {
            throw CodecError(message: "unknown column kind \(kind)")
        }
        return c
    }
}
