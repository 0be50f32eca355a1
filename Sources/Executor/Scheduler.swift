import Foundation
import PipelineIR

/// A task graph in compressed form: task `t` reads `deps[depStart[t] ..< depStart[t + 1]]`
/// in that order. A million tasks cost a few arrays of integers.
public struct TaskGraph: Sendable {
    public var depStart: [Int32]
    public var deps: [Int32]
    /// Tasks whose results are held until the end of the run (outputs).
    public var keep: [Bool]

    public var taskCount: Int { keep.count }

    public init(depStart: [Int32], deps: [Int32], keep: [Bool]) {
        self.depStart = depStart
        self.deps = deps
        self.keep = keep
    }
}

/// What a task's dispatch costs a worker before it runs.
public struct Dispatch: Sendable {
    /// The serialized task definition (nil on the threaded scheduler: nothing is serialized).
    public var definition: [UInt8]?
    /// Decoded copies of embedded objects the task will hold: (object layer, bytes).
    public var decodedObjects: [(layer: Int, bytes: Int)]
    public init(definition: [UInt8]?, decodedObjects: [(layer: Int, bytes: Int)] = []) {
        self.definition = definition
        self.decodedObjects = decodedObjects
    }
}

/// What the scheduler asks of the tasks it runs. `dispatch` and `transfer`
/// are called with the scheduler's lock held (the scheduler is one thread in
/// Dask too); `execute` runs on a worker thread without it.
public protocol TaskRuntime: Sendable {
    /// Serializes the task's definition (scheduler side).
    func dispatch(_ task: Int) -> Dispatch
    /// Runs a task on `worker`; returns its result and the decoded objects it keeps alive.
    func execute(_ task: Int, definition: [UInt8]?, inputs: [Value], worker: Int) throws -> (value: Value, attached: [ObjectValue])
    /// A worker's own copy of a result it fetches from another worker (objects are re-encoded and decoded).
    func transfer(_ value: Value) -> Value
    /// The layer a task belongs to (for memory breakdowns).
    func layer(of task: Int) -> Int
    /// A layer's display name, e.g. "step `looked_up`" or "object `mapper`".
    func layerName(_ layer: Int) -> String
    /// Whether results of this layer are objects (counted as object copies).
    func isObjectLayer(_ layer: Int) -> Bool
}

/// Why a run stopped early.
public enum RunStop: Error, Sendable {
    /// A task threw; `task` is its index.
    case taskFailed(task: Int, error: any Error)
    /// A worker went over `memory_per_worker`; the message names what filled it.
    case memoryLimit(worker: Int, message: String)
    /// `cancel()` was called (Ctrl-C).
    case cancelled
}

/// Memory accounted to one worker, by category.
public struct WorkerMemory: Sendable, Equatable {
    /// Results in the worker's store (own and fetched replicas).
    public var results = 0
    /// Decoded objects: embedded copies held by tasks, delayed and scattered objects.
    public var objects = 0
    /// Serialized task definitions of tasks in flight.
    public var definitions = 0
    public var total: Int { results + objects + definitions }
}

/// A point-in-time view of accounted memory.
public struct MemorySnapshot: Sendable {
    public var workers: [WorkerMemory]
    /// The scheduler's own copies (one encoded copy of each embedded object).
    public var scheduler: Int
    public var done: Int
    public var total: Int
    public var accounted: Int { workers.reduce(0) { $0 + $1.total } }
}

/// Runs a `TaskGraph` on `workers × threadsPerWorker` threads. Each worker has
/// its own store; a result lives on the worker that computed it, and a worker
/// that reads it from elsewhere holds a replica until the key is released.
/// A result is released as soon as no pending task needs it, unless kept.
///
/// All shared state is guarded by one `NSCondition` (pthread mutex and
/// condition variable, which ThreadSanitizer understands); a task holds the
/// lock twice — to take it and to complete it — and runs without it.
public final class TaskScheduler: @unchecked Sendable {
    let graph: TaskGraph
    let runtime: any TaskRuntime
    let workers: Int
    let threadsPerWorker: Int
    let memoryLimit: Int?
    let lock = NSCondition()

    // Derived, immutable.
    let dependentStart: [Int32]
    let dependents: [Int32]

