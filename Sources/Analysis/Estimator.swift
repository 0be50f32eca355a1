import PipelineIR
import Sizing

/// Computes a pipeline's graph figures from its layer graph, in O(layers + edges):
/// chunk counts are multiplied, never enumerated, so a 10-million-chunk array costs
/// what a 10-chunk one does.
///
/// Faithful to distributed 2026.8 where it matters (see `GraphCosts` and
/// calibration/README.md):
/// - **submit**: the client pickles the whole graph once; an embedded object is
///   stored once (pickle's memo), keys and arguments of materialized tasks cost
///   bytes per chunk. Only `distributed` has this step and the large-graph warning.
/// - **dispatch**: each task's `run_spec` is pickled on its own, so an embedded
///   object costs its full wire size in every task (`distributed`, `processes`).
/// - **workers**: each task unpickles its own copy of every embedded object and
///   keeps it while the task's result is alive. `persist`, `save` and an array
///   output of `compute` keep all chunks (so `⌈tasks / workers⌉` copies per
///   worker); results consumed downstream keep about `2 × threads` per worker.
///   `delayed`, `scatter` and `normalize_arg`-wrapped objects cost one copy per
///   worker; on `threads` nothing is copied.
public enum Estimator {
    /// The figures of `graph`.
    public static func estimate(_ graph: Graph, options: EstimateOptions = EstimateOptions()) -> GraphEstimate {
        let cluster = graph.cluster
        let serializes = cluster.scheduler.serializesTasks
        // The threaded scheduler is one process: its "worker" is the whole pool.
        let workers = serializes ? max(1, cluster.workers) : 1
        let slots = serializes ? max(1, cluster.threadsPerWorker) : satMul(max(1, cluster.workers), max(1, cluster.threadsPerWorker))
        let inFlight = satMul(2, slots)
        var notes: [EstimateNote] = []

        let held = heldLayers(graph)

        // Objects: sizes once, and whether the files they load exist.
        var objectSizes: [Graph.LayerID: (wire: SizeEstimate, resident: SizeEstimate)] = [:]
        for layer in graph.layers {
            guard let obj = layer.object else { continue }
            let value = ObjectValues.pyValue(obj.recipe)
            var wire = SizeModel.wireSize(value)
            var resident = SizeModel.residentSize(value)
            if let missing = missingFile(obj.recipe, options) {
                let reason = "`\(missing)` does not exist (relative to the pipeline's folder)"
                notes.append(EstimateNote(range: obj.nameRange, message: "object `\(obj.name)` loads \(reason); its sizes come from the declared shape or length, and workers cannot build it"))
                wire.confidence = .unknown(reason: reason)
                resident.confidence = .unknown(reason: reason)
            } else if case .unknown(let reason) = wire.confidence {
                notes.append(EstimateNote(range: obj.nameRange, message: "size of object `\(obj.name)` is unknown: \(reason); figures that include it are lower bounds"))
            }
            objectSizes[layer.id] = (wire, resident)
        }
        for layer in graph.layers {
            if case .array(let a) = layer.kind, case .load(let path) = a.source, let exists = options.fileExists, !exists(path) {
                notes.append(EstimateNote(range: a.nameRange, message: "array `\(a.name)` loads `\(path)`, which does not exist (relative to the pipeline's folder); its figures come from the declared shape"))
            }
        }

        var layers: [LayerEstimate] = []
        var submitFixed: Int64 = 0
        var submitPerChunk: Int64 = 0
        var submitConfidence: Confidence = .modelled
        var shippedOnce = Set<String>()
        var consumerTasks: [Graph.LayerID: Int] = [:]
        var mapBlocksSeen = false
        // Uses of each layer's result (by other layers, and as an output): a second one blocks fusion.
        let dependents = GraphAlgorithms.dependents(graph)
        let resultUses = graph.layers.map { dependents[$0.id.index].count + ($0.output == nil ? 0 : 1) }
        var functionsShipped = Set<String>()
        var classesShipped = Set<String>()
        for layer in graph.layers {
            let tasks = layer.taskCount
            let isHeld = held[layer.id.index]
            let tasksPerWorker = ceilDiv(tasks, workers)
            var uses: [ObjectUse] = []
            var taskBytes = SizeEstimate(bytes: serializes ? GraphCosts.taskBaseBytes(of: layer) : 0, confidence: .modelled)
            for edge in layer.inputs where edge.role.carriesObject {
                guard let obj = graph[edge.source].object else { continue }
                consumerTasks[edge.source] = satAdd(consumerTasks[edge.source] ?? 0, tasks)
                let value = ObjectValues.shippedValue(for: edge, of: obj, layer: layer)
                let shownName = edge.path.applied(to: obj.name)
                var wire = value.map(SizeModel.wireSize) ?? SizeEstimate(bytes: 0, confidence: .unknown(reason: "`\(shownName)` does not resolve"))
                var resident = value.map(SizeModel.residentSize) ?? wire
                if let whole = objectSizes[edge.source], case .unknown = whole.wire.confidence {
                    wire.confidence = weaker(wire.confidence, whole.wire.confidence)
                    resident.confidence = weaker(resident.confidence, whole.resident.confidence)
                }
                let sizeof = value.map(SizeModel.daskSizeof) ?? wire
                let isReceiver = edge.role == .receiver
                // normalize_arg covers args and kwargs, never the function (a receiver).
                let daskDelays = !isReceiver && obj.placement == .embed && (value.map(SizeModel.daskAutoDelays) ?? false)
                let perTask = serializes && obj.placement == .embed && !daskDelays
                let copies = perTask ? (isHeld ? tasksPerWorker : min(tasksPerWorker, inFlight)) : 0
                let copiesTotal = perTask ? (isHeld ? tasks : min(tasks, satMul(inFlight, workers))) : 0
                if serializes {
                    taskBytes = sum(taskBytes, perTask ? wire : SizeEstimate(bytes: GraphCosts.keyReferenceBytes, confidence: .modelled))
                }
                // Submit: the memo stores each shipped value once (embedded or wrapped by normalize_arg).
                if obj.placement == .embed, shippedOnce.insert(shownName).inserted {
                    submitFixed = Sat.add(submitFixed, wire.bytes)
                    submitConfidence = weaker(submitConfidence, wire.confidence)
                    // A `__main__` class another object already brought into the pickle is a memo reference.
                    for c in ObjectValues.project(obj.recipe, edge.path)?.mainClasses ?? [] where c.className == c.topLevelName {
                        if !classesShipped.insert(c.topLevelName).inserted {
                            submitFixed = Sat.add(submitFixed, -ObjectValues.classByValueSavedByReference(c))
                        }
                    }
                } else if obj.placement == .scatter, shippedOnce.insert(obj.name).inserted {
                    submitFixed = Sat.add(submitFixed, GraphCosts.scatterReferenceBytes)
                }
                uses.append(ObjectUse(object: obj.name, shownName: shownName, range: edge.range, isReceiver: isReceiver, value: value,
                                      wire: wire, resident: resident, daskSizeof: sizeof, placement: obj.placement, daskDelays: daskDelays,
                                      copiedPerTask: perTask, copiesPerWorker: copies, copiesTotal: copiesTotal,
                                      residentPerWorker: scaled(resident, copies), residentTotal: scaled(resident, copiesTotal)))
            }
            var context = GraphCosts.LayerContext()
            context.input = layer.inputs.first { if case .block = $0.role { true } else { false } }.map { graph[$0.source] }
            context.inputUses = context.input.map { resultUses[$0.id.index] } ?? 1
            context.uses = resultUses[layer.id.index]
            context.isReduced = dependents[layer.id.index].contains { if case .reduce = graph[$0].kind { true } else { false } }
            context.shippedClasses = classesShipped
            if case .mapBlocks(let call) = layer.kind {
                let f = call?.function
                // What the export pickles as the function: a pipeline function, or a wrapper for a
                // method of a delayed or scattered receiver (one per class and method); an embedded
                // receiver's bound method is part of its instance.
                let receiver = layer.inputs.first { $0.role == .receiver }.flatMap { graph[$0.source].object }
                let className = receiver.flatMap { r -> String? in if case .instance(let i) = r.recipe { i.className } else { nil } }
                let key = receiver.map { "method:\(className ?? $0.name).\(f?.name ?? "")" } ?? "function:\(f?.name ?? layer.name)"
                context.shipsNewFunction = receiver?.placement != .embed && functionsShipped.insert(key).inserted
                context.isFirstMapBlocks = !mapBlocksSeen
                mapBlocksSeen = true
            }
            let cost = GraphCosts.submitCost(of: layer, in: context)
            if let o = layer.object, o.placement == .delayed {
                // The whole graph is one pickle: later delayed tasks refer to the classes this one carries.
                classesShipped.formUnion(o.recipe.mainClasses.map(\.topLevelName))
            }
            submitFixed = Sat.add(submitFixed, cost.fixed)
            submitPerChunk = Sat.add(submitPerChunk, Sat.mul(cost.perUnit, Int64(cost.units)))
            let chunkBytes = Sat.mul(Int64(layer.grid.dims.isEmpty && layer.object != nil ? 0 : layer.grid.maxChunkElements), Int64(layer.dtype?.itemSize ?? 8))
            if tasks == Int.max || chunkBytes == Int64.max {
                notes.append(EstimateNote(range: layer.nameRange, message: "`\(layer.name)` has more chunks or bytes than 64-bit figures hold; its figures are capped at the largest value"))
            }
            layers.append(LayerEstimate(id: layer.id, name: layer.name, kind: kindText(layer), nameRange: layer.nameRange, tasks: tasks,
                                        taskBytes: taskBytes, submit: cost, objects: uses, chunkBytes: layer.object != nil ? 0 : chunkBytes,
                                        output: layer.output, resultsHeld: isHeld))
        }

        // Objects: embedded copies per use, plus one shared copy per worker for
        // delayed, scattered, normalize_arg-wrapped, or (threads) referenced objects.
        var objects: [ObjectEstimate] = []
        for layer in graph.layers {
            guard let obj = layer.object, let sizes = objectSizes[layer.id] else { continue }
            let usesHere = layers.flatMap { l in l.objects.filter { $0.object == obj.name }.map { (l, $0) } }
            var perWorker = SizeEstimate(bytes: 0, confidence: sizes.resident.confidence)
            var copies = 0
            var total = 0
            for (_, u) in usesHere where u.copiedPerTask {
                copies = satAdd(copies, u.copiesPerWorker)
                total = satAdd(total, u.copiesTotal)
                perWorker = sum(perWorker, u.residentPerWorker)
            }
            let shared = obj.placement == .scatter || usesHere.contains { !$0.1.copiedPerTask }
            if shared {
                let holders = obj.placement == .scatter ? workers : min(workers, max(1, consumerTasks[layer.id] ?? 0))
                copies = satAdd(copies, 1)
                total = satAdd(total, holders)
                perWorker = sum(perWorker, sizes.resident)
            }
            objects.append(ObjectEstimate(name: obj.name, nameRange: obj.nameRange, placement: obj.placement, wire: sizes.wire,
                                          resident: sizes.resident, copiesPerWorker: copies, copiesTotal: total,
                                          residentPerWorker: perWorker, usedBy: usesHere.map(\.0.name)))
        }

        // Chunk data: every held output's chunks, spread over the workers, plus the
        // chunks in flight of the largest intermediate.
        var chunkData: Int64 = 0
        var largestTransient: Int64 = 0
        for l in layers where l.chunkBytes > 0 {
            if l.output != nil {
                chunkData = Sat.add(chunkData, Sat.mul(Int64(ceilDiv(l.tasks, workers)), l.chunkBytes))
            } else {
                largestTransient = max(largestTransient, l.chunkBytes)
            }
        }
        chunkData = Sat.add(chunkData, Sat.mul(Int64(inFlight), largestTransient))
        var resident = SizeEstimate(bytes: chunkData, confidence: .modelled)
        for o in objects { resident = sum(resident, o.residentPerWorker) }

        let hasSubmit = cluster.scheduler == .distributed
        let submitTotal = Sat.add(submitFixed, submitPerChunk)
        let submit = hasSubmit ? SizeEstimate(bytes: submitTotal, confidence: submitTotal == Int64.max ? saturatedConfidence : submitConfidence)
                               : SizeEstimate(bytes: 0, confidence: .exact)
        if resident.bytes == Int64.max { resident.confidence = saturatedConfidence }
        var fraction: Double?
        var level: MemoryLevel?
        if let limit = cluster.memoryPerWorker, limit > 0 {
            let f = Double(resident.bytes) / Double(limit)
            fraction = f
            level = options.memory.level(f)
        }
        return GraphEstimate(cluster: cluster, layers: layers, objects: objects, tasks: graph.taskCount, hasSubmit: hasSubmit,
                             submitFixedBytes: hasSubmit ? submitFixed : 0, submitPerChunkBytes: hasSubmit ? submitPerChunk : 0,
                             submitBytes: submit, largeGraphWarningBytes: options.largeGraphWarningBytes,
                             largeGraphWarning: hasSubmit && submit.bytes > options.largeGraphWarningBytes,
                             residentPerWorker: resident, chunkDataPerWorker: chunkData, memoryLimit: cluster.memoryPerWorker,
                             memoryFraction: fraction, memoryLevel: level, thresholds: options.memory, notes: notes)
    }

