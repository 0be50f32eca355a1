import PipelineIR

/// Chunk positions on a grid: linear chunk indices are row-major over the
/// grid's chunk counts, as Dask numbers blocks.
struct GridGeometry: Sendable {
    let grid: ChunkGrid
    let counts: [Int]
    /// Offsets of explicit chunk lists (prefix sums), nil for uniform dimensions.
    let explicitOffsets: [[Int]?]

    init(_ grid: ChunkGrid) {
        self.grid = grid
        counts = grid.dims.map(\.count)
        explicitOffsets = grid.dims.map { d in
            guard case .explicit(let xs) = d else { return nil }
            var o = [0]
            for x in xs { o.append(o[o.count - 1] + x) }
            return o
        }
    }

    var chunkCount: Int { grid.chunkCount }
    var shape: [Int] { grid.shape }

    /// Multi-index of a linear chunk index.
    func coords(_ linear: Int) -> [Int] {
        var c = [Int](repeating: 0, count: counts.count)
        var r = linear
        for d in stride(from: counts.count - 1, through: 0, by: -1) {
            let n = max(counts[d], 1)
            c[d] = r % n
            r /= n
        }
        return c
    }

    /// Linear index of a multi-index.
    func linear(_ coords: [Int]) -> Int {
        var l = 0
        for d in 0..<counts.count { l = l * counts[d] + coords[d] }
        return l
    }

    func offset(_ dim: Int, _ i: Int) -> Int {
        if let o = explicitOffsets[dim] { return o[i] }
        if case .uniform(let s, _) = grid.dims[dim] { return i * s }
        return 0
    }

    /// Origin and shape of a chunk.
    func box(_ linear: Int) -> (origin: [Int], shape: [Int]) {
        let c = coords(linear)
        return (c.enumerated().map { offset($0.offset, $0.element) }, c.enumerated().map { grid.dims[$0.offset].size($0.element) })
    }

    /// Chunk indices along `dim` overlapping `lo ..< hi`.
    func chunks(dim: Int, overlapping lo: Int, _ hi: Int) -> Range<Int> {
        let n = counts[dim]
        guard hi > lo, n > 0 else { return 0..<0 }
        if let o = explicitOffsets[dim] {
            var first = 0
            while first < n - 1 && o[first + 1] <= lo { first += 1 }
            var last = first
            while last < n - 1 && o[last + 1] < hi { last += 1 }
            return first..<(last + 1)
        }
        guard case .uniform(let s, _) = grid.dims[dim], s > 0 else { return 0..<0 }
        return (lo / s)..<min(n, (hi - 1) / s + 1)
    }
}

/// Calls `body(globalStart, localStart, count)` for each contiguous row of a
/// box (origin, shape) inside a row-major array of `arrayShape`.
func forEachRow(arrayShape: [Int], origin: [Int], shape: [Int], _ body: (Int, Int, Int) -> Void) {
    let nd = shape.count
    if nd == 0 {
        body(0, 0, 1)
        return
    }
    if shape.contains(0) { return }
    var strides = [Int](repeating: 1, count: nd)
    for d in stride(from: nd - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * arrayShape[d + 1] }
    let rowLen = shape[nd - 1]
    var idx = [Int](repeating: 0, count: nd)  // over leading dims
    var local = 0
    while true {
        var g = 0
        for d in 0..<nd { g += (origin[d] + idx[d]) * strides[d] }
        body(g, local, rowLen)
        local += rowLen
        var d = nd - 2
        while d >= 0 {
            idx[d] += 1
            if idx[d] < shape[d] { break }
            idx[d] = 0
            d -= 1
        }
        if d < 0 { return }
    }
}

/// Copies the region `lo ..< hi` (global coordinates) from a source box into a destination box.
func copyRegion<T>(from src: UnsafeBufferPointer<T>, srcOrigin: [Int], srcShape: [Int],
                   to dst: UnsafeMutableBufferPointer<T>, dstOrigin: [Int], dstShape: [Int], lo: [Int], hi: [Int]) {
    let nd = lo.count
    if nd == 0 {
        dst[0] = src[0]
        return
    }
    let region = (0..<nd).map { hi[$0] - lo[$0] }
    if region.contains(where: { $0 <= 0 }) { return }
    // Iterate the region's rows, relative to each box.
    let relSrc = (0..<nd).map { lo[$0] - srcOrigin[$0] }
    let relDst = (0..<nd).map { lo[$0] - dstOrigin[$0] }
    var srcRows: [Int] = []
    var dstRows: [Int] = []
    forEachRow(arrayShape: srcShape, origin: relSrc, shape: region) { g, _, _ in srcRows.append(g) }
    forEachRow(arrayShape: dstShape, origin: relDst, shape: region) { g, _, _ in dstRows.append(g) }
    let len = region[nd - 1]
    guard let sb = src.baseAddress, let db = dst.baseAddress else { return }
    for (s, d) in zip(srcRows, dstRows) {
        (db + d).update(from: sb + s, count: len)
    }
}
