import PipelineIR

/// Finds the comments libyaml does not report: each `#` at a line start or after white space,
/// outside the ranges of the quoted and block scalars (whose text may hold `#`).
enum CommentScan {
    /// The comments of `bytes` from offset `first` (after a BOM) on; `scalarRanges` sorted.
    static func comments(in bytes: [UInt8], from first: Int, outside scalarRanges: [SourceRange]) -> [Comment] {
        bytes.withUnsafeBufferPointer { b in
            // Lines end at LF only in most files: jump from `#` to `#` and count the lines
            // between. A CR anywhere takes the byte-by-byte walk, which knows CR and CRLF.
            guard first <= b.count, firstIndex(of: 0x0D, in: b, from: first) == nil else {
                return byByte(b, from: first, outside: scalarRanges)
            }
            return byLine(b, from: first, outside: scalarRanges)
        }
    }

    /// The comments of `b` from `first` on, for a file without CR: each `#` at a line start or after
    /// white space, outside `scalarRanges` (sorted), the same as `byByte` finds.
    static func byLine(_ b: UnsafeBufferPointer<UInt8>, from first: Int, outside scalarRanges: [SourceRange]) -> [Comment] {
        var out: [Comment] = []
        var r = 0
        var line = 0
        var lineStart = first
        var counted = first
        var i = first
        while let hash = firstIndex(of: 0x23, in: b, from: i) {
            while let nl = firstIndex(of: 0x0A, in: b, from: counted, to: hash) {
                line += 1
                lineStart = nl + 1
                counted = nl + 1
            }
            counted = hash
            i = hash + 1
            guard hash == lineStart || b[hash - 1] == 0x20 || b[hash - 1] == 0x09 else { continue }
            while r < scalarRanges.count, scalarRanges[r].end <= hash { r += 1 }
            if r < scalarRanges.count, scalarRanges[r].start <= hash { continue }
            var onlySpace = true
            for k in lineStart..<hash where b[k] != 0x20 && b[k] != 0x09 {
                onlySpace = false
                break
            }
            let e = firstIndex(of: 0x0A, in: b, from: hash) ?? b.count
            out.append(Comment(range: SourceRange(start: hash, end: e), line: line, ownLine: onlySpace))
            i = e
        }
        return out
    }

    /// The first `byte` in `b[from..<to]` (to the end by default), eight bytes at a time.
    static func firstIndex(of byte: UInt8, in b: UnsafeBufferPointer<UInt8>, from: Int, to: Int? = nil) -> Int? {
        let end = min(to ?? b.count, b.count)
        guard from < end, let base = b.baseAddress else { return nil }
        var i = from
        let ones: UInt64 = 0x0101_0101_0101_0101
        let pattern = ones &* UInt64(byte)
        while i + 8 <= end {
            let x = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) ^ pattern
            // Nonzero exactly when some byte of `x` is zero, that is a byte equal to `byte`.
            if (x &- ones) & ~x & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < end {
            if base[i] == byte { return i }
            i += 1
        }
        return nil
    }

    /// Every byte in turn, knowing LF, CR and CRLF line breaks.
    static func byByte(_ b: UnsafeBufferPointer<UInt8>, from first: Int, outside scalarRanges: [SourceRange]) -> [Comment] {
        var out: [Comment] = []
        var r = 0
        var i = first
        var lineStart = i
        var line = 0
        var onlySpace = true
        while i < b.count {
            let c = b[i]
            if c == 0x0A || c == 0x0D {
                if c == 0x0D, i + 1 < b.count, b[i + 1] == 0x0A { i += 1 }
                i += 1
                line += 1
                lineStart = i
                onlySpace = true
                continue
            }
            if c == 0x23, i == lineStart || b[i - 1] == 0x20 || b[i - 1] == 0x09 {
                while r < scalarRanges.count, scalarRanges[r].end <= i { r += 1 }
                if r < scalarRanges.count, scalarRanges[r].start <= i {
                    i += 1
                    onlySpace = false
                    continue
                }
                var e = i
                while e < b.count, b[e] != 0x0A, b[e] != 0x0D { e += 1 }
                out.append(Comment(range: SourceRange(start: i, end: e), line: line, ownLine: onlySpace))
                i = e
                continue
            }
            if c != 0x20, c != 0x09 { onlySpace = false }
            i += 1
        }
        return out
    }
}
