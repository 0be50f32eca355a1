/// Lowers a checked `Pipeline` to the layer graph, reporting what only the
/// graph shows: dependency cycles, shapes that do not broadcast, a scalar
/// used where chunks are needed, rechunks that do not fit. Each `map_blocks`
/// layer gets its `CallSite` from the parameter roles the front end resolved.
public enum GraphBuilder {
    public static func build(_ p: Pipeline) -> (graph: Graph?, diagnostics: [Diagnostic]) {
        var lookups = 0
        return build(p, lookups: &lookups)
    }

    /// `build`, counting the names it looks up in the pipeline's name index: none for the
    /// references whose `ReferenceHints` hold.
    static func build(_ p: Pipeline, lookups: inout Int) -> (graph: Graph?, diagnostics: [Diagnostic]) {
        var b = Builder(p)
        defer { lookups = b.lookups }
        b.addObjectsAndArrays()
        let (ordered, cyclic) = b.orderSteps()
        for index in ordered where cyclic.isEmpty || !cyclic.contains(p.steps[index].name) {
            b.addStep(index)
        }
        let hasErrors = b.diags.contains { $0.severity == .error }
        return (hasErrors ? nil : Graph(layers: b.layers, cluster: p.cluster, name: p.name, outputs: p.outputs), b.diags)
    }

    /// The grid of `dot` over 2-D blocks: the last axis becomes the weights' last axis in one
    /// chunk (2-D weights, `(k, m)` → `m`), or is dropped (1-D weights). Each block of `k`
    /// columns is multiplied on its own, so the input keeps its row chunks.
    static func dotGrid(_ input: ChunkGrid, weights: [Int]) -> ChunkGrid {
        var dims = Array(input.dims.dropLast())
        if weights.count == 2, let m = weights.last { dims.append(.uniform(size: max(m, 1), length: m)) }
        return weights.count == 1 || weights.count == 2 ? ChunkGrid(dims: dims) : input
    }

    /// The distinct block lengths along a dimension, without walking its chunks (a uniform
    /// dimension has at most two: the chunk size and the remainder; `0` has none).
    static func blockLengths(_ d: DimChunks) -> Set<Int> {
        switch d {
        case .uniform(let s, let l):
            guard s > 0, l > 0 else { return [] }
            return l <= s ? [l] : (l % s == 0 ? [s] : [s, l % s])
        case .explicit(let xs): return Set(xs)
        }
    }

    /// Whether two shapes broadcast (NumPy rules on equal ranks).
    static func broadcastable(_ a: [Int], _ b: [Int]) -> Bool {
        zip(a, b).allSatisfy { $0 == $1 || $0 == 1 || $1 == 1 }
    }

    static func shapeText(_ s: [Int]) -> String { "(" + s.map(String.init).joined(separator: ", ") + (s.count == 1 ? ",)" : ")") }
}

/// The builder's state while layers are added in dependency order.
private struct Builder {
    let p: Pipeline
    /// The pipeline's tables the layers point into (shared storage, no copies).
    let tables: ModelTables
    var diags: [Diagnostic] = []
    var layers: [Graph.Layer] = []
    /// References are resolved through the pipeline's name index, which hashes each name once:
    /// objects are layers 0..<objects.count, arrays follow, and steps get theirs as they are built.
    /// A lowered pipeline's names are unique across sections, so a name is one of these.
    var stepLayers: [Graph.LayerID?]
    /// The first output of each array and step.
    var arrayOutputs: [OutputKind?]
    var stepOutputs: [OutputKind?]
    var frameOutputs: [OutputKind?]
    /// Where each step's inputs (`Step.inputs`, in order) are defined, looked up once:
    /// step `i`'s are `inputPositions[inputStart[i]..<inputStart[i + 1]]`.
    var inputPositions: [Pipeline.Positions] = []
    var inputStart: [Int] = []
    /// The step being added.
    var currentStep = 0
    /// Whether the front end's `ReferenceHints` can stand for lookups: the pipeline's names are unique.
    let hinted: Bool
    /// The call hints (`ReferenceHints.calls`) of the step being added not yet taken.
    var callHints = 0..<0
    /// Names looked up in the pipeline's name index (for tests: a lowered pipeline needs none).
    var lookups = 0

