/// Lowers a checked `Pipeline` to the layer graph, reporting what only the
/// graph shows: dependency cycles, shapes that do not broadcast, a scalar
/// used where chunks are needed, rechunks that do not fit.
public enum GraphBuilder {
    public static func build(_ p: Pipeline) -> (graph: Graph?, diagnostics: [Diagnostic]) {
        var diags: [Diagnostic] = []
        func error(_ m: String, _ r: SourceRange, help: String? = nil) {
            diags.append(Diagnostic(code: .invalidPipeline, severity: .error, message: m, range: r, help: help))
        }
        var layers: [Graph.Layer] = []
        var ids: [String: Graph.LayerID] = [:]
        let outputs = Dictionary(p.outputs.map { ($0.target.name, $0.kind) }, uniquingKeysWith: { a, _ in a })
        for o in p.objects {
            let id = Graph.LayerID(layers.count)
            ids[o.name] = id
            layers.append(Graph.Layer(id: id, name: o.name, kind: .object(o), grid: .scalar, dtype: nil, inputs: [],
                                      range: o.range, nameRange: o.nameRange))
        }
        for a in p.arrays {
            let id = Graph.LayerID(layers.count)
            ids[a.name] = id
            layers.append(Graph.Layer(id: id, name: a.name, kind: .array(a), grid: a.grid, dtype: a.dtype, inputs: [],
                                      range: a.range, nameRange: a.nameRange, output: outputs[a.name]))
        }

        // Order steps by their step inputs; report each cycle once, at the reference that closes it.
        let stepsByName = Dictionary(p.steps.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var ordered: [Step] = []
        var cyclic = Set<String>()
        func visit(_ s: Step, _ path: [String]) {
            state[s.name] = 1
            for r in s.inputs {
                guard let dep = stepsByName[r.name] else { continue }
                switch state[dep.name] {
                case 1?:
                    let loop = (path + [s.name]).drop { $0 != dep.name } + [dep.name]
                    error("step `\(dep.name)` depends on itself: \(loop.map { "`\($0)`" }.joined(separator: " → "))", r.range,
                          help: "a pipeline is a directed acyclic graph; break the cycle")
                    cyclic.formUnion(loop)
                case nil:
                    visit(dep, path + [s.name])
                default:
                    break
                }
            }
            state[s.name] = 2
            ordered.append(s)
        }
        for s in p.steps where state[s.name] == nil { visit(s, []) }

        for s in ordered where !cyclic.contains(s.name) {
            var inputs: [Graph.Edge] = []
            var grid = ChunkGrid.scalar
            var dtype: NumericType?
            var kind: Graph.LayerKind
            var misaligned = false
            var inputChunks = 0
            var ok = true
            func blockInput(_ r: Ref) -> Graph.Layer? {
                guard let id = ids[r.name] else { ok = false; return nil }
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
                    if let oid = ids[obj] {
                        inputs.append(Graph.Edge(source: oid, role: .receiver, range: objRange))
                        if case .instance(let inst)? = p.object(named: obj)?.recipe { function = inst.method(method)?.function }
                    }
                }
                var first: Graph.Layer?
                for (i, r) in over.enumerated() {
                    guard let l = blockInput(r) else { continue }
                    inputs.append(Graph.Edge(source: l.id, role: .block(i), range: r.range))
                    if let f = first {
                        if f.grid.shape.count != l.grid.shape.count || !broadcastable(f.grid.shape, l.grid.shape) {
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
                    if case .object(let name, let path, let range) = a, let id = ids[name] {
                        inputs.append(Graph.Edge(source: id, role: .argument(i), path: path, range: range))
                    }
                }
                for kw in kwargs {
                    if case .object(let name, let path, let range) = kw.value, let id = ids[name] {
                        inputs.append(Graph.Edge(source: id, role: .keyword(kw.name), path: path, range: range))
                    }
                }
                dtype = dt ?? dtype
                kind = .mapBlocks(function: function)
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
            ids[s.name] = id
            var layer = Graph.Layer(id: id, name: s.name, kind: kind, grid: ok ? grid : .scalar, dtype: dtype, inputs: inputs,
                                    range: s.range, nameRange: s.nameRange, output: outputs[s.name])
            layer.misalignedInputs = misaligned
            layer.inputChunkCount = inputChunks
            layers.append(layer)
        }
        let hasErrors = diags.contains { $0.severity == .error }
        return (hasErrors ? nil : Graph(layers: layers, cluster: p.cluster), diags)
    }

    /// Whether two shapes broadcast (NumPy rules on equal ranks).
    static func broadcastable(_ a: [Int], _ b: [Int]) -> Bool {
        zip(a, b).allSatisfy { $0 == $1 || $0 == 1 || $1 == 1 }
    }

    static func shapeText(_ s: [Int]) -> String { "(" + s.map(String.init).joined(separator: ", ") + (s.count == 1 ? ",)" : ")") }
}
