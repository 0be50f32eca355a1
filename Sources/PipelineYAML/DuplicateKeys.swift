import PipelineIR

/// The keys of one mapping, read in place from a tree's arrays: no strings, no slices.
struct MappingKeys {
    let nodes: UnsafeBufferPointer<SyntaxTree.Node>
    let children: UnsafeBufferPointer<NodeID>
    /// The start of `scalarBytes`, which holds every scalar's payload.
    let bytes: UnsafePointer<UInt8>?
    /// The mapping's first child in `children` (keys and values alternate).
    let start: Int
    let count: Int

    /// Key `i`'s node.
    @inline(__always) func node(_ i: Int) -> NodeID { children[start + 2 * i] }

    /// Key `i`'s decoded bytes; nil for a key that is not a scalar (an alias, a collection), which
    /// is never compared.
    @inline(__always) func text(_ i: Int) -> UnsafeBufferPointer<UInt8>? {
        let n = nodes[Int(node(i).raw)]
        guard n.kind == .scalar else { return nil }
        // The payload lies inside `scalarBytes` (the builder appended it): no range to check.
        return UnsafeBufferPointer(start: bytes.map { $0 + Int(n.payloadStart) }, count: Int(n.payloadCount))
    }
}

/// A seeded 64-bit hash of a key's bytes, for `DuplicateKeys`' table.
protocol KeyHasher {
    func hash(_ text: UnsafeBufferPointer<UInt8>) -> UInt64
}

/// A hash in the style of wyhash: the key read eight bytes at a time (a short key in one or two
/// loads, overlapping), each pair of words folded by a 64 × 64 → 128-bit multiply with the seed.
/// Much cheaper than SipHash on the short keys mappings have; it needs no cryptographic strength,
/// because `DuplicateKeys` bounds its probes and falls back to sorting when a chosen set of keys
/// defeats it. The seed is random per process, so a file cannot be written against it.
struct SeededKeyHash: KeyHasher {
    let seed0: UInt64
    let seed1: UInt64

    /// This process's hash, seeded once from the system's random source.
    static let process: SeededKeyHash = {
        var g = SystemRandomNumberGenerator()
        return SeededKeyHash(seed0: g.next(), seed1: g.next())
    }()

    @inline(__always) static func fold(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let p = a.multipliedFullWidth(by: b)
        return p.high ^ p.low
    }

