import PipelineIR
import Sizing

/// The state of one `Estimator.estimate` run, one method per phase. Every phase
/// visits each layer and each edge a bounded number of times: uses are indexed by
/// object as they are made, so pricing an object never scans the other layers.
struct EstimateRun {
    let graph: Graph
    let options: EstimateOptions
    let serializes: Bool
    /// Dask's local processes scheduler: each task is pickled with its dependencies' values,
    /// a pool process runs one task at a time and returns its result to the parent.
    let processes: Bool
    /// The threaded scheduler is one process: its "worker" is the whole pool.
    let workers: Int
    /// Chunks in flight per worker: two per thread (a processes pool runs one task per process).
    let inFlight: Int
    let held: [Bool]
    let dependents: [[Graph.LayerID]]
    /// Uses of each layer's result (by other layers, and as an output): a second one blocks fusion.
    let resultUses: [Int]

    var notes: [EstimateNote] = []
    /// Whole-object sizes, by layer index (objects only).
    var objectSizes: [(wire: SizeEstimate, resident: SizeEstimate)?]
    /// The same sizes as the size model gives them, before notes about missing files
    /// weaken them: what an argument edge shipping the whole object costs, unpriced again.
    var modelledSizes: [(wire: SizeEstimate, resident: SizeEstimate)?]
    var layers: [LayerEstimate] = []
    /// Bytes of each layer's task as dispatched, objects included (a fused task includes its input's).
    var dispatched: [SizeEstimate]
    /// Tasks reading each object, by the object's layer index.
    var consumerTasks: [Int]
    /// Where each object's uses are: (layer estimate, use) positions in graph order, by the object's layer index.
    var usesByObject: [[(layer: Int, use: Int)]]

    var submitFixed: Int64 = 0
    var submitPerChunk: Int64 = 0
    /// Of the submit, what goes in messages of their own (format 1.1: one per `client.submit`
    /// call of a per-item loop, and a futures reduction's), and the largest of those messages:
    /// Dask's large-graph warning looks at each message, not at the total.
    var separateBytes: Int64 = 0
    var largestSeparate: Int64 = 0
    var submitConfidence: Confidence = .modelled
    /// Values already in the submitted pickle (its memo stores each once).
    var shippedOnce = Set<ShippedValue>()
    var functionsShipped = Set<String>()
    var classesShipped = Set<String>()
    var mapBlocksSeen = false
    /// A DataFrame (a frame's `meta`, a from_pandas or broadcast frame) is in the pickle already.
    var framePickled = false

    /// A value the client pickles: an object, or a field of it reached by `path`.
    struct ShippedValue: Hashable {
        var object: Graph.LayerID
        var path: FieldPath
    }

    init(graph: Graph, options: EstimateOptions) {
        self.graph = graph
        self.options = options
        let cluster = graph.cluster
        serializes = cluster.scheduler.serializesTasks
        processes = cluster.scheduler == .processes
        workers = serializes ? max(1, cluster.workers) : 1
        let slots = processes ? 1 : serializes ? max(1, cluster.threadsPerWorker) : Sat.mul(max(1, cluster.workers), max(1, cluster.threadsPerWorker))
        inFlight = Sat.mul(2, slots)
        let deps = GraphAlgorithms.dependents(graph)
        dependents = deps
        held = Estimator.heldLayers(graph, dependents: deps)
        resultUses = graph.layers.map { deps[$0.id.index].count + ($0.output == nil ? 0 : 1) }
        objectSizes = Array(repeating: nil, count: graph.layers.count)
        modelledSizes = Array(repeating: nil, count: graph.layers.count)
        consumerTasks = Array(repeating: 0, count: graph.layers.count)
        usesByObject = Array(repeating: [], count: graph.layers.count)
        dispatched = Array(repeating: SizeEstimate(bytes: 0, confidence: .modelled), count: graph.layers.count)
    }

    // MARK: Phase 1: objects and files