    init(_ p: Pipeline) {
        self.p = p
        tables = ModelTables(p)
        hinted = p.hasUniqueNames
        layers.reserveCapacity(p.objects.count + p.arrays.count + p.steps.count)
        stepLayers = Array(repeating: nil, count: p.steps.count)
        arrayOutputs = Array(repeating: nil, count: p.arrays.count)
        stepOutputs = Array(repeating: nil, count: p.steps.count)
        frameOutputs = Array(repeating: nil, count: p.frames.count)
        let outputHints = p.referenceHints.outputs.count == p.outputs.count ? p.referenceHints.outputs : []
        for (k, o) in p.outputs.enumerated().reversed() {
            let at = positions(of: o.target, hint: outputHints.isEmpty ? -1 : outputHints[k])
            if at.array >= 0 { arrayOutputs[Int(at.array)] = o.kind }
            if at.step >= 0 { stepOutputs[Int(at.step)] = o.kind }
            if at.frame >= 0 { frameOutputs[Int(at.frame)] = o.kind }
        }
    }

    mutating func error(_ m: String, _ r: SourceRange, help: String? = nil) {
        diags.append(Diagnostic(code: .invalidPipeline, severity: .error, message: m, range: r, help: help))
    }

    mutating func layerID(_ name: String) -> Graph.LayerID? {
        layerID(at: positions(of: name))
    }

    /// `p.positions(of:)`, counted.
    mutating func positions(of name: String) -> Pipeline.Positions {
        lookups += 1
        return p.positions(of: name)
    }

    /// Where input `r` is declared: at its hint (`ReferenceHints.inputs`) when the entry there has its name.
    mutating func positions(of r: Ref, hint: Int32) -> Pipeline.Positions {
        if hinted, let (table, at) = ReferenceHints.unpacked(hint) {
            switch table {
            case .array where at < p.arrays.count && p.arrays[at].name == r.name: return Pipeline.Positions(array: Int32(at))
            case .step where at < p.steps.count && p.steps[at].name == r.name: return Pipeline.Positions(step: Int32(at))
            case .frame where at < p.frames.count && p.frames[at].name == r.name: return Pipeline.Positions(frame: Int32(at))
            default: break
            }
        }
        return positions(of: r.name)
    }

    /// The next call hint of the step being added (`ReferenceHints.calls`), -1 when there is none.
    mutating func takeCallHint() -> Int {
        guard let i = callHints.first else { return -1 }
        callHints = callHints.dropFirst()
        return Int(p.referenceHints.calls.values[i])
    }

    /// The layer of object `name`: at its hint when the object there has that name.
    mutating func objectLayer(_ name: String, hint: Int) -> Graph.LayerID? {
        if hinted, hint >= 0, hint < p.objects.count, p.objects[hint].name == name { return Graph.LayerID(hint) }
        return layerID(name)
    }

    /// The position of function `name` in `functions`: its hint when the function there has that name.
    mutating func functionPosition(_ name: String, hint: Int) -> Int {
        if hinted, hint >= 0, hint < p.functions.count, p.functions[hint].name == name { return hint }
        return Int(positions(of: name).function)
    }

    func layerID(at: Pipeline.Positions) -> Graph.LayerID? {
        if at.step >= 0, let id = stepLayers[Int(at.step)] { return id }
        if at.array >= 0 { return Graph.LayerID(p.objects.count + Int(at.array)) }
        if at.frame >= 0 { return Graph.LayerID(p.objects.count + p.arrays.count + Int(at.frame)) }
        if at.object >= 0 { return Graph.LayerID(Int(at.object)) }
        return nil
    }