    func hash(_ text: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let n = text.count
        guard let p = text.baseAddress.map(UnsafeRawPointer.init), n > 0 else { return Self.fold(seed0, seed1) }
        func word(_ at: Int) -> UInt64 { p.loadUnaligned(fromByteOffset: at, as: UInt64.self) }
        func half(_ at: Int) -> UInt64 { UInt64(p.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
        var a: UInt64, b: UInt64
        var h = seed0 ^ UInt64(n) &* 0x9E37_79B9_7F4A_7C15
        if n >= 8 {
            var i = 0
            while n - i > 16 {
                h = Self.fold(word(i) ^ seed1, word(i + 8) ^ h)
                i += 16
            }
            // The last 16 bytes (overlapping what the loop read), or the first and last 8.
            a = word(n >= 16 ? n - 16 : 0)
            b = word(n - 8)
        } else if n >= 4 {
            a = half(0)
            b = half(n - 4)
        } else {
            a = UInt64(text[0]) << 16 | UInt64(text[n >> 1]) << 8 | UInt64(text[n - 1])
            b = 0
        }
        h = Self.fold(a ^ seed1, b ^ h)
        return Self.fold(h ^ seed0, seed1 ^ 0xA076_1D64_78BD_642F)
    }
}

/// Each scalar key of a mapping equal to an earlier one, paired with its first occurrence, in the
/// order the repeats appear. Keys are compared as decoded bytes.
///
/// Chosen keys cannot make this quadratic: up to 16 keys are compared pairwise; an ordered mapping
/// (each key after the previous one, by bytes or by length then bytes, as numbered or sorted
/// names are) needs one comparison a key; any other goes into an open-addressing table under a
/// seeded hash whose probes are counted, and past a budget linear in the keys the table is dropped
/// and the keys are sorted instead (O(n log n) comparisons whatever the hash does).
enum DuplicateKeys {
    typealias Pair = (first: NodeID, duplicate: NodeID)

    /// Probes the table may take per key before the keys are sorted instead.
    static let probesPerKey = 8

    /// The duplicates in `keys`; `work` counts the probes and comparisons made.
    static func find(_ keys: MappingKeys, hasher: some KeyHasher = SeededKeyHash.process, work: inout Int) -> [Pair] {
        if keys.count <= 16 { return pairwise(keys, work: &work) }
        if ordered(keys, work: &work) { return [] }
        if let pairs = hashed(keys, hasher: hasher, work: &work) { return pairs }
        return sorted(keys, work: &work)
    }

    @inline(__always) static func same(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        for j in 0..<a.count where a[j] != b[j] { return false }
        return true
    }

    /// Negative, zero or positive as `a` sorts before, with or after `b` byte by byte (a prefix first).
    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let m = min(a.count, b.count)
        var j = 0
        while j < m {
            if a[j] != b[j] { return Int(a[j]) - Int(b[j]) }
            j += 1
        }
        return a.count - b.count
    }

    static func pairwise(_ keys: MappingKeys, work: inout Int) -> [Pair] {
        var pairs: [Pair] = []
        for i in 1..<max(1, keys.count) {
            guard let a = keys.text(i) else { continue }
            for j in 0..<i {
                work += 1
                if let b = keys.text(j), same(a, b) {
                    pairs.append((keys.node(j), keys.node(i)))
                    break
                }
            }
        }
        return pairs
    }

    /// Whether every key follows the one before it strictly, in byte order or in order of length
    /// then bytes: then no two are equal.
    static func ordered(_ keys: MappingKeys, work: inout Int) -> Bool {
        guard var previous = keys.text(0) else { return false }
        var byBytes = true, byLength = true
        for i in 1..<keys.count {
            guard let text = keys.text(i) else { return false }
            work += 1
            let c = compare(previous, text)
            byBytes = byBytes && c < 0
            byLength = byLength && (previous.count < text.count || (previous.count == text.count && c < 0))
            guard byBytes || byLength else { return false }
            previous = text
        }
        return true
    }

    /// The duplicates found through an open-addressing table of the first occurrences, at most half
    /// full; nil once the probes pass `probesPerKey` a key (a hash defeated by chosen keys).
    static func hashed(_ keys: MappingKeys, hasher: some KeyHasher, work: inout Int) -> [Pair]? {
        var capacity = 32
        while capacity < keys.count * 2 { capacity *= 2 }
        let mask = capacity - 1
        let budget = work + probesPerKey * keys.count
        var pairs: [Pair] = []
        // A slot holds key index + 1 (0: empty) and, above it, 32 more bits of the key's hash: a probe
        // past another key compares those bits, not the key's bytes (elsewhere in memory).
        var slots = [UInt64](repeating: 0, count: capacity)
        return slots.withUnsafeMutableBufferPointer { slots -> [Pair]? in
            for i in 0..<keys.count {
                guard let a = keys.text(i) else { continue }
                let hash = hasher.hash(a)
                let tag = hash >> 32
                var slot = Int(truncatingIfNeeded: hash) & mask
                while true {
                    work += 1
                    let entry = slots[slot]
                    if entry == 0 {
                        slots[slot] = tag << 32 | UInt64(i + 1)
                        break
                    }
                    let other = Int(truncatingIfNeeded: entry & 0xFFFF_FFFF) - 1
                    if entry >> 32 == tag, let b = keys.text(other), same(a, b) {
                        pairs.append((keys.node(other), keys.node(i)))
                        break
                    }
                    slot = (slot + 1) & mask
                }
                if work > budget { return nil }
            }
            return pairs
        }
    }

    /// The duplicates found by sorting the keys (ties by position): each run of equal keys is its
    /// first occurrence and its repeats. O(n log n) comparisons, whatever the keys.
    static func sorted(_ keys: MappingKeys, work: inout Int) -> [Pair] {
        var order: [(index: Int, text: UnsafeBufferPointer<UInt8>)] = []
        order.reserveCapacity(keys.count)
        for i in 0..<keys.count {
            if let text = keys.text(i) { order.append((i, text)) }
        }
        order.sort { x, y in
            work += 1
            let c = compare(x.text, y.text)
            return c < 0 || (c == 0 && x.index < y.index)
        }
        var repeats: [(first: Int, duplicate: Int)] = []
        var run = 0
        for k in order.indices.dropFirst() {
            work += 1
            if same(order[run].text, order[k].text) {
                repeats.append((order[run].index, order[k].index))
            } else {
                run = k
            }
        }
        repeats.sort { $0.duplicate < $1.duplicate }
        return repeats.map { (keys.node($0.first), keys.node($0.duplicate)) }
    }
}
