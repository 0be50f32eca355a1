/// The output partition Dask 2026.8 sends a row to when it hash-joins two collections
/// (`assign_index_merge_transfer`): the key column, as a one-column DataFrame (numeric columns
/// cast to float64), hashed by pandas' `hash_pandas_object(index=False)`, modulo the partition count.
///
/// pandas' hash of one value (`_hash_ndarray`): a float64's bits (every NaN as numpy's NaN,
/// −0.0 as 0.0), a datetime's nanoseconds, a string's SipHash-2-4 of its UTF-8 bytes with the key
/// `"0123456789123456"`, a category's hash of its category's string; each then mixed by
/// splitmix64's finalizer. A missing string or category is `UInt64.max`, unmixed. The one-column
/// frame's hash is CPython's tuple hash over it: `((0x345678 ^ h) * 1000003) + 97531`, wrapping.
public enum FrameHashing {
    /// pandas' `_default_hash_key`, read as SipHash's two little-endian 64-bit keys.
    static let key: (UInt64, UInt64) = {
        let bytes = Array("0123456789123456".utf8)
        func word(_ at: Int) -> UInt64 { (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[at + $1]) << (8 * UInt64($1)) } }
        return (word(0), word(8))
    }()

    /// SipHash-2-4 (pandas `hashing.pyx`, the reference implementation's 64-bit output).
    static func sipHash(_ data: ArraySlice<UInt8>) -> UInt64 {
        var v0: UInt64 = 0x736f6d6570736575 ^ key.0
        var v1: UInt64 = 0x646f72616e646f6d ^ key.1
        var v2: UInt64 = 0x6c7967656e657261 ^ key.0
        var v3: UInt64 = 0x7465646279746573 ^ key.1
        func round() {
            v0 &+= v1; v1 = (v1 << 13) | (v1 >> 51); v1 ^= v0; v0 = (v0 << 32) | (v0 >> 32)
            v2 &+= v3; v3 = (v3 << 16) | (v3 >> 48); v3 ^= v2
            v0 &+= v3; v3 = (v3 << 21) | (v3 >> 43); v3 ^= v0
            v2 &+= v1; v1 = (v1 << 17) | (v1 >> 47); v1 ^= v2; v2 = (v2 << 32) | (v2 >> 32)
        }
        let n = data.count
        let base = data.startIndex
        var i = 0
        while i + 8 <= n {
            var m: UInt64 = 0
            for b in 0..<8 { m |= UInt64(data[base + i + b]) << (8 * UInt64(b)) }
            v3 ^= m
            round(); round()
            v0 ^= m
            i += 8
        }
        var last = UInt64(truncatingIfNeeded: n) << 56
        for b in 0..<(n - i) { last |= UInt64(data[base + i + b]) << (8 * UInt64(b)) }
        v3 ^= last
        round(); round()
        v0 ^= last
        v2 ^= 0xff
        round(); round(); round(); round()
        return v0 ^ v1 ^ v2 ^ v3
    }

    /// pandas' redistribution of a 64-bit value: splitmix64's finalizer, the random source's mixer.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 { RandomValues.mix64(x) }

    /// A float64's hash: NaN canonical, −0.0 as 0.0.
    static func float(_ d: Double) -> UInt64 {
        if d.isNaN { return mix(Double.nan.bitPattern) }
        return mix(d == 0 ? 0 : d.bitPattern)
    }

    /// pandas' `hash_pandas_object(Series, index=False)` of the key column, cast as Dask casts it.
    public static func values(_ c: FrameColumnData) -> [UInt64] {
        switch c {
        case .float64(let a): return a.map(float)
        case .float32(let a): return a.map { float(Double($0)) }
        case .integer(let a, let t): return a.map { float(t == .uint64 ? Double(UInt64(bitPattern: $0)) : Double($0)) }
        case .bool(let a): return a.map { float($0 ? 1 : 0) }
        case .datetime(let a): return a.map { mix(UInt64(bitPattern: $0)) }
        case .string(let s): return (0..<s.count).map { s.isValid($0) ? mix(sipHash(s.slice($0))) : UInt64.max }
        case .category(let codes, let k):
            let hashed = (0..<max(0, k)).map { mix(sipHash(ArraySlice(Array("c\($0)".utf8)))) }
            return codes.map { $0 < 0 || Int($0) >= hashed.count ? UInt64.max : hashed[Int($0)] }
        }
    }

    /// `hash_pandas_object(frame[[key]], index=False)`: every row's hash as a one-column frame.
    public static func rowHashes(_ c: FrameColumnData) -> [UInt64] {
        values(c).map { (0x345678 ^ $0) &* 1000003 &+ 97531 }
    }

    /// The output partition of every row: its hash modulo `n` (`partitioning_index`).
    public static func partitions(_ c: FrameColumnData, into n: Int) -> [Int] {
        let m = UInt64(max(1, n))
        return rowHashes(c).map { Int($0 % m) }
    }
}