    mutating func addObjectsAndArrays() {
        for (i, o) in p.objects.enumerated() {
            layers.append(Graph.Layer(id: Graph.LayerID(layers.count), name: o.name, stored: .object(tables, i), grid: .scalar, dtype: nil,
                                      inputs: [], range: o.range, nameRange: o.nameRange))
        }
        for (i, a) in p.arrays.enumerated() {
            layers.append(Graph.Layer(id: Graph.LayerID(layers.count), name: a.name, stored: .array(tables, i), grid: a.grid, dtype: a.dtype,
                                      inputs: [], range: a.range, nameRange: a.nameRange, output: arrayOutputs[i]))
        }
        for (i, f) in p.frames.enumerated() {
            var l = Graph.Layer(id: Graph.LayerID(layers.count), name: f.name, stored: .frame(tables, i), grid: f.grid, dtype: nil,
                                inputs: [], range: f.range, nameRange: f.nameRange, output: frameOutputs[i])
            l.frame = f.schema
            layers.append(l)
        }
    }

    /// Steps ordered by their step inputs; each cycle is reported once, at the reference that closes it.
    /// Steps are handled by index: a step is a large value, and copying it per visit shows on big pipelines.
    mutating func orderSteps() -> (ordered: [Int], cyclic: Set<String>) {
        inputStart.reserveCapacity(p.steps.count + 1)
        for (i, s) in p.steps.enumerated() {
            inputStart.append(inputPositions.count)
            var hints = p.referenceHints.inputs.range(ofStep: i, stepCount: p.steps.count)
            for r in s.inputs {
                let hint = hints.first.map { p.referenceHints.inputs.values[$0] } ?? -1
                hints = hints.dropFirst()
                inputPositions.append(positions(of: r, hint: hint))
            }
        }
        inputStart.append(inputPositions.count)
        let positions = inputPositions, start = inputStart
        var state = [UInt8](repeating: 0, count: p.steps.count)  // 1 visiting, 2 done
        var ordered: [Int] = []
        ordered.reserveCapacity(p.steps.count)
        var cyclic = Set<String>()
        var path: [Int] = []  // the steps being visited, outermost first
        var found: [(message: String, range: SourceRange)] = []
        let steps = p.steps
        func visit(_ index: Int) {
            state[index] = 1
            path.append(index)
            for (k, r) in steps[index].inputs.enumerated() {
                let dep = Int(positions[start[index] + k].step)
                guard dep >= 0 else { continue }
                switch state[dep] {
                case 1:
                    let loop = path.drop { $0 != dep }.map { steps[$0].name } + [steps[dep].name]
                    found.append(("step `\(steps[dep].name)` depends on itself: \(loop.map { "`\($0)`" }.joined(separator: " → "))", r.range))
                    cyclic.formUnion(loop)
                case 0:
                    visit(dep)
                default:
                    break
                }
            }
            path.removeLast()
            state[index] = 2
            ordered.append(index)
        }
        for i in steps.indices where state[i] == 0 { visit(i) }
        for f in found { error(f.message, f.range, help: "a pipeline is a directed acyclic graph; break the cycle") }
        return (ordered, cyclic)
    }

    /// What a step contributes to its layer.
    struct StepLayer {
        var kind: Graph.LayerKind
        var inputs: [Graph.Edge] = []
        var grid = ChunkGrid.scalar
        var dtype: NumericType?
        var misaligned = false
        var inputChunks = 0
        var inputChunksPerAxis: [Int] = []
        var reducesItems = false
        var rowsSizing: FilterSizing?
        var ok = true
    }