    /// Each object's sizes, once, and whether the files it loads exist.
    mutating func sizeObjects() {
        for layer in graph.layers {
            guard let obj = layer.object else { continue }
            let value = ObjectValues.pyValue(obj.recipe)
            let model = { (wire: SizeModel.wireSize(value), resident: SizeModel.residentSize(value)) }
            var (wire, resident) = options.sizes?.sizes(of: obj.name, value: value, compute: model) ?? model()
            modelledSizes[layer.id.index] = (wire, resident)
            if let missing = Estimator.missingFile(obj.recipe, options) {
                let reason = "`\(missing)` does not exist (relative to the pipeline's folder)"
                notes.append(EstimateNote(range: obj.nameRange, message: "object `\(obj.name)` loads \(reason); its sizes come from the declared shape or length, and workers cannot build it"))
                wire.confidence = .unknown(reason: reason)
                resident.confidence = .unknown(reason: reason)
            } else if case .unknown(let reason) = wire.confidence {
                notes.append(EstimateNote(range: obj.nameRange, message: "size of object `\(obj.name)` is unknown: \(reason); figures that include it are lower bounds"))
            }
            objectSizes[layer.id.index] = (wire, resident)
        }
    }

    /// A note for every array that loads a file that does not exist.
    mutating func noteMissingArrayFiles() {
        for layer in graph.layers {
            if case .array(let a) = layer.kind, case .load(let path) = a.source, let exists = options.fileExists, !exists(path) {
                notes.append(EstimateNote(range: a.nameRange, message: "array `\(a.name)` loads `\(path)`, which does not exist (relative to the pipeline's folder); its figures come from the declared shape"))
            }
        }
    }

    // MARK: Phase 2: layers

    /// One layer's estimate: the objects its tasks carry, its task bytes and its share of the submit.
    mutating func price(_ layer: Graph.Layer) {
        let tasks = layer.taskCount
        var uses: [ObjectUse] = []
        var taskBytes = SizeEstimate(bytes: serializes ? GraphCosts.taskBaseBytes(of: layer, table: lookupTable(of: layer)) : 0, confidence: .modelled)
        if serializes, let input = fusedInput(of: layer) {
            // Dask fuses a Blockwise input used once into this task: what is dispatched is one task.
            taskBytes = Estimator.sum(dispatched[input.id.index], SizeEstimate(bytes: GraphCosts.fusedMapBlocksBytes(over: input), confidence: .modelled))
            layers[input.id.index].fusedInto = layer.name
        }
        let fused = serializes && fusedInput(of: layer) != nil
        var sharesMachinery = false
        for edge in layer.inputs where edge.role.carriesObject {
            guard let obj = graph[edge.source].object else { continue }
            let use = objectUse(edge, of: obj, in: layer)
            if serializes {
                taskBytes = Estimator.sum(taskBytes, objectTaskBytes(use))
                sharesMachinery = sharesMachinery || (use.copiedPerTask && use.value.map { SizeModel.wireFlavor($0) == .cloudpickle } == true)
            }
            usesByObject[edge.source.index].append((layer: layers.count, use: uses.count))
            uses.append(use)
        }
        if fused && sharesMachinery { taskBytes.bytes = Sat.add(taskBytes.bytes, -GraphCosts.fusedSharedWithObjectBytes) }
        let cost = submitCost(of: layer)
        if let o = layer.object, o.placement == .delayed {
            // The whole graph is one pickle: later delayed tasks refer to the classes this one carries.
            classesShipped.formUnion(o.recipe.mainClasses.map(\.topLevelName))
        }
        submitFixed = Sat.add(submitFixed, cost.fixed)
        submitPerChunk = Sat.add(submitPerChunk, Sat.mul(cost.perUnit, Int64(cost.units)))
        noteSeparateMessages(layer, cost: cost, uses: uses)
        let chunkBytes = FrameCosts.partitionBytes(layer)
            ?? Sat.mul(Int64(layer.grid.dims.isEmpty && layer.object != nil ? 0 : layer.grid.maxChunkElements), Int64(layer.dtype?.itemSize ?? 8))
        if tasks == Int.max || chunkBytes == Int64.max {
            notes.append(EstimateNote(range: layer.nameRange, message: "`\(layer.name)` has more chunks or bytes than 64-bit figures hold; its figures are capped at the largest value"))
        }
        dispatched[layer.id.index] = taskBytes
        if let note = FrameRowCosts.filterNote(layer, in: graph) { notes.append(note) }
        layers.append(LayerEstimate(id: layer.id, name: layer.name, kind: Estimator.kindText(layer), isObject: layer.object != nil, nameRange: layer.nameRange, tasks: tasks,
                                    taskBytes: taskBytes, submit: cost, fusedInto: nil, objects: uses, chunkBytes: layer.object != nil ? 0 : chunkBytes,
                                    output: layer.output, resultsHeld: held[layer.id.index], chunks: FrameCosts.resultChunks(layer, tasks: tasks)))
    }

