import Foundation
import PipelineIR
import Testing
@testable import PipelineYAML

/// Duplicate keys in large mappings: found at their exact positions by every strategy
/// (`DuplicateKeys`: pairwise, ordered, hashed, sorted), the same as comparing every pair, and in
/// work linear in the keys (n log n when a hash is defeated), never quadratic.
@Suite struct DuplicateKeyTests {
    /// A hash every key collides under: what a set of keys chosen against a weak hash would do.
    struct CollidingHash: KeyHasher {
        func hash(_ text: UnsafeBufferPointer<UInt8>) -> UInt64 { 0x1234_5678_9ABC_DEF0 }
    }

    /// The root mapping of `text`'s tree, its keys handed to `body`.
    static func withRootKeys<R>(_ text: String, _ body: (MappingKeys) -> R) -> R {
        let tree = YAMLParser.parse(SourceFile(path: "t.yaml", text: text), limits: ParseLimits(maxNodes: Int.max)).tree
        let root = tree.nodes[Int(tree.root!.raw)]
        return tree.nodes.withUnsafeBufferPointer { nodes in
            tree.children.withUnsafeBufferPointer { children in
                tree.scalarBytes.withUnsafeBufferPointer { bytes in
                    body(MappingKeys(nodes: nodes, children: children, bytes: bytes.baseAddress,
                                     start: Int(root.payloadStart), count: Int(root.payloadCount) / 2))
                }
            }
        }
    }

    /// Key positions (line index of each key) of the pairs found, to compare strategies.
    static func lines(_ pairs: [DuplicateKeys.Pair], _ keys: MappingKeys) -> [[Int]] {
        func index(_ id: NodeID) -> Int { (0..<keys.count).first { keys.node($0) == id }! }
        return pairs.map { [index($0.first), index($0.duplicate)] }
    }

    /// `k0: 0` … one key a line, in `order`.
    static func mapping(_ keys: [String]) -> String {
        keys.enumerated().map { "\($0.element): \($0.offset)\n" }.joined()
    }