    mutating func addStep(_ index: Int) {
        let s = p.steps[index]
        currentStep = index
        callHints = p.referenceHints.calls.range(ofStep: index, stepCount: p.steps.count)
        let built: StepLayer
        switch s.kind {
        case .mapBlocks(let callee, let over, let args, let kwargs, let dt):
            built = mapBlocksLayer(s, callee: callee, over: over, args: args, kwargs: kwargs, dtype: dt)
        case .reduce(let r, let over, let split):
            var l = StepLayer(kind: .reduce(r, splitEvery: split))
            if let input = blockInput(over, input: 0, of: s, ok: &l.ok) {
                l.inputs.append(Graph.Edge(source: input.id, role: .block(0), range: over.range))
                l.inputChunks = input.grid.chunkCount
                l.inputChunksPerAxis = input.grid.dims.map(\.count)
                l.dtype = r == .count ? .int64 : (r == .mean ? .float64 : (s.reducedColumn?.dtype ?? input.dtype))
                l.reducesItems = input.perItem != nil
            }
            built = l
        case .rechunk(let over, let specs):
            built = rechunkLayer(s, over: over, specs: specs)
        case .merge(let left, let right, let on, _, let how):
            built = mergeLayer(s, left: left, right: right, on: on, how: how)
        case .rows(let over, let op):
            built = rowsLayer(s, over: over, op: op)
        case .groupby(let g):
            built = groupbyLayer(s, g)
        }
        let id = Graph.LayerID(layers.count)
        stepLayers[index] = id
        var layer = Graph.Layer(id: id, name: s.name, kind: built.kind, grid: built.ok ? built.grid : .scalar, dtype: built.dtype,
                                inputs: built.inputs, range: s.range, nameRange: s.nameRange, output: stepOutputs[index])
        layer.misalignedInputs = built.misaligned
        layer.reducesItems = built.reducesItems
        var extras = Graph.Extras(frame: built.ok ? s.frameSchema : nil, reducedColumn: s.reducedColumn?.name,
                                  rowsSizing: built.rowsSizing, inputChunksPerAxis: built.inputChunksPerAxis,
                                  inputChunkCount: built.inputChunks)
        if case .rows(.lookup) = built.kind, let t = built.inputs.first(where: { $0.role == .argument(0) }) {
            layer.tableIsPlaced = layers[t.source.index].placement.map { $0 != .embed } ?? false
        }
        if let loop = s.perItem, loop.form != .delayed { checkFutures(s, loop: loop, inputs: built.inputs) }
        if let loop = s.perItem, built.ok { extras.perItem = loop }
        layer.extras = OutOfLine(extras)
        if let loop = s.perItem, built.ok {
            layer.grid = ChunkGrid(dims: [.uniform(size: 1, length: loop.items.count)])
            if layer.dtype == nil, let c = layer.call { layer.dtype = c.resultStorage == .int64 ? .int64 : .float64 }
        }
        layers.append(layer)
    }

    /// `client.submit` and `client.map` need a distributed client, and pass a Delayed argument
    /// unevaluated (the task receives the Delayed itself): a delayed object cannot be one.
    mutating func checkFutures(_ s: Step, loop: PerItem, inputs: [Graph.Edge]) {
        let call = loop.form == .submit ? "client.submit" : "client.map"
        guard p.cluster.scheduler == .distributed else {
            error("a `\(loop.form.rawValue)` step calls `\(call)`, which needs a distributed client; this cluster uses the `\(p.cluster.scheduler.rawValue)` scheduler", loop.formRange,
                  help: "loop with `delayed:` instead, or use `scheduler: distributed`")
            return
        }
        for e in inputs {
            guard let o = layers[e.source.index].object, o.placement == .delayed else { continue }
            error("object `\(o.name)` is `placement: delayed`, but `\(call)` passes a delayed object unevaluated (the task would receive the Delayed itself)", e.range,
                  help: "scatter it first (`placement: scatter`), or loop with `delayed:`")
        }
    }

    /// The layer a step reads chunks from; a scalar (a reduction's result) cannot be one.
    /// `k` is the position of `r` in `s.inputs`.
    mutating func blockInput(_ r: Ref, input k: Int, of s: Step, ok: inout Bool) -> Graph.Layer? {
        let at = inputStart[currentStep] + k
        guard let id = layerID(at: at < inputStart[currentStep + 1] ? inputPositions[at] : positions(of: r.name)) else { ok = false; return nil }
        let l = layers[id.index]
        if l.perItem != nil, case .mapBlocks = s.kind {
            error("`\(r.name)` is a per-item step: its results are a list of values, not chunks; `\(s.name)` cannot map over it", r.range,
                  help: "reduce it (`reduce: sum`) or make it an output")
            ok = false
            return nil
        }
        if l.perItem != nil, case .rechunk = s.kind {
            error("`\(r.name)` is a per-item step: its results are a list of values, not chunks, and cannot be rechunked", r.range)
            ok = false
            return nil
        }
        if l.grid.dims.isEmpty {
            error("`\(r.name)` is a scalar (a reduction); `\(s.name)` needs an array or a chunked step here", r.range)
            ok = false
            return nil
        }
        return l
    }