    /// The input Dask fuses into a `map_blocks` layer's tasks: its first block input when that is
    /// Blockwise (`zeros`, `ones`, the `block_info` sources, another `map_blocks`) and used once.
    /// The 1-D `range` (`da.arange`) is materialized and travels on its own.
    func fusedInput(of layer: Graph.Layer) -> Graph.Layer? {
        guard case .mapBlocks = layer.kind, let edge = layer.inputs.first(where: { $0.role == .block(0) }) else { return nil }
        let input = graph[edge.source]
        guard resultUses[input.id.index] == 1, input.grid == layer.grid else { return nil }
        switch input.kind {
        case .mapBlocks: return input
        case .array(let a):
            if case .range = a.source, a.grid.dims.count <= 1 { return nil }
            return input
        default: return nil
        }
    }

    static func isKeyword(_ role: Graph.EdgeRole) -> Bool {
        if case .keyword = role { return true }
        return false
    }

    /// What one object adds to each task's message on dispatch: its whole pickle when the task
    /// carries a copy (on `processes` a delayed or wrapped object's value travels as the task's
    /// dependency, next to its key), else a key reference (a future's for a scattered one).
    func objectTaskBytes(_ use: ObjectUse) -> SizeEstimate {
        let reference = use.placement == .scatter && !processes ? GraphCosts.futureReferenceBytes : GraphCosts.keyReferenceBytes
        guard use.copiedPerTask else { return SizeEstimate(bytes: reference, confidence: .modelled) }
        let byKey = processes && (use.placement != .embed || use.daskDelays)
        return byKey ? Estimator.sum(use.wire, SizeEstimate(bytes: reference, confidence: .modelled)) : use.wire
    }

