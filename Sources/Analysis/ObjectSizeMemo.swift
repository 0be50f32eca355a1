import Foundation
import PipelineIR
import Sizing

/// Object sizes kept from one estimate to the next of a text that changed a little (the
/// fix loop's rounds): an object whose value is equal to the one sized before, under the
/// same name, is not sized again. Sizing simulates the whole pickle, so on a file of
/// thousands of objects this is most of what a second estimate would redo. Safe to use
/// from any thread; it holds one entry per object name, for as long as its owner keeps it.
public final class ObjectSizeMemo: @unchecked Sendable {
    public typealias Sizes = (wire: SizeEstimate, resident: SizeEstimate)

    private let lock = NSLock()
    private var entries: [String: (value: PyValue, sizes: Sizes)] = [:]
    /// Sizes found in the memo, and sizes computed (for tests and benchmarks).
    public private(set) var hits = 0, misses = 0

    public init() {}

    /// The sizes of object `name` whose value is `value`: the remembered ones when the value
    /// is the same as last time, else `compute()`'s, remembered.
    func sizes(of name: String, value: PyValue, compute: () -> Sizes) -> Sizes {
        lock.lock()
        if let e = entries[name], e.value == value {
            hits += 1
            lock.unlock()
            return e.sizes
        }
        lock.unlock()
        let sizes = compute()
        lock.lock()
        entries[name] = (value, sizes)
        misses += 1
        lock.unlock()
        return sizes
    }
}
