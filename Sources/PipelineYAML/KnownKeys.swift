/// Every mapping key the lowering looks for. `Lowerer.mapping` recognises a key from its decoded
/// bytes in the syntax tree once (`KnownKey.recognise`), so the lowering matches entries by this
/// one-byte code (`[Entry].first(.shape)`, `checkKeys(_:allowed:)`, `switch e.code`) instead of
/// comparing strings, and makes a `String` from the bytes only for other keys: the names the model
/// keeps (objects, functions, arrays, steps, fields, keyword arguments…) and unknown keys.
/// The raw value is the key as written.
enum KnownKey: String, CaseIterable {
    // The top level.
    case pipeline, version, cluster, objects, functions, arrays, frames, steps, outputs, lint
    case ignore, reason
    case scheduler, workers
    case threadsPerWorker = "threads_per_worker", memoryPerWorker = "memory_per_worker"
    // Objects and their recipes.
    case value, list, series, ndarray, bytes, `class`, python, dataframe, dict
    case fields, methods, size, placement
    case range, values, random, load, length, dtype, index, name
    case count, seed, low, high, shape, fill
    case keys, string, distinct, categories
    // Functions.
    case params, kernel, with, partial, closure, globals, column, columns, into
    // Arrays.
    case chunks, source
    // Steps.
    case mapBlocks = "map_blocks", reduce, rechunk, mapPartitions = "map_partitions", merge, groupby
    case delayed, submit, map, lookup, assign, filter
    case over, args, kwargs, items
    case splitEvery = "split_every"
    case by, sum, through, expr, op, on, how
    // Frames and outputs.
    case rows, partitions
    case fromPandas = "from_pandas"
    case save

    /// The key written as `bytes[start ..< start + count]`, if the lowering knows it: the same
    /// answer as comparing the decoded `String` with each raw value, without making the string.
    static func recognise(_ bytes: [UInt8], start: Int, count: Int) -> KnownKey? {
        guard count > 0, count <= KnownKeyTable.maxLength else { return nil }
        return bytes.withUnsafeBufferPointer { table.find($0, start: start, count: count) }
    }

    /// Built once, on first use.
    static let table = KnownKeyTable(KnownKey.allCases)
}

/// Open addressing over the known keys, by their bytes packed into three words (keys are ASCII
/// and at most 24 bytes long): a lookup packs the candidate the same way and compares three words
/// and the length.
struct KnownKeyTable {
    static let maxLength = 24
    private static let slotBits = 8

    struct Slot {
        var words: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var key: KnownKey?
    }
    private var slots: [Slot]

    init(_ keys: [KnownKey]) {
        slots = Array(repeating: Slot(), count: 1 << Self.slotBits)
        for key in keys {
            let bytes = Array(key.rawValue.utf8)
            precondition(bytes.count <= Self.maxLength && bytes.count * 4 < slots.count)
            let words = bytes.withUnsafeBufferPointer { Self.pack($0, start: 0, count: bytes.count) }
            var i = Self.slot(words.0, count: bytes.count)
            while slots[i].key != nil { i = (i + 1) & (slots.count - 1) }
            slots[i] = Slot(words: words, count: bytes.count, key: key)
        }
    }

    func find(_ buf: UnsafeBufferPointer<UInt8>, start: Int, count: Int) -> KnownKey? {
        let words = Self.pack(buf, start: start, count: count)
        var i = Self.slot(words.0, count: count)
        while true {
            let s = slots[i]
            guard let key = s.key else { return nil }
            if s.count == count, s.words == words { return key }
            i = (i + 1) & (slots.count - 1)
        }
    }

    @inline(__always) private static func slot(_ first: UInt64, count: Int) -> Int {
        Int(truncatingIfNeeded: ((first ^ UInt64(truncatingIfNeeded: count)) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - slotBits))
    }

    /// `count` (≤ 24) bytes from `start`, little-endian, eight to a word, zero past the end.
    @inline(__always) static func pack(_ buf: UnsafeBufferPointer<UInt8>, start: Int, count: Int) -> (UInt64, UInt64, UInt64) {
        (word(buf, start, count), word(buf, start + 8, count - 8), word(buf, start + 16, count - 16))
    }

    /// `n` bytes (at most 8 are read) from `at`; zero when `n` ≤ 0.
    @inline(__always) private static func word(_ buf: UnsafeBufferPointer<UInt8>, _ at: Int, _ n: Int) -> UInt64 {
        guard n > 0 else { return 0 }
        if n >= 8 || at + 8 <= buf.count, let base = buf.baseAddress {
            let w = UInt64(littleEndian: UnsafeRawPointer(base + at).loadUnaligned(as: UInt64.self))
            return n >= 8 ? w : w & ((1 << (UInt64(n) &* 8)) &- 1)
        }
        var w: UInt64 = 0
        for i in 0..<n { w |= UInt64(buf[at + i]) << (UInt64(i) &* 8) }
        return w
    }
}