    /// What one object edge ships: sizes, copies, and its part of the submit (the memo stores each value once).
    mutating func objectUse(_ edge: Graph.Edge, of obj: PipelineObject, in layer: Graph.Layer) -> ObjectUse {
        // A lookup (format 1.2) makes three tasks per partition; only its `map` task carries the table.
        let tasks = if case .rows = layer.kind { layer.grid.chunkCount } else { layer.taskCount }
        let isHeld = held[layer.id.index]
        let tasksPerWorker = Estimator.ceilDiv(tasks, workers)
        consumerTasks[edge.source.index] = Sat.add(consumerTasks[edge.source.index], tasks)
        let value = ObjectValues.shippedValue(for: edge, of: obj, layer: layer)
        let shownName = edge.path.applied(to: obj.name)
        // An argument shipping the whole object ships the value priced in phase 1.
        let whole = edge.role != .receiver && edge.path.isEmpty ? modelledSizes[edge.source.index] : nil
        var wire = whole?.wire ?? value.map(SizeModel.wireSize) ?? SizeEstimate(bytes: 0, confidence: .unknown(reason: "`\(shownName)` does not resolve"))
        var resident = whole?.resident ?? value.map(SizeModel.residentSize) ?? wire
        if let whole = objectSizes[edge.source.index], case .unknown = whole.wire.confidence {
            wire.confidence = Estimator.weaker(wire.confidence, whole.wire.confidence)
            resident.confidence = Estimator.weaker(resident.confidence, whole.resident.confidence)
        }
        let sizeof = value.map(SizeModel.daskSizeof) ?? wire
        let isReceiver = edge.role == .receiver
        let carried: (route: Graph.CarryRoute, name: String)? = if case .carried(let r, let n) = edge.role { (r, n) } else { nil }
        // normalize_arg covers args and kwargs, never the function (a receiver, or what it carries).
        // A per-item loop (format 1.1): `dask.delayed(f)(…)` and `client.submit` wrap nothing; `client.map`
        // wraps a keyword whose sizeof exceeds 1e5 (never a positional argument or the function).
        // `map_partitions` (format 1.2) wraps only Delayed arguments: every other one is embedded.
        let daskDelays = if let loop = layer.perItem {
            loop.form == .map && Self.isKeyword(edge.role) && obj.placement == .embed && (value.map { SizeModel.daskSizeof($0).bytes > SizeModel.clientMapWrapBytes } ?? false)
        } else if layer.frame != nil {
            false
        } else {
            !isReceiver && carried == nil && obj.placement == .embed && (value.map(SizeModel.daskAutoDelays) ?? false)
        }
        // On processes every task's message carries the values of its dependencies too.
        let perTask = serializes && (processes || (obj.placement == .embed && !daskDelays))
        var copies = perTask ? (isHeld ? tasksPerWorker : min(tasksPerWorker, inFlight)) : 0
        var copiesTotal = perTask ? (isHeld ? tasks : min(tasks, Sat.mul(inFlight, workers))) : 0
        var after = perTask && isHeld ? tasksPerWorker : 0
        if processes {
            // A pool process unpickles one task at a time and sends its result back to the parent.
            copies = min(1, tasks)
            copiesTotal = min(tasks, workers)
            after = 0
        }
        // Inside a frame's expression the memo is past index 255: a dict's shared values are LONG_BINGETs.
        addToSubmit(edge, of: obj, wire: layer.frame != nil ? FrameCosts.inExpression(wire, value) : wire)
        if layer.perItem?.form == .submit, obj.placement == .embed, tasks > 1 {
            // Each `client.submit` sends its own graph: the object is pickled once per call.
            submitFixed = Sat.add(submitFixed, Sat.mul(wire.bytes, Int64(tasks - 1)))
        }
        return ObjectUse(object: obj.name, source: edge.source, path: edge.path, shownName: shownName, range: edge.range,
                         isReceiver: isReceiver, carried: carried, value: value, wire: wire, resident: resident, daskSizeof: sizeof,
                         placement: obj.placement, daskDelays: daskDelays, copiedPerTask: perTask,
                         copiesPerWorker: copies, copiesPerWorkerAfter: after, copiesTotal: copiesTotal,
                         residentPerWorker: Estimator.scaled(resident, copies), residentTotal: Estimator.scaled(resident, copiesTotal))
    }

    /// A `client.submit` loop sends one message per call, each with its embedded objects; a
    /// reduction of futures (`client.submit(sum, futures)`) one more.
    mutating func noteSeparateMessages(_ layer: Graph.Layer, cost: GraphCosts.LayerCost, uses: [ObjectUse]) {
        let futuresReduce = layer.reducesItems && layer.inputs.first.map { graph[$0.source].perItem?.form != .delayed } == true
        guard layer.perItem?.form == .submit || futuresReduce else { return }
        var perCall = futuresReduce ? Sat.add(cost.fixed, Sat.mul(cost.perUnit, Int64(cost.units))) : cost.perUnit
        for u in uses where u.placement == .embed { perCall = Sat.add(perCall, u.wire.bytes) }
        let calls = futuresReduce ? 1 : Int64(layer.taskCount)
        separateBytes = Sat.add(separateBytes, Sat.mul(perCall, calls))
        largestSeparate = max(largestSeparate, perCall)
    }

