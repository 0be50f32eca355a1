/// Lowers a checked `Pipeline` to the layer graph, reporting what only the
/// graph shows: dependency cycles, shapes that do not broadcast, a scalar
/// used where chunks are needed, rechunks that do not fit.
public enum GraphBuilder {
    public static func build(_ p: Pipeline) -> (graph: Graph?, diagnostics: [Diagnostic]) {
        var diags: [Diagnostic] = []
        func error(_ m: String, _ r: SourceRange, help: String? = nil) {
            diags.append(Diagnostic(code: .invalidPipeline, severity: .error, message: m, range: r, help: help))
        }
        let layerCount = p.objects.count + p.arrays.count + p.steps.count
        var layers: [Graph.Layer] = []
        layers.reserveCapacity(layerCount)
        // References are resolved through the pipeline's name index, which hashes each name once:
        // objects are layers 0..<objects.count, arrays follow, and steps get theirs as they are built.
        // A lowered pipeline's names are unique across sections, so a name is one of these.
        var stepLayers = [Graph.LayerID?](repeating: nil, count: p.steps.count)
        func layerID(_ name: String) -> Graph.LayerID? {
            let at = p.positions(of: name)
            if at.step >= 0, let id = stepLayers[Int(at.step)] { return id }
            if at.array >= 0 { return Graph.LayerID(p.objects.count + Int(at.array)) }
            if at.object >= 0 { return Graph.LayerID(Int(at.object)) }
            return nil
        }
        // The first output of each array and step.
        var arrayOutputs = [OutputKind?](repeating: nil, count: p.arrays.count)
        var stepOutputs = [OutputKind?](repeating: nil, count: p.steps.count)
        for o in p.outputs.reversed() {
            let at = p.positions(of: o.target.name)
            if at.array >= 0 { arrayOutputs[Int(at.array)] = o.kind }
            if at.step >= 0 { stepOutputs[Int(at.step)] = o.kind }
        }
        for o in p.objects {
            let id = Graph.LayerID(layers.count)
            layers.append(Graph.Layer(id: id, name: o.name, kind: .object(o), grid: .scalar, dtype: nil, inputs: [],
                                      range: o.range, nameRange: o.nameRange))
        }
        for (i, a) in p.arrays.enumerated() {
            let id = Graph.LayerID(layers.count)
            layers.append(Graph.Layer(id: id, name: a.name, kind: .array(a), grid: a.grid, dtype: a.dtype, inputs: [],
                                      range: a.range, nameRange: a.nameRange, output: arrayOutputs[i]))
        }

        // Order steps by their step inputs; report each cycle once, at the reference that closes it.
        // Steps are handled by index: a step is a large value, and copying it per visit shows on big pipelines.
        var state = [UInt8](repeating: 0, count: p.steps.count)  // 1 visiting, 2 done
        var ordered: [Int] = []
        ordered.reserveCapacity(p.steps.count)
        var cyclic = Set<String>()
        var path: [Int] = []  // the steps being visited, outermost first
        func visit(_ index: Int) {
            let s = p.steps[index]
            state[index] = 1
            path.append(index)
            for r in s.inputs {
                let dep = Int(p.positions(of: r.name).step)
                guard dep >= 0 else { continue }
                switch state[dep] {
                case 1:
                    let loop = path.drop { $0 != dep }.map { p.steps[$0].name } + [p.steps[dep].name]
                    error("step `\(p.steps[dep].name)` depends on itself: \(loop.map { "`\($0)`" }.joined(separator: " → "))", r.range,
                          help: "a pipeline is a directed acyclic graph; break the cycle")
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
        for i in p.steps.indices where state[i] == 0 { visit(i) }

        for index in ordered {
            let s = p.steps[index]
            if !cyclic.isEmpty, cyclic.contains(s.name) { continue }
            var inputs: [Graph.Edge] = []
            var grid = ChunkGrid.scalar
            var dtype: NumericType?
            var kind: Graph.LayerKind
            var misaligned = false
            var inputChunks = 0
            var ok = true
            func blockInput(_ r: Ref) -> Graph.Layer? {
                guard let id = layerID(r.name) else { ok = false; return nil }
                let l = layers[id.index]
                if l.grid.dims.isEmpty {
                    error("`\(r.name)` is a scalar (a reduction); `\(s.name)` needs an array or a chunked step here", r.range)
                    ok = false
                    return nil
                }
                return l
            }
            switch s.kind {
            case .mapBlocks(let callee, let over, let args, let kwargs, let dt):
                var function: PipelineFunction?
                switch callee {
                case .function(let name, _):
                    function = p.function(named: name)
                case .method(let obj, let objRange, let method, _):
                    if let oid = layerID(obj) {
                        inputs.append(Graph.Edge(source: oid, role: .receiver, range: objRange))
                        if case .instance(let inst)? = p.object(named: obj)?.recipe { function = inst.method(method)?.function }
                    }
                }
                var first: Graph.Layer?
                for (i, r) in over.enumerated() {
                    guard let l = blockInput(r) else { continue }
                    inputs.append(Graph.Edge(source: l.id, role: .block(i), range: r.range))
                    if let f = first {
                        if f.grid.shape.count != l.grid.shape.count {
                            // Blocks are paired by index along every dimension, so the ranks must agree.
                            error("`\(r.name)` has \(l.grid.shape.count) dimension\(l.grid.shape.count == 1 ? "" : "s") but `\(f.name)` has \(f.grid.shape.count): the arrays a step maps over need the same number of dimensions", r.range)
                            ok = false
                        } else if !broadcastable(f.grid.shape, l.grid.shape) {
                            error("`\(r.name)` has shape \(shapeText(l.grid.shape)), which does not broadcast with `\(f.name)`'s \(shapeText(f.grid.shape))", r.range)
                            ok = false
                        } else if f.grid != l.grid {
                            misaligned = true
                        }
                    } else {
                        first = l
                        grid = l.grid
                        dtype = l.dtype
                    }
                }
                for (i, a) in args.enumerated() {
                    if case .object(let name, let path, let range) = a, let id = layerID(name) {
                        inputs.append(Graph.Edge(source: id, role: .argument(i), path: path, range: range))
                    }
                }
                for kw in kwargs {
                    if case .object(let name, let path, let range) = kw.value, let id = layerID(name) {
                        inputs.append(Graph.Edge(source: id, role: .keyword(kw.name), path: path, range: range))
                    }
                }
                dtype = dt ?? dtype
                kind = .mapBlocks(function: function)
                // A kernel that changes the block's shape changes the step's grid, so every
                // consumer (rules, estimator, executor, export) sees the result's shape.
                if case .kernel(.dot, let bindings)? = function?.body, bindings.count > 1, grid.dims.count == 2,
                   let weights = operandShape(bindings[1], p: p, callee: callee, overCount: over.count, args: args, kwargs: kwargs,
                                              params: function?.params.map(\.name) ?? []) {
                    if let last = grid.dims.last, last.count > 1 {
                        // Each task would multiply a slice of the columns by all the weights' rows.
                        error("`dot` needs each block to hold whole rows, but `\(over.first?.name ?? "")` has \(last.count) chunks along its last axis", s.range,
                              help: "rechunk the last axis into one chunk (`chunks: [..., \(last.length)]`)")
                        ok = false
                    }
                    grid = dotGrid(grid, weights: weights)
                }
            case .reduce(let r, let over, let split):
                if let l = blockInput(over) {
                    inputs.append(Graph.Edge(source: l.id, role: .block(0), range: over.range))
                    inputChunks = l.grid.chunkCount
                    dtype = r == .count ? .int64 : (r == .mean ? .float64 : l.dtype)
                }
                kind = .reduce(r, splitEvery: split)
            case .rechunk(let over, let specs):
                if let l = blockInput(over) {
                    inputs.append(Graph.Edge(source: l.id, role: .block(0), range: over.range))
                    dtype = l.dtype
                    if specs.count != l.grid.dims.count {
                        error("`chunks` has \(specs.count) entries but `\(over.name)` has \(l.grid.dims.count) dimensions", s.range)
                        ok = false
                    } else {
                        var dims: [DimChunks] = []
                        for (spec, d) in zip(specs, l.grid.dims) {
                            let c = spec.chunks(length: d.length)
                            if case .explicit = spec, c.length != d.length {
                                error("explicit chunk sizes sum to \(c.length) but the dimension is \(d.length)", s.range)
                                ok = false
                            }
                            dims.append(c)
                        }
                        grid = ChunkGrid(dims: dims)
                    }
                }
                kind = .rechunk
            }
            let id = Graph.LayerID(layers.count)
            stepLayers[index] = id
            var layer = Graph.Layer(id: id, name: s.name, kind: kind, grid: ok ? grid : .scalar, dtype: dtype, inputs: inputs,
                                    range: s.range, nameRange: s.nameRange, output: stepOutputs[index])
            layer.misalignedInputs = misaligned
            layer.inputChunkCount = inputChunks
            layers.append(layer)
        }
        let hasErrors = diags.contains { $0.severity == .error }
        return (hasErrors ? nil : Graph(layers: layers, cluster: p.cluster), diags)
    }

    /// The grid of `dot` over 2-D blocks: the last axis becomes the weights' last axis in one
    /// chunk (2-D weights, `(k, m)` → `m`), or is dropped (1-D weights). Each block of `k`
    /// columns is multiplied on its own, so the input keeps its row chunks.
    static func dotGrid(_ input: ChunkGrid, weights: [Int]) -> ChunkGrid {
        var dims = Array(input.dims.dropLast())
        if weights.count == 2, let m = weights.last { dims.append(.uniform(size: max(m, 1), length: m)) }
        return weights.count == 1 || weights.count == 2 ? ChunkGrid(dims: dims) : input
    }

    /// The shape of a kernel operand bound to an object (an `ndarray`, a series or a list,
    /// possibly a field of an instance), or nil when it is a block, a number or unknown.
    static func operandShape(_ binding: Binding, p: Pipeline, callee: Callee, overCount: Int, args: [CallArgument],
                             kwargs: [(name: String, nameRange: SourceRange, value: CallArgument)], params: [String]) -> [Int]? {
        guard case .param(let index, let path) = binding else { return nil }
        var position = index
        var found: (name: String, path: [String])?
        if case .method(let obj, _, _, _) = callee {
            if position == 0 { found = (obj, []) }
            position -= 1
        }
        if found == nil, position >= overCount {
            position -= overCount
            if position < args.count {
                if case .object(let name, let p, _) = args[position] { found = (name, p) }
            } else if index < params.count, let kw = kwargs.first(where: { $0.name == params[index] }),
                      case .object(let name, let p, _) = kw.value {
                found = (name, p)
            }
        }
        guard let (name, prefix) = found, var recipe = p.object(named: name)?.recipe else { return nil }
        for field in prefix + path {
            guard case .instance(let i) = recipe, let f = i.field(field) else { return nil }
            recipe = f.recipe
        }
        switch recipe {
        case .ndarray(let a): return a.shape
        case .intList(_, let count): return [count]
        case .series(let s): return s.source.count.map { [$0] }
        default: return nil
        }
    }

    /// Whether two shapes broadcast (NumPy rules on equal ranks).
    static func broadcastable(_ a: [Int], _ b: [Int]) -> Bool {
        zip(a, b).allSatisfy { $0 == $1 || $0 == 1 || $1 == 1 }
    }

    static func shapeText(_ s: [Int]) -> String { "(" + s.map(String.init).joined(separator: ", ") + (s.count == 1 ? ",)" : ")") }
}
