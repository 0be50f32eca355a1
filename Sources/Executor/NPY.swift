import Foundation

/// `.npy` files (format version 1.0 written; 1.0–3.0 read), little-endian, C order.
public enum NPY {
    /// The header of a version 1.0 file holding `descr` elements of `shape`,
    /// padded with spaces to a multiple of 64 bytes as numpy pads it.
    public static func header(descr: String, shape: [Int]) -> [UInt8] {
        let shapeText = shape.isEmpty ? "()" : "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
        var dict = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        let n = UInt16(dict.utf8.count)
        out.append(UInt8(n & 0xFF))
        out.append(UInt8(n >> 8))
        out.append(contentsOf: dict.utf8)
        return out
    }

    /// A whole file in memory (for small arrays and tests).
    public static func encode(_ c: Chunk) -> [UInt8] {
        var out = header(descr: c.data.npyDescr, shape: c.shape)
        c.data.withRawBytes { out.append(contentsOf: $0) }
        return out
    }

    /// Why a file could not be read.
    public struct ReadError: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Reads a file's bytes: float dtypes become Float64, integer and bool dtypes Int64.
    /// A short excerpt of header text for a message: printable ASCII, at most 40 characters.
    static func excerpt(_ s: String) -> String {
        let kept = String(String.UnicodeScalarView(s.unicodeScalars.prefix(40).map { $0.value >= 0x20 && $0.value < 0x7F ? $0 : "?" }))
        return s.unicodeScalars.count > 40 ? kept + "…" : kept
    }

    public static func decode(_ bytes: [UInt8]) throws(ReadError) -> Chunk {
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw ReadError(message: "not a .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6]
        let headerLen: Int
        let start: Int
        switch major {
        case 1:
            headerLen = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw ReadError(message: "truncated header") }
            headerLen = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            start = 12
        default:
            throw ReadError(message: "unsupported .npy format version \(major)")
        }
        guard bytes.count >= start + headerLen else { throw ReadError(message: "truncated header") }
        let dict = String(decoding: bytes[start..<start + headerLen], as: UTF8.self)
        guard let descr = field(dict, "descr") else { throw ReadError(message: "header has no 'descr'") }
        if let f = field(dict, "fortran_order"), f.hasPrefix("True") { throw ReadError(message: "Fortran-order arrays are not supported; save with C order") }
        guard let shapeText = field(dict, "shape"), shapeText.hasPrefix("("), let close = shapeText.firstIndex(of: ")") else {
            throw ReadError(message: "header has no 'shape'")
        }
        var shape: [Int] = []
        for part in shapeText[shapeText.index(after: shapeText.startIndex)..<close].split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let n = Int(t), n >= 0 else { throw ReadError(message: "bad shape \(excerpt(shapeText))") }
            shape.append(n)
        }
        var d = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        // Nanosecond datetimes and durations: 8-byte words with a unit (only `ns` is read).
        let unit = d.hasSuffix("8[ns]") && (d.dropFirst().first == "M" || d.dropFirst().first == "m")
        if unit { d.removeLast(4) }
        guard let order = d.first, let kind = d.dropFirst().first, let size = Int(d.dropFirst(2)) else {
            throw ReadError(message: "unsupported dtype \(excerpt(d))")
        }
        guard order == "<" || order == "|" || (order == "=" ) else { throw ReadError(message: "big-endian dtype \(excerpt(d)) is not supported") }
        let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
        let data = start + headerLen
        guard count < Int.max / 8, bytes.count - data >= count * size else { throw ReadError(message: "file is shorter than its shape \(excerpt(shapeText)) needs") }
        let supported: Set<String> = Set(["f8", "f4", "i8", "i4", "i2", "i1", "u8", "u4", "u2", "u1", "b1", "c16", "c8"])
            .union(unit ? ["M8", "m8"] : [])
        guard supported.contains("\(kind)\(size)") else { throw ReadError(message: "unsupported dtype \(excerpt(d))") }
        let column: Column = bytes.withUnsafeBytes { raw -> Column in
            let p = UnsafeRawBufferPointer(rebasing: raw[data..<data + count * size])
            func ints<T: FixedWidthInteger>(_: T.Type) -> Column {
                .i64((0..<count).map { Int64(truncatingIfNeeded: T(littleEndian: p.loadUnaligned(fromByteOffset: $0 * size, as: T.self))) })
            }
            switch (kind, size) {
            case ("f", 8): return .f64((0..<count).map { Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) })
            case ("f", 4): return .f64((0..<count).map { Double(Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))) })
            case ("c", 16): return .c128((0..<count &* 2).map { Double(bitPattern: UInt64(littleEndian: p.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) })
            case ("c", 8): return .c128((0..<count &* 2).map { Double(Float(bitPattern: UInt32(littleEndian: p.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))) })
            case ("M", 8): if case .i64(let a) = ints(Int64.self) { return .datetime(a) } else { return .datetime([]) }
            case ("m", 8): if case .i64(let a) = ints(Int64.self) { return .timedelta(a) } else { return .timedelta([]) }
            case ("i", 8): return ints(Int64.self)
            case ("i", 4): return ints(Int32.self)
            case ("i", 2): return ints(Int16.self)
            case ("i", 1): return ints(Int8.self)
            case ("u", 8): return ints(UInt64.self)
            case ("u", 4): return ints(UInt32.self)
            case ("u", 2): return ints(UInt16.self)
            default: return ints(UInt8.self)
            }
        }
        return Chunk(shape: shape, data: column)
    }

    /// The text after `'key':` in a header dict, up to the next top-level comma.
    static func field(_ dict: String, _ key: String) -> String? {
        guard let r = dict.range(of: "'\(key)':") else { return nil }
        let rest = dict[r.upperBound...].drop { $0 == " " }
        if rest.hasPrefix("(") {
            guard let close = rest.firstIndex(of: ")") else { return nil }
            return String(rest[...close])
        }
        return String(rest.prefix { $0 != "," && $0 != "}" })
    }
}