    /// `left.merge(right)` (format 1.2): with a DataFrame object, the left's partitions and one
    /// task holding the object (no object edge: Dask passes it as a dependency, one copy per
    /// worker); with a collection, `max` of both partition counts after a p2p shuffle.
    mutating func mergeLayer(_ s: Step, left: Ref, right: MergeRight, on: String, how: MergeHow) -> StepLayer {
        var l = StepLayer(kind: .rechunk)
        guard let input = blockInput(left, input: 0, of: s, ok: &l.ok) else { return l }
        l.inputs.append(Graph.Edge(source: input.id, role: .block(0), range: left.range))
        l.grid = input.grid
        switch right {
        case .object(let name, _):
            lookups += 1
            guard let obj = p.object(named: name) else { l.ok = false; return l }
            l.kind = .merge(FrameMerge(how: how, on: on, route: .broadcast(obj)))
        case .frame(let r):
            guard let other = blockInput(r, input: 1, of: s, ok: &l.ok) else { return l }
            l.inputs.append(Graph.Edge(source: other.id, role: .block(1), range: r.range))
            let (a, b) = (input.grid.chunkCount, other.grid.chunkCount)
            let rows = input.grid.shape.first ?? 0
            let n = max(1, max(a, b))
            let uniform = ChunkGrid(dims: [.uniform(size: max(1, rows / n + (rows % n == 0 ? 0 : 1)), length: rows)])
            // Always max(left, right) partitions, also when the rows do not fill them evenly — but a
            // list of sizes is one word a partition: past 2^20 partitions (which no cluster schedules)
            // the grid stays uniform, with fewer partitions than Dask's, rather than take gigabytes.
            let listed = n <= 1 << 20 && uniform.chunkCount != n
            l.grid = listed ? ChunkGrid(dims: [.explicit((0..<n).map { rows / n + ($0 < rows % n ? 1 : 0) })]) : uniform
            l.kind = .merge(FrameMerge(how: how, on: on, route: .shuffle(left: a, right: b)))
        }
        return l
    }

    /// A row-wise step (format 1.2): the input's partitions; a lookup's table as an object argument
    /// (embedded in every `map` task unless placed); a filter's rows per partition from its column's source.
    mutating func rowsLayer(_ s: Step, over: Ref, op: RowOp) -> StepLayer {
        var l = StepLayer(kind: .rows(op))
        guard let input = blockInput(over, input: 0, of: s, ok: &l.ok) else { return l }
        l.inputs.append(Graph.Edge(source: input.id, role: .block(0), range: over.range))
        l.grid = input.grid
        l.rowsSizing = input.rowsSizing
        if let t = op.table {
            guard let id = layerID(t.name), layers[id.index].object != nil else { l.ok = false; return l }
            l.inputs.append(Graph.Edge(source: id, role: .argument(0), range: t.range))
        }
        if case .filter(let column, _, let cmp, let value, _) = op {
            let (rows, sizing) = FilterRows.grid(over: input, in: layers, column: column, op: cmp, value: value)
            l.grid = ChunkGrid(dims: [rows])
            // After an estimated filter the rows stay estimated.
            l.rowsSizing = input.rowsSizing == nil || sizing == .unknown ? sizing : (input.rowsSizing == .unknown ? .unknown : .expected)
        }
        return l
    }

    /// `over.groupby(by)[column].sum(split_every=s, split_out=1)` (format 1.2): one result
    /// partition of at most `groups` rows, reduced from the input's partitions.
    mutating func groupbyLayer(_ s: Step, _ g: GroupbySpec) -> StepLayer {
        var l = StepLayer(kind: .rechunk)
        guard let input = blockInput(g.over, input: 0, of: s, ok: &l.ok) else { return l }
        guard let key = g.key, let value = g.value else { l.ok = false; return l }
        l.inputs.append(Graph.Edge(source: input.id, role: .block(0), range: g.over.range))
        let groups = FrameGroupby.groupBound(key, rows: input.grid.shape.first ?? 0)
        let sumType = FrameGroupby.sumType(value.type)
        l.kind = .groupby(FrameGroupby(key: key, value: value, sumType: sumType, groups: groups,
                                       splitEvery: g.splitEvery, inputPartitions: input.grid.chunkCount))
        l.grid = ChunkGrid(dims: [.uniform(size: max(1, groups), length: groups)])
        l.dtype = sumType
        l.inputChunks = input.grid.chunkCount
        return l
    }