    /// Submit: the first time a value (embedded, or wrapped by normalize_arg) or a scattered
    /// object's future enters the pickle.
    mutating func addToSubmit(_ edge: Graph.Edge, of obj: PipelineObject, wire: SizeEstimate) {
        if obj.placement == .embed, shippedOnce.insert(ShippedValue(object: edge.source, path: edge.path)).inserted {
            submitFixed = Sat.add(submitFixed, wire.bytes)
            submitConfidence = Estimator.weaker(submitConfidence, wire.confidence)
            // A `__main__` class another object already brought into the pickle is a memo reference.
            for c in ObjectValues.project(obj.recipe, edge.path)?.mainClasses ?? [] where c.className == c.topLevelName {
                if !classesShipped.insert(c.topLevelName).inserted {
                    submitFixed = Sat.add(submitFixed, -ObjectValues.classByValueSavedByReference(c))
                }
            }
        } else if obj.placement == .scatter, shippedOnce.insert(ShippedValue(object: edge.source, path: [])).inserted {
            submitFixed = Sat.add(submitFixed, GraphCosts.scatterReferenceBytes)
        }
    }

    /// The layer's share of the submitted graph, priced in its graph context. The context
    /// (and its copy of the shipped classes) ends here, before the caller adds to them.
    mutating func submitCost(of layer: Graph.Layer) -> GraphCosts.LayerCost {
        var context = GraphCosts.LayerContext()
        context.input = layer.inputs.first { if case .block = $0.role { true } else { false } }.map { graph[$0.source] }
        context.inputUses = context.input.map { resultUses[$0.id.index] } ?? 1
        context.uses = resultUses[layer.id.index]
        context.isReduced = dependents[layer.id.index].contains { if case .reduce = graph[$0].kind { true } else { false } }
        if let o = layer.object, o.placement == .delayed { context.shippedClasses = classesShipped }
        context.table = lookupTable(of: layer)
        if case .mapBlocks(let call) = layer.kind {
            let f = call?.function
            // What the export pickles as the function: a pipeline function, or a wrapper for a
            // method of a delayed or scattered receiver (one per class and method); an embedded
            // receiver's bound method is part of its instance.
            let receiver = layer.inputs.first { $0.role == .receiver || $0.role == .carried(.instance, name: "self") }.flatMap { graph[$0.source].object }
            let className = receiver.flatMap { r -> String? in if case .instance(let i) = r.recipe { i.className } else { nil } }
            let key = receiver.map { "method:\(className ?? $0.name).\(f?.name ?? "")" } ?? "function:\(f?.name ?? layer.name)"
            context.shipsNewFunction = receiver?.placement != .embed && functionsShipped.insert(key).inserted
            context.isFirstMapBlocks = !mapBlocksSeen
            mapBlocksSeen = true
        }
        context.framePickled = framePickled
        framePickled = framePickled || FrameCosts.picklesFrame(layer)
        return GraphCosts.submitCost(of: layer, in: context)
    }

    /// A lookup step's table (format 1.2), as the graph places it.
    func lookupTable(of layer: Graph.Layer) -> PipelineObject? {
        guard case .rows(.lookup) = layer.kind, let e = layer.inputs.first(where: { $0.role == .argument(0) }) else { return nil }
        return graph[e.source].object
    }

    // MARK: Phase 3: objects

