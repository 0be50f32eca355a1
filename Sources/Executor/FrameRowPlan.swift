import PipelineIR

extension PlanBuilder {
    /// A `lookup`, `assign` or `filter` step: one task per partition of its input. A lookup's
    /// table is built on the client and preloaded (one copy per worker, whatever its placement).
    mutating func planRows(_ op: RowOp, layer l: Graph.Layer) throws(ExecutorError) {
        guard let e = l.inputs.first(where: { $0.role == .block(0) }) else { return }
        let li = l.id.index
        var deps: [Int] = []
        if case .lookup(_, _, _, _, let into, _) = op {
            guard let t = l.inputs.first(where: { $0.role == .argument(0) }), let o = graph[t.source].object else { return }
            clientObjects[li] = try buildObject(o)
            let holder = add(.preloaded(layer: li), layer: li, deps: [], keep: true)
            objectTask[li] = holder
            deps = [holder]
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
    /// One partition through a row-wise step.
    func rowTask(_ l: Int, _ inputs: [Value]) throws -> FramePart {
        guard let op = rowOps[l], case .frame(let part)? = inputs.first else { throw TaskFailure(message: "a row step needs its partition") }
        do {
            switch op {
            case .lookup(let column, _, _, _, let into, _):
                guard inputs.count == 2, case .object(let table) = inputs[1] else { throw TaskFailure(message: "a lookup needs its table") }
                return try FrameKernels.mapColumn(part, table: table, column: column, into: into, seriesDtype: seriesDtypes[l], lookup: true)
            case .assign(let column, _, let expr):
                return try FrameRowKernels.assign(part, column: column, expr: expr)
            case .filter(let column, _, let cmp, let value, _):
                return try FrameRowKernels.filter(part, column: column, op: cmp, value: value)
            }
        } catch let e as KernelError {
            throw TaskFailure(message: e.message)
        }
    }
}