    // Guarded by `lock`.
    var remainingDeps: [Int32]
    var remainingConsumers: [Int32]
    var results: [Value?]
    var attached: [[ObjectValue]?]
    var holder: [Int8]
    var replicaMask: [UInt64]
    var replicaValues: [Int: [Int: Value]] = [:]
    var dispatchedObjects: [[(layer: Int, bytes: Int)]?]
    var definitionBytes: [Int]
    var ready: [Int32] = []
    var done = 0
    var stop: RunStop?
    var exited = 0
    var waiting = 0
    var memory: [WorkerMemory]
    var peak: [WorkerMemory]
    var peakTotal = 0
    var currentTotal = 0
    var schedulerBytes = 0
    /// Per worker, per layer: (count, bytes) of results / object copies held.
    var resultsByLayer: [[Int: (count: Int, bytes: Int)]]
    var objectsByLayer: [[Int: (count: Int, bytes: Int)]]
    /// Live decoded copies per object layer (all workers) and their peak.
    public private(set) var liveCopies: [Int: Int] = [:]
    var peakCopies: [Int: Int] = [:]

    /// A scheduler for `graph`. Workers are capped at 64 (replica sets are bit masks).
    public init(graph: TaskGraph, runtime: any TaskRuntime, workers: Int, threadsPerWorker: Int, memoryLimit: Int?) {
        self.graph = graph
        self.runtime = runtime
        self.workers = min(max(1, workers), 64)
        self.threadsPerWorker = max(1, threadsPerWorker)
        self.memoryLimit = memoryLimit
        let n = graph.taskCount
        var counts = [Int32](repeating: 0, count: n + 1)
        var consumers = [Int32](repeating: 0, count: n)
        for d in graph.deps {
            counts[Int(d) + 1] += 1
            consumers[Int(d)] += 1
        }
        for i in 0..<n { counts[i + 1] += counts[i] }
        var fill = counts
        var deps = [Int32](repeating: 0, count: graph.deps.count)
        for t in 0..<n {
            for k in Int(graph.depStart[t])..<Int(graph.depStart[t + 1]) {
                let d = Int(graph.deps[k])
                deps[Int(fill[d])] = Int32(t)
                fill[d] += 1
            }
        }
        dependentStart = counts
        dependents = deps
        remainingDeps = (0..<n).map { graph.depStart[$0 + 1] - graph.depStart[$0] }
        remainingConsumers = consumers
        results = Array(repeating: nil, count: n)
        attached = Array(repeating: nil, count: n)
        holder = Array(repeating: -1, count: n)
        replicaMask = Array(repeating: 0, count: n)
        dispatchedObjects = Array(repeating: nil, count: n)
        definitionBytes = Array(repeating: 0, count: n)
        memory = Array(repeating: WorkerMemory(), count: self.workers)
        peak = memory
        resultsByLayer = Array(repeating: [:], count: self.workers)
        objectsByLayer = Array(repeating: [:], count: self.workers)
    }

    /// Marks `task` complete before the run: its value sits in every worker's
    /// store (`scatter`, one decoded copy each) or with the client (`perWorker` nil:
    /// the threaded scheduler's shared objects, passed by reference).
    public func preload(_ task: Int, value: Value, perWorker: [Value]?) {
        lock.lock()
        defer { lock.unlock() }
        results[task] = value
        done += 1
        if let copies = perWorker {
            let layer = runtime.layer(of: task)
            var map: [Int: Value] = [:]
            for w in 0..<min(workers, copies.count) {
                map[w] = copies[w]
                replicaMask[task] |= 1 << UInt64(w)
                account(w, layer: layer, bytes: copies[w].byteCount, object: true, count: 1)
            }
            replicaValues[task] = map
        }
        for k in Int(dependentStart[task])..<Int(dependentStart[task + 1]) { remainingDeps[Int(dependents[k])] -= 1 }
    }

    /// Bytes the scheduler itself holds (its one copy of each embedded object).
    public func setSchedulerBytes(_ n: Int) {
        lock.lock()
        schedulerBytes = n
        lock.unlock()
    }