    /// A fixed permutation of 0..<n (a linear congruential shuffle: the test is the same every run).
    static func shuffled(_ n: Int) -> [Int] {
        var order = Array(0..<n)
        var state: UInt64 = 12345
        for i in stride(from: n - 1, to: 0, by: -1) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            order.swapAt(i, Int(state >> 33) % (i + 1))
        }
        return order
    }

    @Test(arguments: [false, true])
    func repeatsInThousandsOfKeysAtExactPositions(shuffle: Bool) {
        // 4,000 keys, numbered (an ordered mapping until the first repeat) or shuffled; three repeats.
        let order = shuffle ? Self.shuffled(4000) : Array(0..<4000)
        var keys = order.map { "step_\($0)" }
        keys.insert("step_\(order[1234])", at: 3000)
        keys.insert("'step_\(order[7])'", at: 3500)
        keys.append("step_\(order[1234])")
        let text = "pipeline: t\nversion: 1\nsteps:\n" + keys.map { "  \($0): {}\n" }.joined()
        // Key j stands on line 4 + j.
        #expect(frontEnd(text).filter { $0.contains("duplicate key") } == [
            "3004:3: duplicate key `step_\(order[1234])` (first defined at line 1238, column 3)",
            "3504:3: duplicate key `step_\(order[7])` (first defined at line 11, column 3)",
            "4006:3: duplicate key `step_\(order[1234])` (first defined at line 1238, column 3)",
        ])
    }

    @Test func everyStrategyFindsWhatComparingEveryPairFinds() {
        // Short keys over a small alphabet repeat often; lengths 0 to 40 cross the hash's 4-, 8- and 16-byte cases.
        var state: UInt64 = 99
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % bound
        }
        for round in 0..<40 {
            let n = 17 + next(400)
            var keys = (0..<n).map { _ in String((0..<next(round % 2 == 0 ? 3 : 41)).map { _ in next(2) == 0 ? Character("a") : "b" }) }
            if round % 4 == 1 { keys = Array(Set(keys)).sorted() }
            if round % 4 == 3 { keys = Array(Set(keys)).sorted { ($0.count, $0) < ($1.count, $1) } + [keys[0]] }
            let text = Self.mapping(keys.map { "'\($0)'" })
            Self.withRootKeys(text) { k in
                var w = 0
                let truth = Self.lines(DuplicateKeys.pairwise(k, work: &w), k)
                #expect(Self.lines(DuplicateKeys.find(k, work: &w), k) == truth)
                #expect(Self.lines(DuplicateKeys.find(k, hasher: CollidingHash(), work: &w), k) == truth)
                #expect(Self.lines(DuplicateKeys.sorted(k, work: &w), k) == truth)
                #expect(DuplicateKeys.hashed(k, hasher: SeededKeyHash.process, work: &w).map { Self.lines($0, k) } == truth)
                let expectedRepeats = keys.count - Set(keys).count
                #expect(truth.count == expectedRepeats)
            }
        }
    }

    @Test func aDefeatedHashFallsBackToSortingNotQuadraticWork() {
        // 20,000 keys all in one probe chain: the table would compare ~2·10⁸ pairs.
        let n = 20_000
        let keys = Self.shuffled(n).map { "k\($0)" } + ["k17", "k4242"]
        Self.withRootKeys(Self.mapping(keys)) { k in
            var tableWork = 0
            #expect(DuplicateKeys.hashed(k, hasher: CollidingHash(), work: &tableWork) == nil)
            #expect(tableWork <= DuplicateKeys.probesPerKey * k.count + k.count)
            var work = 0
            let pairs = DuplicateKeys.find(k, hasher: CollidingHash(), work: &work)
            let first17 = keys.firstIndex(of: "k17")!, first4242 = keys.firstIndex(of: "k4242")!
            #expect(Self.lines(pairs, k) == [[first17, n], [first4242, n + 1]])
            // Probes up to the budget, then n log₂ n comparisons for the sort and one per key after.
            let log2n = Int.bitWidth - k.count.leadingZeroBitCount
            #expect(work <= (DuplicateKeys.probesPerKey + 2) * k.count + 2 * k.count * log2n)
        }
    }

    @Test func collidingLookingKeysStayLinearUnderTheSeededHash() {
        // Keys that differ in one byte of a long shared prefix, in the bytes a short-key hash reads
        // twice (8 to 16 bytes), in word order, and only in length; shuffled so no order holds.
        var keys: [String] = []
        let prefix = String(repeating: "x", count: 40)
        for i in 0..<3000 { keys.append(prefix + "\(i)" + prefix) }
        for i in 0..<3000 { keys.append(String(format: "%08d%08d", i, 3000 - i)) }
        for i in 0..<3000 { keys.append(String(format: "%012d", i)) }
        for i in 1...300 { keys.append(String(repeating: "a", count: i)) }
        let order = Self.shuffled(keys.count)
        Self.withRootKeys(Self.mapping(order.map { "'\(keys[$0])'" })) { k in
            var work = 0
            #expect(DuplicateKeys.find(k, work: &work).isEmpty)
            // Linear probing at most half full: about 1.5 probes a key; 4 is far beyond any chance.
            #expect(work <= 4 * k.count)
        }
    }

    @Test func orderedKeysTakeOneComparisonEach() {
        for keys in [(0..<5000).map { "table_\($0)" }, (0..<5000).map { "k\($0)" }.sorted()] {
            Self.withRootKeys(Self.mapping(keys)) { k in
                var work = 0
                #expect(DuplicateKeys.ordered(k, work: &work))
                #expect(work == k.count - 1)
            }
        }
        // An adjacent repeat breaks the order, so the repeat is still found.
        Self.withRootKeys(Self.mapping((0..<100).map { "k\($0)" } + ["k99"])) { k in
            var work = 0
            #expect(!DuplicateKeys.ordered(k, work: &work))
            #expect(Self.lines(DuplicateKeys.find(k, work: &work), k) == [[99, 100]])
        }
    }
}
