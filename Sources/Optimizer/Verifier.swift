import PipelineIR

/// Checks the invariants every pass must keep; run by `PassManager` before the
/// first pass and after each one, so a broken pass is named at once.
///
/// A valid three-layer graph, and what the verifier says about broken ones:
///
///     #0 mapper (object, delayed: 1 task)
///     #1 x      (array, 100 chunks)
///     #2 out    (map_blocks) ◄── block(0) #1, argument(0) #0      ✓
///
///     #2 reading #3                      → "edge of `out` points forward to #3"
///     #0 with placement embed, 1 task    → "object `mapper` is embed but has 1 task"
///     block(0) edge from the object #0   → "block input of `out` comes from object `mapper`"
public enum Verifier {
    /// One broken invariant, with the layer it is about.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public var layer: String
        public var message: String
        public var description: String { "`\(layer)`: \(message)" }
    }

    /// Every broken invariant of `g` (empty when it is well formed).
    public static func verify(_ g: Graph) -> [Problem] {
        var out: [Problem] = []
        var names = Set<String>()
        for (i, l) in g.layers.enumerated() {
            func bad(_ m: String) { out.append(Problem(layer: l.name, message: m)) }
            if l.id.index != i { bad("has id \(l.id) at position #\(i)") }
            if !names.insert(l.name).inserted { bad("name is used by another layer") }
            if l.taskCount < 0 { bad("negative task count \(l.taskCount)") }
            if l.grid.chunkCount < 0 || l.grid.dims.contains(where: { $0.length < 0 || $0.count < 0 }) { bad("negative chunk grid") }
            for e in l.inputs {
                guard e.source.index >= 0, e.source.index < g.layers.count else {
                    bad("edge points to \(e.source), which does not exist")
                    continue
                }
                if e.source.index >= i { bad("edge points forward to \(e.source) (edges must point to earlier layers)") }
                let src = g[e.source]
                switch e.role {
                case .block:
                    if src.object != nil { bad("block input comes from object `\(src.name)`") }
                    if !e.path.isEmpty { bad("block input has a field path") }
                case .argument, .keyword, .receiver, .carried:
                    guard let o = src.object else {
                        bad("object input comes from `\(src.name)`, which is not an object")
                        continue
                    }
                    if o.recipe.projected(through: e.path) == nil { bad("field path `\(e.path.applied(to: o.name))` does not exist") }
                    // Dask never looks inside the function: only an embedded object can travel in it.
                    if case .carried(let route, _) = e.role, route != .instance, o.placement != .embed {
                        bad("object `\(o.name)` is carried by the function but is \(o.placement.rawValue) (Dask never unpacks the function)")
                    }
                }
            }
            let blocks = l.inputs.compactMap { e -> Int? in if case .block(let k) = e.role { return k } else { return nil } }
            if blocks != Array(0..<blocks.count) { bad("block inputs are numbered \(blocks), not 0..<\(blocks.count)") }
            let args = l.inputs.compactMap { e -> Int? in if case .argument(let k) = e.role { return k } else { return nil } }
            if Set(args).count != args.count { bad("argument positions repeat: \(args)") }
            let receivers = l.inputs.filter { $0.role == .receiver }.count
            switch l.kind {
            case .object(let o):
                if !l.inputs.isEmpty { bad("an object has inputs") }
                if l.grid != .scalar { bad("an object has a chunk grid") }
                let expected = o.placement == .delayed ? 1 : 0
                if l.taskCount != expected { bad("object is \(o.placement.rawValue) but has \(l.taskCount) tasks (expected \(expected))") }
            case .array:
                if !l.inputs.isEmpty { bad("an input array has inputs") }
            case .frame:
                if !l.inputs.isEmpty { bad("a generated frame has inputs") }
                if l.frame == nil { bad("a frame has no columns") }
            case .mapBlocks(let call):
                if receivers > 1 { bad("\(receivers) receivers") }
                if let call { for m in callProblems(call, inputs: l.inputs) { bad(m) } }
            case .reduce:
                if blocks.count != 1 || l.inputs.count != 1 { bad("a reduction needs exactly one block input") }
                if let e = l.inputs.first, e.source.index < g.layers.count, l.inputChunkCount != g[e.source].grid.chunkCount {
                    bad("reduces \(l.inputChunkCount) chunks but its input has \(g[e.source].grid.chunkCount)")
                }
            case .merge(let m):
                if blocks.count != (m.isBroadcast ? 1 : 2) { bad("a merge needs \(m.isBroadcast ? 1 : 2) block inputs") }
                if l.frame == nil { bad("a merge has no columns") }
            case .rows(let op):
                if blocks.count != 1 { bad("a `\(op.keyword)` step needs exactly one block input") }
                if l.inputs.count != (op.table == nil ? 1 : 2) { bad("a `\(op.keyword)` step has \(l.inputs.count) inputs") }
                if l.frame == nil { bad("a `\(op.keyword)` step has no columns") }
            case .groupby(let gb):
                if blocks.count != 1 || l.inputs.count != 1 { bad("a groupby needs exactly one block input") }
                if let e = l.inputs.first, e.source.index < g.layers.count, gb.inputPartitions != g[e.source].grid.chunkCount {
                    bad("groups \(gb.inputPartitions) partitions but its input has \(g[e.source].grid.chunkCount)")
                }
            case .rechunk:
                if blocks.count != 1 || l.inputs.count != 1 { bad("a rechunk needs exactly one block input") }
                if let e = l.inputs.first, e.source.index < g.layers.count, g[e.source].grid.shape != l.grid.shape {
                    bad("rechunk changes the shape")
                }
            }
            if receivers > 0, case .mapBlocks = l.kind {} else if receivers > 0 { bad("only map_blocks has a receiver") }
        }
        return out
    }

    /// A call site against its layer: one argument per parameter, each input it names
    /// exists and has the argument's role, and every object or block input is used.
    static func callProblems(_ call: CallSite, inputs: [Graph.Edge]) -> [String] {
        var out: [String] = []
        if call.arguments.count != call.function.params.count {
            out.append("call passes \(call.arguments.count) arguments to `\(call.function.name)`, which has \(call.function.params.count) parameters")
        }
        var used = Set<Int>()
        for (i, a) in call.arguments.enumerated() {
            switch a.source {
            case .input(let e):
                guard e >= 0, e < inputs.count else {
                    out.append("parameter \(i) reads input \(e), which does not exist")
                    continue
                }
                if inputs[e].role != a.role { out.append("parameter \(i) is passed as \(a.role) but reads an input passed as \(inputs[e].role)") }
                used.insert(e)
            case .literal:
                switch a.role {
                case .argument, .keyword: break
                case .block, .receiver, .carried: out.append("parameter \(i) is a number passed as \(a.role)")
                }
            case .item:
                break
            }
        }
        if used.count != inputs.count { out.append("\(inputs.count - used.count) inputs reach no parameter") }
        // The objects a function carries fill its last parameters, in its order; a callable instance is `self`.
        let carriedRoles = call.function.carried.map { Graph.EdgeRole.carried($0.route, name: $0.name) }
        if Array(call.arguments.suffix(carriedRoles.count).map(\.role)) != carriedRoles {
            out.append("the objects `\(call.function.name)` carries do not fill its last parameters")
        }
        for (i, a) in call.arguments.enumerated() {
            guard case .carried(let route, let name) = a.role else { continue }
            let isInstance = i == 0 && route == .instance && name == "self" && call.function.isMethod && call.function.name == "__call__"
            if route == .instance ? !isInstance : !carriedRoles.contains(a.role) {
                out.append("parameter \(i) is passed as \(a.role), which `\(call.function.name)` does not carry")
            }
        }
        return out
    }
}