    /// Runs every task; returns the kept results (indexed by task) or why it stopped.
    public func run() -> Result<[Value?], RunStop> {
        lock.lock()
        let n = graph.taskCount
        for t in stride(from: n - 1, through: 0, by: -1) where remainingDeps[t] == 0 && results[t] == nil {
            ready.append(Int32(t))
        }
        lock.unlock()
        let threads = workers * threadsPerWorker
        for i in 0..<threads {
            let w = i / threadsPerWorker
            let t = Thread { [self] in self.workerLoop(worker: w) }
            t.stackSize = 1 << 22
            t.start()
        }
        lock.lock()
        while exited < threads { lock.wait() }
        defer { lock.unlock() }
        if let s = stop { return .failure(s) }
        var kept = [Value?](repeating: nil, count: n)
        for t in 0..<n where graph.keep[t] { kept[t] = results[t] }
        return .success(kept)
    }

    /// Stops the run: tasks in flight finish, nothing new starts.
    public func cancel() {
        lock.lock()
        if stop == nil { stop = .cancelled }
        lock.broadcast()
        lock.unlock()
    }

    /// Current accounted memory and progress.
    public func snapshot() -> MemorySnapshot {
        lock.lock()
        defer { lock.unlock() }
        return MemorySnapshot(workers: memory, scheduler: schedulerBytes, done: done, total: graph.taskCount)
    }

    /// Peak accounted bytes per worker, the peak of their sum, and the peak number
    /// of live decoded copies per object layer.
    public func peaks() -> (workers: [WorkerMemory], total: Int, copies: [Int: Int]) {
        lock.lock()
        defer { lock.unlock() }
        return (peak, peakTotal, peakCopies)
    }

    // MARK: worker threads

    func workerLoop(worker w: Int) {
        lock.lock()
        while true {
            if stop != nil || done == graph.taskCount { break }
            guard let t32 = ready.popLast() else {
                waiting += 1
                lock.wait()
                waiting -= 1
                continue
            }
            let t = Int(t32)
            // Dispatch: the definition is serialized and accounted before the task runs.
            let d = runtime.dispatch(t)
            let defBytes = d.definition?.count ?? 0
            definitionBytes[t] = defBytes
            memory[w].definitions += defBytes
            currentTotal += defBytes
            if !d.decodedObjects.isEmpty {
                dispatchedObjects[t] = d.decodedObjects
                for o in d.decodedObjects { account(w, layer: o.layer, bytes: o.bytes, object: true, count: 1) }
            }
            var inputs: [Value] = []
            let s = Int(graph.depStart[t])
            let e = Int(graph.depStart[t + 1])
            inputs.reserveCapacity(e - s)
            for k in s..<e { inputs.append(input(Int(graph.deps[k]), on: w)) }
            notePeak(w)
            if checkLimit(w) { break }
            lock.unlock()

            let outcome: Result<(value: Value, attached: [ObjectValue]), any Error>
            do {
                outcome = .success(try runtime.execute(t, definition: d.definition, inputs: inputs, worker: w))
            } catch {
                outcome = .failure(error)
            }
            inputs.removeAll()

            lock.lock()
            memory[w].definitions -= defBytes
            currentTotal -= defBytes
            switch outcome {
            case .failure(let error):
                if stop == nil { stop = .taskFailed(task: t, error: error) }
                lock.broadcast()
            case .success(let r):
                complete(t, value: r.value, attached: r.attached, on: w)
                _ = checkLimit(w)
            }
        }
        exited += 1
        lock.broadcast()
        lock.unlock()
    }

    /// The value of `dep` as worker `w` sees it, fetching a replica when another worker holds it.
    func input(_ dep: Int, on w: Int) -> Value {
        let bit: UInt64 = 1 << UInt64(w)
        if let v = replicaValues[dep]?[w] { return v }
        guard let v = results[dep] else { return .none }
        if holder[dep] == -1 && replicaMask[dep] == 0 { return v }  // the client's object, by reference
        if Int(holder[dep]) == w || replicaMask[dep] & bit != 0 { return v }
        let copy = runtime.transfer(v)
        replicaMask[dep] |= bit
        let layer = runtime.layer(of: dep)
        let isObject = runtime.isObjectLayer(layer)
        account(w, layer: layer, bytes: copy.byteCount, object: isObject, count: 1)
        if isObject { replicaValues[dep, default: [:]][w] = copy }
        return copy
    }

