import FileAccess
import Foundation
import PipelineIR

/// A `load:` CSV frame cut into blocks as dask 2026.8's `dd.read_csv(path, blocksize=B)` cuts it
/// (docs/executor.md, "CSV frames"): `read_bytes` places offsets `B` apart (spreading a short last
/// block over the others: `B' = size / (size // B)` in floating point), then each block is moved to
/// start after the first `\n` at or after its offset and to end after the first `\n` at or after
/// the next offset (`fsspec.utils.read_block` with `delimiter=b"\n"`; quotes are not looked at). The
/// header line is prepended to every block but the first; each block is its own pandas frame with a
/// RangeIndex from 0. Built once on the client by streaming the file; each task then reads its block.
public struct CSVBlockLayout: Sendable {
    /// The `load:` path as written, for messages.
    public var display: String
    public var path: String
    public var size: Int
    public var modified: timespec
    /// The first line, with its line end (pandas' header record).
    public var header: [UInt8]
    /// The header's field names.
    public var names: [String]
    /// Byte ranges of the blocks, and the file line each one starts on (1-based).
    public var blocks: [Range<Int>]
    public var firstLines: [Int]
    /// Declared columns in the file's order (`usecols` keeps the file's order): field index and column.
    public var columns: [(field: Int, column: FrameColumn)]

    /// The biggest file read, as for `check`'s count (PL019).
    public static let limit = 256 << 20

    /// `read_bytes`' block offsets (PipelineIR's `CSVBlocks`, shared with `estimate`).
    public static func offsets(size: Int, blocksize: Int) -> [Int] { CSVBlocks.offsets(size: size, blocksize: blocksize) }

    /// The export's blocksize: `ceil(size / partitions)`, at least 1.
    public static func blocksize(size: Int, partitions: Int) -> Int { CSVBlocks.blocksize(size: size, partitions: partitions) }

    /// How many partitions Dask's `read_csv` makes of a file of `size` bytes split for `partitions`.
    public static func blockCount(size: Int, partitions: Int) -> Int { CSVBlocks.count(size: size, partitions: partitions) }

    /// Why a layout could not be made, located by the caller at the `load:` path.
    public struct Problem: Error, Sendable { public var message: String }

    /// Streams the file once: its header, the block boundaries, and whether a boundary falls inside
    /// a quoted field (Dask then splits that field: refused).
    public static func make(display: String, in baseDirectory: URL, schema: FrameSchema, partitions: Int) throws(Problem) -> CSVBlockLayout {
        let path = SafeFiles.join(baseDirectory.path, display)
        if case .failure(let why) = SafeFiles.status(of: display, inside: baseDirectory.path) { throw Problem(message: "`\(display)` \(why.phrase)") }
        let file = try CSVFile.open(path, display: display)
        defer { close(file.fd) }
        guard file.size > 0 else { throw Problem(message: "`\(display)` is empty: Dask's read_csv finds no header in it") }
        guard file.size <= limit else { throw Problem(message: "`\(display)` is over the \(limit)-byte limit `pipelint run` reads") }
        let offs = offsets(size: file.size, blocksize: blocksize(size: file.size, partitions: partitions))
        var scan = BoundaryScan(offsets: offs)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var at = 0
        while at < file.size {
            let n = try file.read(into: &chunk, at: at, display: display)
            if n == 0 { break }
            chunk.withUnsafeBytes { scan.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n]), at: at) }
            at += n
        }
        guard at == file.size else { throw Problem(message: "`\(display)` changed while it was read") }
        if let q = scan.splitQuote {
            throw Problem(message: "`\(display)` has a quoted field with a line break across the block boundary at byte \(q.byte) (line \(q.line)): Dask's read_csv cuts blocks at line ends without looking at quotes and would split it; write the field without a line break, or choose `partitions` so that no block starts inside it")
        }
        var starts = scan.starts
        while starts.count < offs.count { starts.append((file.size, scan.lines + 1)) }
        let bounds = starts.map(\.byte) + [file.size]
        let header = scan.header
        let names = CSVTokenizer.headerNames(header)
        var columns: [(field: Int, column: FrameColumn)] = []
        var missing: [String] = []
        for c in schema.columns {
            if let i = names.firstIndex(of: c.name) { columns.append((i, c)) } else { missing.append(c.name) }
        }
        guard missing.isEmpty else {
            throw Problem(message: "`\(display)` has no column \(missing.map { "`\($0)`" }.joined(separator: ", ")) (its header: \(names.joined(separator: ", ")))")
        }
        columns.sort { $0.field < $1.field }
        return CSVBlockLayout(display: display, path: path, size: file.size, modified: file.modified, header: header, names: names,
                              blocks: (0..<offs.count).map { bounds[$0]..<max(bounds[$0], bounds[$0 + 1]) },
                              firstLines: starts.map(\.line), columns: columns)
    }

    /// Block `i` as pandas reads it: its bytes (read alone), the header before them, each declared
    /// column in its dtype, a RangeIndex from 0.
    public func read(block i: Int) throws(Problem) -> FramePart {
        let file = try CSVFile.open(path, display: display)
        defer { close(file.fd) }
        guard file.size == size, file.modified.tv_sec == modified.tv_sec, file.modified.tv_nsec == modified.tv_nsec else {
            throw Problem(message: "`\(display)` changed since the run started (\(size) bytes then, \(file.size) now): rerun")
        }
        let r = blocks[i]
        var bytes = [UInt8](repeating: 0, count: r.count)
        var done = 0
        while done < r.count {
            let got = bytes.withUnsafeMutableBytes { pread(file.fd, $0.baseAddress! + done, r.count - done, off_t(r.lowerBound + done)) }
            if got < 0 && errno == EINTR { continue }
            if got < 0 { throw Problem(message: "`\(display)` cannot be read: \(String(cString: strerror(errno)))") }
            let n = got
            if n == 0 { throw Problem(message: "`\(display)` changed since the run started (it ends at byte \(r.lowerBound + done)): rerun") }
            done += n
        }
        return try CSVBlockParser(layout: self, block: i).parse(bytes)
    }
}