    mutating func rechunkLayer(_ s: Step, over: Ref, specs: [ChunkSpec]) -> StepLayer {
        var l = StepLayer(kind: .rechunk)
        guard let input = blockInput(over, input: 0, of: s, ok: &l.ok) else { return l }
        l.inputs.append(Graph.Edge(source: input.id, role: .block(0), range: over.range))
        l.dtype = input.dtype
        guard specs.count == input.grid.dims.count else {
            error("`chunks` has \(specs.count) entries but `\(over.name)` has \(input.grid.dims.count) dimensions", s.range)
            l.ok = false
            return l
        }
        var dims: [DimChunks] = []
        for (spec, d) in zip(specs, input.grid.dims) {
            let c = spec.chunks(length: d.length)
            if case .explicit = spec, c.length != d.length {
                error("explicit chunk sizes sum to \(c.length) but the dimension is \(d.length)", s.range)
                l.ok = false
            }
            dims.append(c)
        }
        l.grid = ChunkGrid(dims: dims)
        return l
    }

    mutating func mapBlocksLayer(_ s: Step, callee: Callee, over: [Ref], args: [CallArgument],
                                 kwargs: [(name: String, nameRange: SourceRange, value: CallArgument)], dtype dt: NumericType?) -> StepLayer {
        var l = StepLayer(kind: .mapBlocks(call: nil))
        var function: CallSite.FunctionRef?
        var calleeRange: SourceRange
        let calleeHint = takeCallHint()
        switch callee {
        case .function(let name, let range):
            let at = functionPosition(name, hint: calleeHint)
            function = at >= 0 ? .shared(tables, at) : nil
            calleeRange = range
        case .method(let obj, let objRange, let method, let methodRange):
            calleeRange = SourceRange(start: objRange.start, end: methodRange.end)
            if let oid = objectLayer(obj, hint: calleeHint) {
                l.inputs.append(Graph.Edge(source: oid, role: .receiver, range: objRange))
                if case .instance(let inst)? = layers[oid.index].object?.recipe { function = inst.method(method).map { .boxed(Box($0.function)) } }
            }
        case .instance(let obj, let range):
            calleeRange = range
            if let oid = objectLayer(obj, hint: calleeHint) {
                l.inputs.append(Graph.Edge(source: oid, role: .carried(.instance, name: "self"), range: range))
                if case .instance(let inst)? = layers[oid.index].object?.recipe {
                    function = inst.method("__call__").map { .boxed(Box($0.function)) }
                }
            }
        }
        addBlocks(over, of: s, to: &l)
        for (i, a) in args.enumerated() {
            if case .object(let name, let path, let range) = a, let id = objectLayer(name, hint: takeCallHint()) {
                l.inputs.append(Graph.Edge(source: id, role: .argument(i), path: path, range: range))
            }
        }
        for kw in kwargs {
            if case .object(let name, let path, let range) = kw.value, let id = objectLayer(name, hint: takeCallHint()) {
                l.inputs.append(Graph.Edge(source: id, role: .keyword(kw.name), path: path, range: range))
            }
        }
        // Objects the function carries: edges of the function itself, after the call's own inputs.
        for c in function.map(carried) ?? [] {
            if let id = layerID(c.object) {
                l.inputs.append(Graph.Edge(source: id, role: .carried(c.route, name: c.name), path: c.path, range: c.range))
            }
        }
        l.dtype = dt ?? l.dtype
        guard let function, let roles = s.parameterRoles else { return l }
        itemStorage = s.perItem.map { $0.items.isIntegral ? .int64 : .float64 }
        let operands = OperandStorage(layers: layers, item: itemStorage)
        let call = resolveCall(function, range: calleeRange, roles: roles, inputs: l.inputs, args: args, kwargs: kwargs)
        l.kind = .mapBlocks(call: call)
        if let (kernel, _) = call.kernel, case .failure(let refusal) = kernel.resultType({ k in
            call.operand(ofKernelParameter: k, inputs: l.inputs).flatMap { operands.storage($0, inputs: l.inputs) }
        }) {
            // The step's grid stays right: later steps are checked against it (no follow-on errors).
            error(refusal.message, calleeRange)
        }
        if let (kernel, _) = call.kernel { checkObjectOperands(call, kernel, over: over, in: &l) }
        // A kernel that changes the block's shape changes the step's grid, so every
        // consumer (rules, estimator, executor, export) sees the result's shape.
        if call.kernel?.kernel == .dot, l.grid.dims.count == 2,
           case .object(let e, let inside)? = call.operand(ofKernelParameter: 1, inputs: l.inputs),
           let weights = layers[l.inputs[e].source.index].object?.recipe.projected(through: l.inputs[e].path + inside)?.shape {
            if let last = l.grid.dims.last, last.count > 1 {
                // Each task would multiply a slice of the columns by all the weights' rows.
                error("`dot` needs each block to hold whole rows, but `\(over.first?.name ?? "")` has \(last.count) chunks along its last axis", s.range,
                      help: "rechunk the last axis into one chunk (`chunks: [..., \(last.length)]`)")
                l.ok = false
            }
            l.grid = GraphBuilder.dotGrid(l.grid, weights: weights)
        }
        return l
    }