    /// Layers whose every chunk result is alive at once: outputs (`persist`, `save`, and
    /// `compute`, which gathers the chunks), and the inputs Dask fuses into them (a
    /// layer whose single consumer is a held `map_blocks` runs inside that task).
    static func heldLayers(_ g: Graph) -> [Bool] {
        let deps = GraphAlgorithms.dependents(g)
        var held = [Bool](repeating: false, count: g.layers.count)
        for l in g.layers.reversed() {
            if l.output != nil { held[l.id.index] = true; continue }
            let consumers = deps[l.id.index]
            if consumers.count == 1, case .mapBlocks = g[consumers[0]].kind, held[consumers[0].index],
               g[consumers[0]].inputs.contains(where: { $0.source == l.id && !$0.role.carriesObject }) {
                held[l.id.index] = true
            }
        }
        return held
    }

    /// The first `load:` path of a recipe that `options.fileExists` says is missing.
    static func missingFile(_ r: Recipe, _ options: EstimateOptions) -> String? {
        guard let exists = options.fileExists else { return nil }
        switch r {
        case .series(let s):
            if case .load(let path, _) = s.source, !exists(path) { return path }
        case .ndarray(let a):
            if let path = a.load, !exists(path) { return path }
        case .instance(let i):
            for f in i.fields { if let m = missingFile(f.recipe, options) { return m } }
        default:
            break
        }
        return nil
    }