/// An open regular file.
struct CSVFile {
    var fd: Int32
    var size: Int
    var modified: timespec

    static func open(_ path: String, display: String) throws(CSVBlockLayout.Problem) -> CSVFile {
        let fd = RawPaths.withCString(path) { Foundation.open($0, O_RDONLY | O_NONBLOCK | O_CLOEXEC) }
        guard fd >= 0 else {
            let why = errno == ENOENT || errno == ENOTDIR ? "does not exist" : "cannot be read: \(String(cString: strerror(errno)))"
            throw CSVBlockLayout.Problem(message: "`\(display)` \(why)")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            close(fd)
            throw CSVBlockLayout.Problem(message: "`\(display)` cannot be read: \(String(cString: strerror(errno)))")
        }
        if st.st_mode & S_IFMT != S_IFREG {
            close(fd)
            throw CSVBlockLayout.Problem(message: "`\(display)` is not a regular file")
        }
        return CSVFile(fd: fd, size: Int(st.st_size), modified: st.st_mtim)
    }

    func read(into chunk: inout [UInt8], at offset: Int, display: String) throws(CSVBlockLayout.Problem) -> Int {
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(offset)) }
            if n >= 0 { return n }
            if errno != EINTR { throw CSVBlockLayout.Problem(message: "`\(display)` cannot be read: \(String(cString: strerror(errno)))") }
        }
    }
}

/// The client's one pass over the file: the header line, where each block starts (after the first
/// `\n` at or after its offset) and on which line, and the first block start inside a quoted field
/// (pandas' quoting: a `"` opens a quoted field only at the field's start, `""` inside is a quote).
struct BoundaryScan {
    let offsets: [Int]
    var next = 1
    var starts: [(byte: Int, line: Int)] = [(0, 1)]
    var lines = 1
    var header: [UInt8] = []
    var headerDone = false
    /// 0 field start, 1 unquoted field, 2 quoted, 3 quote inside quoted.
    var state = 0
    var splitQuote: (byte: Int, line: Int)?

    init(offsets: [Int]) {
        self.offsets = offsets
        if offsets.isEmpty { starts = [] }
    }

    mutating func feed(_ bytes: UnsafeRawBufferPointer, at base: Int) {
        for (k, b) in bytes.enumerated() {
            let pos = base + k
            if !headerDone {
                header.append(b)
                if b == 10 { headerDone = true }
            }
            switch state {
            case 2: if b == 34 { state = 3 }
            case 3: state = b == 34 ? 2 : (b == 44 || b == 10 || b == 13 ? 0 : 1)
            default:
                if b == 34 && state == 0 { state = 2 } else { state = b == 44 || b == 10 || b == 13 ? 0 : 1 }
            }
            if b == 10 {
                lines += 1
                // The next block starts after this line end; every offset at or before it lands here.
                while next < offsets.count && offsets[next] <= pos {
                    starts.append((pos + 1, lines))
                    if state == 2 && splitQuote == nil { splitQuote = (pos + 1, lines) }
                    next += 1
                }
            }
        }
    }
}

extension CSVBlockLayout {
    /// The pipeline with each `load:` frame in as many partitions as Dask's read_csv cuts its file
    /// into (`Pipeline.withDaskCSVBlocks`); nil when every count already matches, or a file cannot
    /// be looked at (the run then reports it).
    public static func matchingDask(_ p: Pipeline, baseDirectory: URL) -> Pipeline? {
        p.withDaskCSVBlocks { display in
            var st = stat()
            let path = SafeFiles.join(baseDirectory.path, display)
            guard RawPaths.withCString(path, { stat($0, &st) }) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
            return Int(st.st_size)
        }
    }
}