/// CRC-32 (IEEE 802.3, as `zlib.crc32`), the checksum in results.json.
public struct CRC32: Sendable {
    static let table: [[UInt32]] = {
        var t = [[UInt32]](repeating: [UInt32](repeating: 0, count: 256), count: 8)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            t[0][i] = c
        }
        for i in 0..<256 {
            for k in 1..<8 { t[k][i] = (t[k - 1][i] >> 8) ^ t[0][Int(t[k - 1][i] & 0xFF)] }
        }
        return t
    }()

    var crc: UInt32 = 0xFFFF_FFFF
    public init() {}

    /// Adds bytes (slicing-by-8).
    public mutating func update(_ buf: UnsafeRawBufferPointer) {
        var c = crc
        var i = 0
        let n = buf.count
        Self.table.withUnsafeBufferPointer { tables in
            let t0 = tables[0], t1 = tables[1], t2 = tables[2], t3 = tables[3]
            let t4 = tables[4], t5 = tables[5], t6 = tables[6], t7 = tables[7]
            while i + 8 <= n {
                let lo = UInt32(littleEndian: buf.loadUnaligned(fromByteOffset: i, as: UInt32.self)) ^ c
                let hi = UInt32(littleEndian: buf.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
                c = t7[Int(lo & 0xFF)] ^ t6[Int((lo >> 8) & 0xFF)] ^ t5[Int((lo >> 16) & 0xFF)] ^ t4[Int(lo >> 24)]
                    ^ t3[Int(hi & 0xFF)] ^ t2[Int((hi >> 8) & 0xFF)] ^ t1[Int((hi >> 16) & 0xFF)] ^ t0[Int(hi >> 24)]
                i += 8
            }
            while i < n {
                c = t0[Int((c ^ UInt32(buf[i])) & 0xFF)] ^ (c >> 8)
                i += 1
            }
        }
        crc = c
    }

    /// The checksum so far.
    public var value: UInt32 { crc ^ 0xFFFF_FFFF }
}