    func complete(_ t: Int, value: Value, attached objs: [ObjectValue], on w: Int) {
        results[t] = value
        holder[t] = Int8(w)
        if !objs.isEmpty { attached[t] = objs }
        let layer = runtime.layer(of: t)
        account(w, layer: layer, bytes: value.byteCount, object: runtime.isObjectLayer(layer), count: 1)
        done += 1
        let s = Int(graph.depStart[t])
        let e = Int(graph.depStart[t + 1])
        for k in s..<e {
            let d = Int(graph.deps[k])
            remainingConsumers[d] -= 1
            if remainingConsumers[d] == 0 && !graph.keep[d] { release(d) }
        }
        if remainingConsumers[t] == 0 && !graph.keep[t] { release(t) }
        var pushed = 0
        let ds = Int(dependentStart[t])
        let de = Int(dependentStart[t + 1])
        var k = de - 1
        while k >= ds {
            let c = Int(dependents[k])
            remainingDeps[c] -= 1
            if remainingDeps[c] == 0 {
                ready.append(Int32(c))
                pushed += 1
            }
            k -= 1
        }
        // The completing thread takes the next task itself; wake others only for the rest.
        if done == graph.taskCount {
            lock.broadcast()
        } else if waiting > 0 && pushed > 1 {
            if pushed > 2 { lock.broadcast() } else { lock.signal() }
        }
    }

    /// Drops a result from every store that holds it, with the decoded objects its task kept.
    func release(_ t: Int) {
        guard let v = results[t] else { return }
        let layer = runtime.layer(of: t)
        let isObject = runtime.isObjectLayer(layer)
        if holder[t] >= 0 { account(Int(holder[t]), layer: layer, bytes: -v.byteCount, object: isObject, count: -1) }
        var mask = replicaMask[t]
        while mask != 0 {
            let w = mask.trailingZeroBitCount
            mask &= mask - 1
            let bytes = replicaValues[t]?[w]?.byteCount ?? v.byteCount
            account(w, layer: layer, bytes: -bytes, object: isObject, count: -1)
        }
        replicaValues[t] = nil
        replicaMask[t] = 0
        if let objs = dispatchedObjects[t], holder[t] >= 0 {
            for o in objs { account(Int(holder[t]), layer: o.layer, bytes: -o.bytes, object: true, count: -1) }
        }
        dispatchedObjects[t] = nil
        attached[t] = nil
        results[t] = nil
    }

    func account(_ w: Int, layer: Int, bytes: Int, object: Bool, count: Int) {
        if object {
            memory[w].objects += bytes
            let old = objectsByLayer[w][layer] ?? (0, 0)
            objectsByLayer[w][layer] = (old.count + count, old.bytes + bytes)
            let live = (liveCopies[layer] ?? 0) + count
            liveCopies[layer] = live
            if live > peakCopies[layer] ?? 0 { peakCopies[layer] = live }
        } else {
            memory[w].results += bytes
            let old = resultsByLayer[w][layer] ?? (0, 0)
            resultsByLayer[w][layer] = (old.count + count, old.bytes + bytes)
        }
        currentTotal += bytes
        if bytes > 0 { notePeak(w) }
    }

    func notePeak(_ w: Int) {
        let m = memory[w]
        if m.total > peak[w].total { peak[w] = m }
        if currentTotal > peakTotal { peakTotal = currentTotal }
    }

    /// Fails the run when worker `w` is over the limit; returns whether it did.
    func checkLimit(_ w: Int) -> Bool {
        guard let limit = memoryLimit, memory[w].total > limit, stop == nil else { return false }
        var parts: [(bytes: Int, text: String)] = []
        for (layer, v) in objectsByLayer[w] where v.count > 0 {
            parts.append((v.bytes, "\(v.count) decoded cop\(v.count == 1 ? "y" : "ies") of \(runtime.layerName(layer)) (\(ByteFormat.text(Int64(v.bytes))))"))
        }
        for (layer, v) in resultsByLayer[w] where v.count > 0 {
            parts.append((v.bytes, "\(v.count) result\(v.count == 1 ? "" : "s") of \(runtime.layerName(layer)) (\(ByteFormat.text(Int64(v.bytes))))"))
        }
        if memory[w].definitions > 0 { parts.append((memory[w].definitions, "task definitions in flight (\(ByteFormat.text(Int64(memory[w].definitions))))")) }
        parts.sort { $0.bytes > $1.bytes }
        let message = "worker \(w) holds \(ByteFormat.text(Int64(memory[w].total))), over its memory_per_worker of \(ByteFormat.text(Int64(limit))): "
            + parts.map(\.text).joined(separator: ", ")
        stop = .memoryLimit(worker: w, message: message)
        lock.broadcast()
        return true
    }
}