    /// Objects: embedded copies per use, plus one shared copy per worker for delayed,
    /// scattered, normalize_arg-wrapped, or (threads) referenced objects.
    func objectEstimates() -> [ObjectEstimate] {
        var objects: [ObjectEstimate] = []
        var visits = 0
        defer { WorkCounter.count(.estimateUseVisits, visits) }
        for layer in graph.layers {
            guard let obj = layer.object, let sizes = objectSizes[layer.id.index] else { continue }
            let usesHere = usesByObject[layer.id.index].map { (layers[$0.layer], layers[$0.layer].objects[$0.use]) }
            visits += usesHere.count + 1
            let (copies, total, after) = copies(of: obj, layer: layer, uses: usesHere.map(\.1))
            var perWorker = SizeEstimate(bytes: 0, confidence: sizes.resident.confidence)
            if processes {
                perWorker = Estimator.scaled(sizes.resident, copies)
            } else {
                // An element or a slice passed as the argument is not a copy of the object (its bytes still count).
                for (_, u) in usesHere where u.copiedPerTask { perWorker = Estimator.sum(perWorker, u.residentPerWorker) }
                let embedded = usesHere.reduce(0) { Sat.add($0, $1.1.copiedPerTask && !$1.1.path.hasSubscript ? $1.1.copiesPerWorker : 0) }
                if copies > embedded {
                    perWorker = Estimator.sum(perWorker, sizes.resident)
                }
            }
            objects.append(ObjectEstimate(name: obj.name, nameRange: obj.nameRange, placement: obj.placement, wire: sizes.wire,
                                          resident: sizes.resident, copiesPerWorker: copies, copiesTotal: total,
                                          residentPerWorker: perWorker, copiesPerWorkerAfter: after,
                                          residentPerWorkerAfter: Estimator.scaled(sizes.resident, after), usedBy: usesHere.map(\.0.name)))
        }
        return objects
    }

    /// An object's copies per worker while the tasks run, in all, and per worker after the run.
    /// Embedded copies add up over the layers that carry them; a delayed, scattered or
    /// Dask-wrapped object (or any object on `threads`) is one copy per worker that needs it,
    /// of which only a scattered replica (or the client's own object on `threads`) stays.
    /// On `processes` a pool process holds one copy at a time and none afterwards.
    func copies(of obj: PipelineObject, layer: Graph.Layer, uses: [ObjectUse]) -> (perWorker: Int, total: Int, after: Int) {
        if processes {
            let used = consumerTasks[layer.id.index] > 0
            return (used ? 1 : 0, min(workers, consumerTasks[layer.id.index]), 0)
        }
        var copies = 0, total = 0, after = 0
        // An element or a slice passed as the argument is not a copy of the object.
        for u in uses where u.copiedPerTask && !u.path.hasSubscript {
            copies = Sat.add(copies, u.copiesPerWorker)
            total = Sat.add(total, u.copiesTotal)
            after = Sat.add(after, u.copiesPerWorkerAfter)
        }
        if obj.placement == .scatter || uses.contains(where: { !$0.copiedPerTask }) {
            let holders = obj.placement == .scatter ? workers : min(workers, max(1, consumerTasks[layer.id.index]))
            copies = Sat.add(copies, 1)
            total = Sat.add(total, holders)
            let stays = obj.placement == .scatter || (!serializes && obj.placement == .embed)
            if stays { after = Sat.add(after, 1) }
        }
        return (copies, total, after)
    }

    // MARK: Phase 4: totals

    /// Chunk data: every held output's chunks, spread over the workers, plus the
    /// chunks in flight of the largest intermediate.
    func chunkDataPerWorker() -> Int64 {
        var chunkData: Int64 = 0
        var largestTransient: Int64 = 0
        for l in layers where l.chunkBytes > 0 {
            // A processes pool returns every result to the parent: its workers hold chunks in flight only.
            if l.output != nil && !processes {
                chunkData = Sat.add(chunkData, Sat.mul(Int64(Estimator.ceilDiv(l.chunks, workers)), l.chunkBytes))
            } else {
                largestTransient = max(largestTransient, l.chunkBytes)
            }
        }
        return Sat.add(chunkData, Sat.mul(Int64(inFlight), largestTransient))
    }