    /// The `over` inputs: the first sets the grid and dtype; the others must have its rank and broadcast with it.
    mutating func addBlocks(_ over: [Ref], of s: Step, to l: inout StepLayer) {
        var first: Graph.Layer?
        for (i, r) in over.enumerated() {
            guard let input = blockInput(r, input: i, of: s, ok: &l.ok) else { continue }
            l.inputs.append(Graph.Edge(source: input.id, role: .block(i), range: r.range))
            guard let f = first else {
                first = input
                l.grid = input.grid
                l.dtype = input.dtype
                continue
            }
            if f.grid.shape.count != input.grid.shape.count {
                // Blocks are paired by index along every dimension, so the ranks must agree.
                error("`\(r.name)` has \(input.grid.shape.count) dimension\(input.grid.shape.count == 1 ? "" : "s") but `\(f.name)` has \(f.grid.shape.count): the arrays a step maps over need the same number of dimensions", r.range)
                l.ok = false
            } else if !GraphBuilder.broadcastable(l.grid.shape, input.grid.shape) {
                error("`\(r.name)` has shape \(GraphBuilder.shapeText(input.grid.shape)), which does not broadcast with `\(f.name)`'s \(GraphBuilder.shapeText(f.grid.shape))", r.range)
                l.ok = false
            } else {
                // Blockwise broadcasting: a dimension of length 1 pairs its one block with every
                // block of the other inputs; the step takes the longer dimension's chunks.
                var dims = l.grid.dims
                var misaligned = false
                for (d, dim) in input.grid.dims.enumerated() {
                    if dims[d].length == 1, dim.length != 1 {
                        dims[d] = dim
                    } else if dim.length == dims[d].length, dim != dims[d] {
                        misaligned = true
                    }
                }
                l.grid = ChunkGrid(dims: dims)
                l.misaligned = l.misaligned || misaligned
            }
        }
    }

