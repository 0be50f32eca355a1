import Foundation

/// `body(0..<count)` on all cores; the results in index order. Each file of a
/// `check` or `fix` is independent, so they are linted and fixed this way.
public func parallelMap<T: Sendable>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
    // One item needs no thread pool (the common case of an editor or a pre-commit hook).
    if count == 1 { return [body(0)] }
    let box = Slots<T>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { i in box.set(i, body(i)) }
    return box.values()
}

/// Slots written by concurrent workers, each slot once.
private final class Slots<T: Sendable>: @unchecked Sendable {
    private var slots: [T?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ value: T) {
        lock.lock()
        slots[i] = value
        lock.unlock()
    }
    func values() -> [T] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
