import FileAccess
import Foundation
import PipelineIR

/// Writes a run's results: arrays as `.npy` (v1.0, little-endian, C order),
/// then `results.json` with shapes, dtypes and CRC-32 checksums. Every file is
/// written under a temporary name and renamed, and `results.json` comes last:
/// a folder with a `results.json` holds a complete run.
public enum ResultsWriter {
    /// One written output.
    public struct Written: Sendable {
        public var name: String
        /// Path relative to the output folder (nil for scalars).
        public var file: String?
        public var crc32: UInt32?
        public var bytes: Int
    }

    /// Writes `report`'s outputs into `directory`; `control` is checked between chunks.
    public static func write(_ report: RunReport, to directory: URL, control: RunControl? = nil) throws(ExecutorError) -> [Written] {
        let fm = FileManager.default
        do { try fm.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw ExecutorError(.io, "cannot create \(directory.path): \(error.localizedDescription)")
        }
        let resultsURL = directory.appendingPathComponent("results.json")
        // A stale results.json would vouch for files this run is about to replace.
        try? fm.removeItem(at: resultsURL)
        var written: [Written] = []
        var temps: [URL] = []
        do {
            for o in report.outputs {
                switch o.data {
                case .scalar:
                    written.append(Written(name: o.name, file: nil, crc32: nil, bytes: 8))
                case .frame(let parts):
                    // A `save: PATH.csv` is Dask's `to_csv(single_file=True)`; any other frame output is NAME.csv.
                    var rel = "\(o.name).csv"
                    var label: String? = "index"
                    if case .save(let p) = o.kind, p.lowercased().hasSuffix(".csv") {
                        rel = p
                        label = o.isGroupbySeries ? nil : ""
                    }
                    let url = try OutputPaths.prepare(rel, in: directory)
                    let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())")
                    temps.append(temp)
                    let (crc, bytes) = try writeFrameCSV(parts, indexLabel: label, to: temp)
                    try rename(temp, url)
                    temps.removeLast()
                    written.append(Written(name: o.name, file: rel, crc32: crc, bytes: bytes))
                case .array(let shape, let chunks, let grid):
                    let rel: String
                    if case .save(let p) = o.kind { rel = p } else { rel = "\(o.name).npy" }
                    let url = try OutputPaths.prepare(rel, in: directory)
                    let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial-\(getpid())")
                    temps.append(temp)
                    let (crc, bytes) = try writeNPY(shape: shape, chunks: chunks, grid: grid, to: temp, control: control)
                    try rename(temp, url)
                    temps.removeLast()
                    written.append(Written(name: o.name, file: rel, crc32: crc, bytes: bytes))
                }
            }
            let doc = resultsDocument(report, written)
            let data = try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys])
            do { try AtomicWrite.write([UInt8](data), to: resultsURL.path) } catch {
                throw ExecutorError(.io, error.description)
            }
        } catch let e as ExecutorError {
            for t in temps { try? fm.removeItem(at: t) }
            if e.kind == .cancelled { throw cancelledWhileWriting(directory, kept: written.compactMap(\.file)) }
            throw e
        } catch {
            for t in temps { try? fm.removeItem(at: t) }
            throw ExecutorError(.io, "cannot write results to \(directory.path): \(error.localizedDescription)")
        }
        return written
    }

    /// What an interrupted write leaves: the memory report, the outputs renamed into
    /// place before it, no temporary file and no results.json.
    static func cancelledWhileWriting(_ directory: URL, kept: [String]) -> ExecutorError {
        let files = ["memory.csv", "memory.json", "memory.svg"] + kept
        return ExecutorError(.cancelled, "cancelled while writing results; kept in \(directory.path): \(files.joined(separator: ", ")); "
                             + "no results.json, so the folder does not hold a complete run")
    }

    static func rename(_ from: URL, _ to: URL) throws(ExecutorError) {
        guard Foundation.rename(from.path, to.path) == 0 else {
            throw ExecutorError(.io, "cannot rename \(from.path) to \(to.path): \(String(cString: strerror(errno)))")
        }
    }

    /// The results.json document.
    static func resultsDocument(_ r: RunReport, _ written: [Written]) -> [String: Any] {
        var outs: [[String: Any]] = []
        for (o, w) in zip(r.outputs, written) {
            var item: [String: Any] = ["name": o.name, "dtype": o.dtype, "shape": o.shape]
            switch o.kind {
            case .compute: item["output"] = "compute"
            case .persist: item["output"] = "persist"
            case .save: item["output"] = "save"
            }
            if case .scalar(let s) = o.data {
                switch s {
                case .i64(let i): item["value"] = i
                case .f64(let d): item["value"] = d.isFinite ? d as Any : s.description as Any
                }
            }
            if case .frame(let parts) = o.data { item["columns"] = parts.first?.names ?? [] }
            if let f = w.file { item["file"] = f }
            if let c = w.crc32 { item["crc32"] = String(format: "%08x", c) }
            outs.append(item)
        }
        return ["version": 1, "pipeline": r.pipeline, "scheduler": r.scheduler.rawValue, "tasks": r.tasks,
                "seconds": (r.seconds * 1000).rounded() / 1000, "outputs": outs,
                "checksum": "crc32 (zlib.crc32) of the .npy data bytes after the header: little-endian, C order"]
    }

    /// Writes a frame's CSV a piece at a time (FrameCSV.stream: the same bytes as the whole text);
    /// returns its CRC-32 and size.
    static func writeFrameCSV(_ parts: [FramePart], indexLabel: String? = "index", to url: URL) throws(ExecutorError) -> (UInt32, Int) {
        let fd = OutputPaths.createTemporary(url)
        guard fd >= 0 else { throw ExecutorError(.io, "cannot create \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var crc = CRC32()
        var size = 0
        let ok = FrameCSV.stream(parts, indexLabel: indexLabel) { b in
            crc.update(b)
            var done = 0
            while done < b.count {
                let k = Foundation.write(fd, b.baseAddress! + done, b.count - done)
                if k < 0 && errno == EINTR { continue }
                if k < 0 { return false }
                done += k
            }
            size += b.count
            return true
        }
        guard ok, fsync(fd) == 0 else { throw ExecutorError(.io, "cannot write \(url.path): \(String(cString: strerror(errno)))") }
        return (crc.value, size)
    }

    /// Writes chunks into their places in one .npy file; returns the CRC-32 of the data and the file size.
    static func writeNPY(shape: [Int], chunks: [Chunk], grid: ChunkGrid, to url: URL, control: RunControl?) throws(ExecutorError) -> (UInt32, Int) {
        let header = NPY.header(descr: chunks.first?.data.npyDescr ?? "<f8", shape: shape)
        let item = chunks.first?.data.isComplex == true ? 16 : 8
        let fd = OutputPaths.createTemporary(url)
        guard fd >= 0 else { throw ExecutorError(.io, "cannot create \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        /// Writes all `n` bytes at `off`; false on an I/O error.
        func pw(_ p: UnsafeRawPointer, _ n: Int, _ off: Int) -> Bool {
            var done = 0
            while done < n {
                let k = pwrite(fd, p + done, n - done, off_t(off + done))
                if k < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                done += k
            }
            return true
        }
        let ioError = { ExecutorError(.io, "cannot write \(url.path): \(String(cString: strerror(errno)))") }
        let headerOK = header.withUnsafeBytes { b in b.baseAddress.map { pw($0, b.count, 0) } ?? false }
        guard headerOK else { throw ioError() }
        let geo = GridGeometry(grid)
        let total = shape.reduce(1, *)
        for (i, ch) in chunks.enumerated() {
            if control?.isCancelled == true { throw ExecutorError(.cancelled, "cancelled while writing \(url.lastPathComponent); nothing was written") }
            let box = geo.box(i)
            var ok = true
            func rows(_ base: UnsafeRawPointer) {
                forEachRow(arrayShape: shape, origin: box.origin, shape: ch.shape.count == box.shape.count ? box.shape : ch.shape) { g, local, len in
                    if ok { ok = pw(base + local * item, len * item, header.count + g * item) }
                }
            }
            ch.data.withRawBytes { if let b = $0.baseAddress { rows(b) } }
            if !ok { throw ioError() }
        }
        // The checksum is read back from the file, in file order.
        var crc = CRC32()
        var buf = [UInt8](repeating: 0, count: 1 << 22)
        var off = header.count
        let end = header.count + total * item
        while off < end {
            let n = min(buf.count, end - off)
            let k = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, n, off_t(off)) }
            if k <= 0 { throw ExecutorError(.io, "cannot read back \(url.path)") }
            buf.withUnsafeBytes { crc.update(UnsafeRawBufferPointer(rebasing: $0[0..<k])) }
            off += k
        }
        return (crc.value, end)
    }
}