    /// A whole-ndarray operand of an elementwise kernel (`block + curve`) is broadcast by
    /// numpy against each block: every dimension (aligned from the right) must be 1 or the
    /// block's length in every block, and it may not add dimensions. Reported at `over`.
    mutating func checkObjectOperands(_ call: CallSite, _ kernel: Kernel, over: [Ref], in l: inout StepLayer) {
        for (k, p) in kernel.params.enumerated() where p.kind == .blockOrScalar {
            guard case .object(let e, let inside)? = call.operand(ofKernelParameter: k, inputs: l.inputs),
                  case .ndarray? = layers[l.inputs[e].source.index].object?.recipe.projected(through: l.inputs[e].path + inside),
                  let shape = layers[l.inputs[e].source.index].object?.recipe.projected(through: l.inputs[e].path + inside)?.shape else { continue }
            let dims = l.grid.dims
            let fits = shape.count <= dims.count && shape.reversed().enumerated().allSatisfy { i, n in
                n == 1 || GraphBuilder.blockLengths(dims[dims.count - 1 - i]).allSatisfy { $0 == n }
            }
            guard !fits else { continue }
            let name = (l.inputs[e].path + inside).applied(to: layers[l.inputs[e].source.index].name)
            let blocks = "(" + dims.map { d in d.count <= 1 || d.size(0) == d.size(d.count - 1) ? String(d.maxSize) : "\(d.size(0))…\(d.size(d.count - 1))" }
                .joined(separator: ", ") + (dims.count == 1 ? ",)" : ")")
            error("`\(name)` has shape \(GraphBuilder.shapeText(shape)), which does not broadcast with the blocks of `\(over.first?.name ?? "")` \(blocks): numpy broadcasts a whole ndarray against each block, so each of its dimensions must be 1 or the block's",
                  over.first?.range ?? call.range,
                  help: shape.count > dims.count ? nil : "rechunk so that every block has the ndarray's lengths, or reshape the ndarray with 1 where the blocks differ")
        }
    }

    /// The call site: each parameter's role (resolved by the front end) mapped to the input edge or number that fills it.
    func resolveCall(_ function: CallSite.FunctionRef, range: SourceRange, roles: [Graph.EdgeRole], inputs: [Graph.Edge],
                     args: [CallArgument], kwargs: [(name: String, nameRange: SourceRange, value: CallArgument)]) -> CallSite {
        // The last edge of each role. A call has a few inputs: scanning them beats hashing each role
        // (a keyword's name) into a table built per call; a long list gets the table.
        var edgeByRole: [Graph.EdgeRole: Int] = [:]
        if inputs.count > 16 { for (i, e) in inputs.enumerated() { edgeByRole[e.role] = i } }
        func edge(_ role: Graph.EdgeRole) -> Int {
            inputs.count > 16 ? edgeByRole[role] ?? -1 : inputs.lastIndex { $0.role == role } ?? -1
        }
        let arguments: [CallSite.Argument] = roles.map { role in
            var written: CallArgument?
            switch role {
            case .argument(let i): written = i < args.count ? args[i] : nil
            case .keyword(let name): written = kwargs.first { $0.name == name }?.value
            case .block, .receiver, .carried: written = nil
            }
            if case .literal(let d, let r)? = written { return CallSite.Argument(role: role, source: .literal(d, range: r)) }
            if case .item(let r)? = written { return CallSite.Argument(role: role, source: .item(range: r)) }
            return CallSite.Argument(role: role, source: .input(edge(role)))
        }
        var call = CallSite(functionRef: function, range: range, arguments: arguments, resultStorage: .float64)
        if let (kernel, _) = call.kernel {
            let operands = OperandStorage(layers: layers, item: itemStorage)
            call.resultStorage = kernel.resultStorage { k in
                call.operand(ofKernelParameter: k, inputs: inputs).flatMap { operands.storage($0, inputs: inputs) }
            }
        }
        return call
    }

    /// The objects a function carries.
    func carried(_ f: CallSite.FunctionRef) -> [CarriedObject] {
        switch f {
        case .shared(let t, let i): t.functions[i].carried
        case .boxed(let b): b.value.carried
        }
    }

    /// The storage of the item of the step being built (set while a per-item call is resolved).
    var itemStorage: StorageType?

}

/// Kernel operands' storage types while the graph is being built (inputs are earlier layers).
/// Closures capture this, not the builder: capturing the builder copies it.
private struct OperandStorage {
    let layers: [Graph.Layer]
    /// The storage of the item of the step being built (a per-item call).
    let item: StorageType?

    func storage(_ operand: CallSite.Operand, inputs: [Graph.Edge]) -> StorageType? {
        switch operand {
        case .literal(let d): return StorageType(literal: d)
        case .item: return item
        case .block(let e): return Graph.storage(ofLayerAt: inputs[e].source.index, in: layers)
        case .object(let e, let inside):
            return layers[inputs[e].source.index].objectRecipe?.projected(through: inputs[e].path + inside)?.storage
        }
    }
}
