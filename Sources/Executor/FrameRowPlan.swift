import PipelineIR

extension PlanBuilder {
    /// A `lookup`, `assign` or `filter` step: one task per partition of its input. A lookup's
    /// table follows the placement semantics of a `map_partitions` argument (`planObject`): an
    /// embedded table on a serializing scheduler is encoded once into the step's definition and
    /// decoded by every partition's task, its copy held while the task's result lives (Dask's
    /// `Series.map` pickles the table into every `map` task); a delayed table is its one build
    /// task, a scattered one (or any table on the threaded scheduler) one preloaded copy, each
    /// fetched once per worker.
    mutating func planRows(_ op: RowOp, layer l: Graph.Layer) throws(ExecutorError) {
        guard let e = l.inputs.first(where: { $0.role == .block(0) }) else { return }
        let li = l.id.index
        var deps: [Int] = []
        if case .lookup(_, _, _, _, let into, _) = op {
            guard let t = l.inputs.first(where: { $0.role == .argument(0) }), let o = graph[t.source].object else { return }
            let objectLayer = t.source.index
            if let task = objectTask[objectLayer] {
                deps = [task]
            } else {
                let value: ObjectValue
                if let built = clientObjects[objectLayer] { value = built } else { value = try buildObject(o) }
                calls[li] = PipelinePlan.Call(kernel: .mapColumn, bindings: [], params: [.embedded(0)],
                                              embedded: [(objectLayer, ObjectCodec.encode(value), value.residentBytes)])
            }
            if case .numeric(let dt)? = l.frame?.column(named: into)?.type { seriesDtypes[li] = dt }
        }
        rowOps[li] = op
        firstTask[li] = ops.count
        for c in 0..<l.grid.chunkCount {
            _ = add(.map(layer: li, chunk: c), layer: li, deps: [firstTask[e.source.index] + c] + deps, keep: l.output != nil)
        }
    }
}

extension PipelinePlan {
    /// One partition through a row-wise step, with the embedded table the task decoded (if any).
    func rowTask(_ l: Int, _ inputs: [Value], definition: [UInt8]?) throws -> (FramePart, [ObjectValue]) {
        guard let op = rowOps[l], case .frame(let part)? = inputs.first else { throw TaskFailure(message: "a row step needs its partition") }
        do {
            switch op {
            case .lookup(let column, _, _, _, let into, _):
                var decoded: [ObjectValue] = []
                if let call = calls[l], !call.embedded.isEmpty {
                    // The table embedded in this task's definition: its own decoded copy.
                    guard let def = definition else { throw TaskFailure(message: "a lookup's embedded table is missing from its task") }
                    decoded = try decodeEmbedded(def, count: call.embedded.count)
                }
                guard let table = decoded.first ?? (inputs.count == 2 ? inputs[1].objectValue : nil) else { throw TaskFailure(message: "a lookup needs its table") }
                return (try FrameKernels.mapColumn(part, table: table, column: column, into: into, seriesDtype: seriesDtypes[l], lookup: true), decoded)
            case .assign(let column, _, let expr):
                return (try FrameRowKernels.assign(part, column: column, expr: expr), [])
            case .filter(let column, _, let cmp, let value, _):
                return (try FrameRowKernels.filter(part, column: column, op: cmp, value: value), [])
            }
        } catch let e as KernelError {
            throw TaskFailure(message: e.message)
        }
    }
}

extension Value {
    /// The object a task received (a delayed, scattered or preloaded table).
    var objectValue: ObjectValue? { if case .object(let o) = self { o } else { nil } }
}
