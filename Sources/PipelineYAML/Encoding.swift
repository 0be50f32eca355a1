import PipelineIR

/// Checks that must pass before libyaml sees the bytes: size, encoding, NUL.
enum EncodingCheck {
    /// The first problem with `bytes` as a UTF-8 YAML file, if any.
    static func problem(in bytes: [UInt8], limits: ParseLimits) -> (offset: Int, message: String, help: String?)? {
        if bytes.count > limits.maxFileBytes {
            return (0, "file is \(bytes.count) bytes, over the \(limits.maxFileBytes)-byte limit", "raise `limits.max-file-bytes` in the configuration if this file is legitimate")
        }
        if bytes.count >= 4, bytes[0] == 0, bytes[1] == 0, bytes[2] == 0xFE, bytes[3] == 0xFF {
            return (0, "file is UTF-32; pipelines must be UTF-8", "save the file as UTF-8")
        }
        if bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xFE, bytes[2] == 0, bytes[3] == 0 {
            return (0, "file is UTF-32; pipelines must be UTF-8", "save the file as UTF-8")
        }
        if bytes.count >= 2, (bytes[0] == 0xFE && bytes[1] == 0xFF) || (bytes[0] == 0xFF && bytes[1] == 0xFE) {
            return (0, "file is UTF-16; pipelines must be UTF-8", "save the file as UTF-8")
        }
        return bytes.withUnsafeBufferPointer { buf -> (Int, String, String?)? in
            var i = 0
            let n = buf.count
            while i < n {
                // Eight ASCII bytes without a NUL at a time: the usual case, checked as one word.
                if i + 8 <= n {
                    let word = UnsafeRawPointer(buf.baseAddress! + i).loadUnaligned(as: UInt64.self)
                    let high: UInt64 = 0x8080_8080_8080_8080
                    let hasZero = (word &- 0x0101_0101_0101_0101) & ~word & high
                    if word & high == 0, hasZero == 0 {
                        i += 8
                        continue
                    }
                }
                let b = buf[i]
                if b < 0x80 {
                    if b == 0 {
                        return (i, "NUL byte in file; pipelines are UTF-8 text", "remove the NUL byte (is this a UTF-16 file?)")
                    }
                    i += 1
                    continue
                }
                let len: Int
                var min: UInt32
                var cp: UInt32
                if b & 0xE0 == 0xC0 { len = 2; cp = UInt32(b & 0x1F); min = 0x80 }
                else if b & 0xF0 == 0xE0 { len = 3; cp = UInt32(b & 0x0F); min = 0x800 }
                else if b & 0xF8 == 0xF0 { len = 4; cp = UInt32(b & 0x07); min = 0x10000 }
                else { return (i, "invalid UTF-8 byte 0x\(hex(b))", "save the file as UTF-8") }
                if i + len > n { return (i, "truncated UTF-8 sequence at end of file", "save the file as UTF-8") }
                for k in 1..<len {
                    let c = buf[i + k]
                    if c & 0xC0 != 0x80 { return (i, "invalid UTF-8 sequence starting with byte 0x\(hex(b))", "save the file as UTF-8") }
                    cp = (cp << 6) | UInt32(c & 0x3F)
                }
                if cp < min || cp > 0x10FFFF || (0xD800...0xDFFF).contains(cp) {
                    return (i, "invalid UTF-8 sequence starting with byte 0x\(hex(b))", "save the file as UTF-8")
                }
                i += len
                _ = min
            }
            return nil
        }
    }

    /// Whether every byte is below 0x80, eight bytes at a time.
    static func isASCII(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = b.baseAddress else { return true }
        var i = 0
        var high: UInt64 = 0
        while i + 8 <= b.count {
            high |= UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            i += 8
        }
        while i < b.count {
            high |= UInt64(base[i])
            i += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    private static func hex(_ b: UInt8) -> String {
        let s = String(b, radix: 16, uppercase: true)
        return s.count == 1 ? "0" + s : s
    }
}
