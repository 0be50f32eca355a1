import Foundation
import PipelineIR
import Sizing

/// Object sizes kept from one estimate to the next of a text that changed a little (the
/// fix loop's rounds, an editor's successive versions of a document): an object whose value
/// is equal to the one sized before, under the same name, is not sized again. Sizing
/// simulates the whole pickle, so on a file of thousands of objects this is most of what a
/// second estimate would redo. Safe to use from any thread; it holds one entry per object
/// name, for as long as its owner keeps it (`forgetUnused` drops the names gone from the text).
public final class ObjectSizeMemo: @unchecked Sendable {
    public typealias Sizes = (wire: SizeEstimate, resident: SizeEstimate)

    private let lock = NSLock()
    private var entries: [String: (value: PyValue, sizes: Sizes, generation: Int)] = [:]
    private var generation = 0
    /// Sizes found in the memo, and sizes computed (for tests and benchmarks).
    public private(set) var hits = 0, misses = 0
    /// Names remembered.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }

    public init() {}

    /// The sizes of object `name` whose value is `value`: the remembered ones when the value
    /// is the same as last time, else `compute()`'s, remembered.
    func sizes(of name: String, value: PyValue, compute: () -> Sizes) -> Sizes {
        lock.lock()
        if let e = entries[name], e.value == value {
            hits += 1
            entries[name]?.generation = generation
            lock.unlock()
            return e.sizes
        }
        lock.unlock()
        let sizes = compute()
        lock.lock()
        entries[name] = (value, sizes, generation)
        misses += 1
        lock.unlock()
        return sizes
    }

    /// Drops the objects no estimate asked for since the last call: an editor's memo keeps
    /// the document's current objects, not every name typed on the way.
    public func forgetUnused() {
        lock.lock()
        defer { lock.unlock() }
        let current = generation
        entries = entries.filter { $0.value.generation == current }
        generation += 1
    }
}
