/// How Dask 2026.8's `read_csv` cuts a `load:` frame's file into partitions: the exported program
/// passes `blocksize = ceil(size / partitions)`, and `read_bytes` then spaces its block offsets
/// `size / (size // blocksize)` bytes apart when the division leaves a remainder. So a file whose
/// size is not a multiple of `partitions` is often read as one partition fewer than written.
public enum CSVBlocks {
    /// `read_bytes`' block offsets of a file of `size` bytes read with `blocksize`.
    public static func offsets(size: Int, blocksize: Int) -> [Int] {
        guard size > 0, blocksize > 0 else { return [] }
        let b1 = size % blocksize != 0 && size > blocksize ? Double(size) / Double(size / blocksize) : Double(blocksize)
        var place = 0.0
        var off = [0]
        while Double(size) - place > b1 * 2 - 1 {
            place += b1
            off.append(Int(place))
        }
        return off
    }

    /// The export's blocksize: `ceil(size / partitions)`, at least 1.
    public static func blocksize(size: Int, partitions: Int) -> Int { max(1, (size + max(1, partitions) - 1) / max(1, partitions)) }

    /// How many partitions Dask's `read_csv` makes of a file of `size` bytes split for `partitions`.
    public static func count(size: Int, partitions: Int) -> Int { offsets(size: size, blocksize: blocksize(size: size, partitions: partitions)).count }
}

extension Pipeline {
    /// The pipeline with each `load:` frame's `partitions` set to the number of blocks Dask's
    /// read_csv makes of its file, rows spread over them (a load frame's rows per partition are not
    /// known before reading; only the count shapes the task graph); `csvPartitions` keeps the count
    /// the blocksize is computed from. `fileSize` gives a file's size in bytes, nil when it cannot
    /// be looked at (that frame is left as written). Nil when every count already matches.
    public func withDaskCSVBlocks(fileSize: (String) -> Int?) -> Pipeline? {
        var out = self
        var changed = false
        for i in frames.indices {
            guard case .csv(let display, _) = frames[i].source, let size = fileSize(display), size > 0 else { continue }
            let declared = frames[i].csvPartitions ?? frames[i].partitions.count
            let n = CSVBlocks.count(size: size, partitions: declared)
            guard n != declared, n > 0 else { continue }
            let rows = frames[i].rows
            out.frames[i].csvPartitions = declared
            out.frames[i].partitions = .explicit((0..<n).map { rows / n + ($0 < rows % n ? 1 : 0) })
            changed = true
        }
        return changed ? out : nil
    }
}
