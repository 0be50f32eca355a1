import Foundation

/// Counting the data rows of a CSV file named by untrusted input, streaming: at most `limit`
/// bytes are read, 64 KiB at a time; quoted fields may hold line breaks (RFC 4180: `""` is a quote
/// inside a quoted field); blank lines are not rows (pandas skips them); the first record is the
/// header. A NUL byte or bytes that are not UTF-8 stop the count.
public enum CSVRows {
    public enum Outcome: Equatable, Sendable {
        /// Data rows: records after the header.
        case rows(Int)
        /// More than `limit` bytes: not counted.
        case tooLarge(limit: Int)
        /// Not a text file: "holds a NUL byte (binary data)", "is not UTF-8 (at byte 1,234)".
        case notText(String)
        case failure(SafeFiles.Failure)
    }

    /// The byte-level state of the count, fed chunk by chunk.
    struct Counter {
        var records = 0
        var inQuotes = false
        var lineHasContent = false
        var utf8Pending = 0
        var offset = 0
        var problem: String?

        mutating func feed(_ bytes: UnsafeRawBufferPointer) {
            for b in bytes {
                defer { offset += 1 }
                if utf8Pending > 0 {
                    guard b & 0xC0 == 0x80 else { problem = "is not UTF-8 (at byte \(offset))"; return }
                    utf8Pending -= 1
                    continue
                }
                switch b {
                case 0: problem = "holds a NUL byte (binary data)"; return
                case 0x80...0xC1, 0xF5...0xFF: problem = "is not UTF-8 (at byte \(offset))"; return
                case 0xC2...0xDF: utf8Pending = 1
                case 0xE0...0xEF: utf8Pending = 2
                case 0xF0...0xF4: utf8Pending = 3
                default: break
                }
                if b == UInt8(ascii: "\"") { inQuotes.toggle() }
                if b == UInt8(ascii: "\n") && !inQuotes {
                    if lineHasContent { records += 1 }
                    lineHasContent = false
                } else if b != UInt8(ascii: "\r") {
                    lineHasContent = true
                }
            }
        }

        /// Records including an unterminated last line.
        var total: Int { records + (lineHasContent ? 1 : 0) }
    }

    /// The data rows of the CSV file at `path` (a regular file; inside `folder` after links when given).
    public static func count(_ path: String, confinedTo folder: String? = nil, limit: Int = 256 << 20) -> Outcome {
        let fd = RawPaths.withCString(path) { open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        guard fd >= 0 else { return .failure(errno == ENOENT || errno == ENOTDIR ? .missing : .io(String(cString: strerror(errno)))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return .failure(.io(String(cString: strerror(errno)))) }
        if let kind = SafeFiles.kindName(st.st_mode) { return .failure(.notRegular(kind: kind)) }
        if let folder {
            guard let opened = SafeFiles.openedPath(fd, fallback: path), let base = SafeFiles.realPath(folder.isEmpty ? "." : folder),
                  SafeFiles.isInside(opened, base) else { return .failure(.outside) }
        }
        var counter = Counter()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var read = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { Foundation.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(.io(String(cString: strerror(errno))))
            }
            if n == 0 { break }
            read += n
            if read > limit { return .tooLarge(limit: limit) }
            chunk.withUnsafeBytes { counter.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            if let p = counter.problem { return .notText(p) }
        }
        if counter.utf8Pending > 0 { return .notText("is not UTF-8 (it ends inside a character)") }
        return .rows(max(0, counter.total - 1))
    }
}