    /// The graph's totals: submit bytes, memory per worker, and where it stands against the limits.
    /// What one worker holds after the run: the copies that stay and the chunks of `persist` outputs.
    func residentAfter(objects: [ObjectEstimate]) -> SizeEstimate {
        var after = SizeEstimate(bytes: 0, confidence: .modelled)
        for l in layers where l.output == .persist && l.chunkBytes > 0 && !processes {
            after.bytes = Sat.add(after.bytes, Sat.mul(Int64(Estimator.ceilDiv(l.chunks, workers)), l.chunkBytes))
        }
        for o in objects { after = Estimator.sum(after, o.residentPerWorkerAfter) }
        return after
    }

    /// `processes`: the parent holds every output's chunks and up to `chunksize` (6) pickled task
    /// messages per pool process, prepared ahead (`dask.local`'s batches).
    func parentBytes() -> SizeEstimate? {
        guard processes else { return nil }
        var results: Int64 = 0
        var largestTask = SizeEstimate(bytes: 0, confidence: .modelled)
        var tasks = 0
        for l in layers {
            if l.output != nil && l.chunkBytes > 0 { results = Sat.add(results, Sat.mul(Int64(l.chunks), l.chunkBytes)) }
            if l.fusedInto == nil && l.taskBytes.bytes > largestTask.bytes { largestTask = l.taskBytes }
            tasks = Sat.add(tasks, l.tasks)
        }
        let messages = Estimator.scaled(largestTask, min(tasks, Sat.mul(GraphCosts.processesChunksize, workers)))
        return Estimator.sum(SizeEstimate(bytes: results, confidence: .modelled), messages)
    }

    func totals(objects: [ObjectEstimate]) -> GraphEstimate {
        let cluster = graph.cluster
        let chunkData = chunkDataPerWorker()
        var resident = SizeEstimate(bytes: chunkData, confidence: .modelled)
        for o in objects { resident = Estimator.sum(resident, o.residentPerWorker) }
        // A merge's broadcast frame: a DataFrame object's (one copy per worker merged blockwise, on
        // the one worker of its from_pandas task in a hash join), a broadcast join's smaller side.
        for layer in graph.layers { resident.bytes = Sat.add(resident.bytes, FrameCosts.broadcastResidentPerWorker(layer, in: graph)) }
        let hasSubmit = cluster.scheduler == .distributed
        let submitTotal = Sat.add(submitFixed, submitPerChunk)
        let submit = hasSubmit ? SizeEstimate(bytes: submitTotal, confidence: submitTotal == Int64.max ? Estimator.saturatedConfidence : submitConfidence)
                               : SizeEstimate(bytes: 0, confidence: .exact)
        if resident.bytes == Int64.max { resident.confidence = Estimator.saturatedConfidence }
        var fraction: Double?
        var level: MemoryLevel?
        if let limit = cluster.memoryPerWorker, limit > 0 {
            let f = Double(resident.bytes) / Double(limit)
            fraction = f
            level = options.memory.level(f)
        }
        // A frame saved as Parquet: Dask's to_parquet tasks, beyond the graph's layers.
        var tasks = graph.taskCount
        var notes = notes
        for layer in graph.layers where FrameSaveCosts.saveTasks(layer) > 0 {
            tasks = Sat.add(tasks, FrameSaveCosts.saveTasks(layer))
            if let note = FrameSaveCosts.note(layer) { notes.append(note) }
        }
        return GraphEstimate(cluster: cluster, layers: layers, objects: objects, tasks: tasks, hasSubmit: hasSubmit,
                             submitFixedBytes: hasSubmit ? submitFixed : 0, submitPerChunkBytes: hasSubmit ? submitPerChunk : 0,
                             submitBytes: submit, largeGraphWarningBytes: options.largeGraphWarningBytes,
                             largeGraphWarning: hasSubmit && max(Sat.add(submit.bytes, -separateBytes), largestSeparate) > options.largeGraphWarningBytes,
                             residentPerWorker: resident, chunkDataPerWorker: chunkData,
                             residentPerWorkerAfter: residentAfter(objects: objects), parentBytes: parentBytes(), memoryLimit: cluster.memoryPerWorker,
                             memoryFraction: fraction, memoryLevel: level, thresholds: options.memory, notes: notes)
    }
}