    static func kindText(_ l: Graph.Layer) -> String {
        switch l.kind {
        case .object(let o): "object (\(o.placement.rawValue))"
        case .array(let a):
            switch a.source {
            case .zeros: "array (zeros)"
            case .ones: "array (ones)"
            case .range: "array (range)"
            case .random: "array (random)"
            case .load: "array (load)"
            }
        case .mapBlocks(let c): "map_blocks \(c?.function.name ?? "?")"
        case .reduce(let r, _): "reduce \(r.rawValue)"
        case .rechunk: "rechunk"
        }
    }

    static let saturatedConfidence = Confidence.unknown(reason: "more than 2^63 bytes: the figure is capped")

    /// The weaker of two confidences (unknown keeps its reason).
    static func weaker(_ a: Confidence, _ b: Confidence) -> Confidence { rank(b) > rank(a) ? b : a }

    static func rank(_ c: Confidence) -> Int {
        switch c {
        case .exact: 0
        case .modelled: 1
        case .declared: 2
        case .unknown: 3
        }
    }

    static func sum(_ a: SizeEstimate, _ b: SizeEstimate) -> SizeEstimate {
        SizeEstimate(bytes: Sat.add(a.bytes, b.bytes), confidence: weaker(a.confidence, b.confidence))
    }

    /// `e × n`, saturating; a capped product says so.
    static func scaled(_ e: SizeEstimate, _ n: Int) -> SizeEstimate {
        let bytes = Sat.mul(e.bytes, Int64(n))
        return SizeEstimate(bytes: bytes, confidence: bytes == Int64.max ? saturatedConfidence : e.confidence)
    }

    static func ceilDiv(_ a: Int, _ b: Int) -> Int { Sat.ceilDiv(max(0, a), max(1, b)) }
    static func satMul(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.multipliedReportingOverflow(by: b)
        return o ? Int.max : r
    }
    static func satAdd(_ a: Int, _ b: Int) -> Int {
        let (r, o) = a.addingReportingOverflow(b)
        return o ? Int.max : r
    }
}
