import Analysis
import Lint
import PipelineIR
import PipelineYAML
import Sizing

/// PL016: a task ships a whole object to read one element or slice of it.
public struct ProjectionInsideTaskRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL016",
        name: "projection-inside-task",
        summary: "A task ships a whole object to read one element or slice of it",
        defaultSeverity: .warning,
        whatItDoes: """
            Finds functions whose `with:` binding takes an element or a slice of an object \
            (`factor: mapper.series.iloc[-1]`, `table: weights[:, 0]`) while the step passes the whole object: the \
            projection is evaluated inside the task, so every task ships the whole object to read a small part of it. \
            Passing the projection itself as the argument (`args: ["mapper.series.iloc[-1]"]`) ships only the \
            element or the slice. It fires on a serializing scheduler for an embedded object passed in `args` or \
            `kwargs` when the whole object pickles at least the embedded-object threshold (64 KiB) larger than the \
            projection; a bound method's receiver is PL004's, an object a function carries PL001's.
            """,
        whyBad: """
            Dask pickles each task's arguments as they are given to `map_blocks`; a subscript written in the \
            function runs on the worker, after the whole object has been copied into the task. A projection passed \
            as the argument is computed once on the client: an element pickles as a numpy scalar (117 B for an \
            int64), a slice as its own elements — a numpy view pickles as a copy of its data, never its base array.
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1.1
            objects:
              mapper:
                class: Mapper
                fields: {series: {series: {range: 30000, dtype: int64}}}
            functions:
              offset: {params: [block, m], kernel: scale, with: {factor: "m.series.iloc[-1]"}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              scaled: {map_blocks: offset, over: [x], args: [↓mapper]}
            """,
        ],
        nonTriggeringExamples: [
            // The projection is the argument: each task ships one element.
            """
            pipeline: example
            version: 1.1
            objects:
              mapper:
                class: Mapper
                fields: {series: {series: {range: 30000, dtype: int64}}}
            functions:
              offset: {params: [block, factor], kernel: scale}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              scaled: {map_blocks: offset, over: [x], args: ["mapper.series.iloc[-1]"]}
            """,
            // A field path reads a whole field: PL001 and PL004 speak for it.
            """
            pipeline: example
            version: 1.1
            objects:
              mapper:
                class: Mapper
                fields: {series: {series: {range: 30000, dtype: int64}}}
            functions:
              f: {params: [block, m], kernel: take, with: {table: m.series}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              looked_up: {map_blocks: f, over: [x], args: [mapper]}
            """,
        ],
        fixExamples: [
            (before: """
            pipeline: example
            version: 1.1
            objects:
              mapper:
                class: Mapper
                fields: {series: {series: {range: 30000, dtype: int64}}}
            functions:
              offset: {params: [block, m], kernel: scale, with: {factor: "m.series.iloc[-1]"}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              scaled: {map_blocks: offset, over: [x], args: [mapper]}
            """, after: """
            pipeline: example
            version: 1.1
            objects:
              mapper:
                class: Mapper
                fields: {series: {series: {range: 30000, dtype: int64}}}
            functions:
              offset: {params: [block, m], kernel: scale, with: {factor: "m"}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              scaled: {map_blocks: offset, over: [x], args: ["mapper.series.iloc[-1]"]}
            """),
        ],
        fixSafety: """
            Unsafe: the edit binds the kernel parameter to the function's parameter itself and passes the projection \
            in the step, so the parameter receives the element or slice instead of the object. The results are the \
            same, but Python that calls the function by name (an exported program edited by hand) would pass the \
            whole object. Offered only when the step is the function's one caller and the binding is the parameter's \
            one use, both written in place (no alias); otherwise the fix is display-only.
            """
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        guard ctx.graph.cluster.scheduler.serializesTasks else { return [] }
        var out: [Finding] = []
        for layer in ctx.graph.layers {
            guard let call = layer.call, let (kernel, bindings) = call.kernel, !call.function.isMethod else { continue }
            for (k, binding) in bindings.enumerated() {
                guard case .param(let index, let inside) = binding, inside.hasSubscript,
                      case .object(let e, _)? = call.operand(ofKernelParameter: k, inputs: layer.inputs) else { continue }
                let edge = layer.inputs[e]
                guard edge.role.isArgumentOrKeyword, let obj = ctx.graph[edge.source].object, obj.placement == .embed,
                      let shipped = obj.recipe.projected(through: edge.path),
                      let read = shipped.projected(through: inside) else { continue }
                let whole = SizeModel.wireSize(ObjectValues.pyValue(shipped))
                let part = SizeModel.wireSize(ObjectValues.pyValue(read))
                if case .unknown = whole.confidence { continue }
                guard whole.bytes - part.bytes >= ctx.settings.embeddedObjectMinBytes else { continue }
                let param = call.function.params[index].name
                let projection = edge.path.segments.isEmpty ? inside.applied(to: obj.name) : (edge.path + inside).applied(to: obj.name)
                let shippedName = edge.path.applied(to: obj.name)
                let message = "function `\(call.function.name)` reads only `\(inside.applied(to: param))` (\(kindText(read)), \(formatBytes(part.bytes)) pickled) inside the task, but each of the \(layer.taskCount) tasks of step `\(layer.name)` ships the whole `\(shippedName)` (≈ \(formatBytes(whole.bytes))): a projection in `with:` is evaluated in the task"
                let fix = Self.fix(ctx, layer: layer, function: call.function, kernelParameter: kernel.params[k].name,
                                   param: param, index: index, edgeRange: edge.range, projection: projection)
                out.append(finding(message, at: edge.range, fix: fix, subjects: [obj.name, layer.name]))
            }
        }
        return out
    }

    func kindText(_ r: Recipe) -> String {
        switch r {
        case .element(let t, let boxed): "a " + Recipe.scalarName(t, boxed: boxed)
        case .ndarray(let a): "an ndarray of shape (\(a.shape.map(String.init).joined(separator: ", "))\(a.shape.count == 1 ? "," : ""))"
        case .series(let s): "a Series of \(s.source.count.map(String.init) ?? "?") values"
        case .intList(_, let n): "a list of \(n) ints"
        default: "a \(r.kindName)"
        }
    }

    /// Bind the kernel parameter to the function's parameter and pass the projection in the step;
    /// display-only when the function has other callers or uses, or the text is not written in place.
    static func fix(_ ctx: RuleContext, layer: Graph.Layer, function: PipelineFunction, kernelParameter: String,
                    param: String, index: Int, edgeRange: SourceRange, projection: String) -> Fix {
        let title = "pass `\(projection)` as the argument of step `\(layer.name)` and bind `\(kernelParameter)` to `\(param)` in function `\(function.name)`"
        func displayOnly(_ why: String) -> Fix { Fix(title: title, applicability: .displayOnly, edits: [], caveat: why) }
        let callers = ctx.graph.layers.filter { $0.function?.name == function.name && $0.call?.function.isMethod == false }
        guard callers.count == 1 else {
            return displayOnly("function `\(function.name)` is called by \(callers.count) steps; each would need the projection as its argument")
        }
        if case .kernel(_, let bs) = function.body, bs.filter({ if case .param(index, _) = $0 { true } else { false } }).count != 1 {
            return displayOnly("function `\(function.name)` reads parameter `\(param)` more than once")
        }
        guard let valueRange = bindingValueRange(ctx, function: function.name, kernelParameter: kernelParameter) else {
            return displayOnly("the binding of `\(kernelParameter)` is not written in place in function `\(function.name)`")
        }
        let bytes = ctx.source.bytes
        let quoted = edgeRange.start > 0 && edgeRange.end < bytes.count && (bytes[edgeRange.start - 1] == 0x22 || bytes[edgeRange.start - 1] == 0x27)
        let argument = Edit(range: edgeRange, replacement: quoted ? projection : "\"\(projection)\"")
        return Fix(title: title, applicability: .unsafe, edits: [Edit(range: valueRange, replacement: param), argument],
                   caveat: "parameter `\(param)` of function `\(function.name)` then receives the projection instead of the object")
    }

    /// The text of `with: {kernelParameter: …}` in function `function` (inside its quotes), when the
    /// function's mapping and its `with:` are written in place and not shared through an anchor.
    static func bindingValueRange(_ ctx: RuleContext, function: String, kernelParameter: String) -> SourceRange? {
        let tree = ctx.tree
        guard let section = ctx.definitions.sections["functions"], let entry = section.entries[function],
              tree[entry.value].kind != .alias, (section.sharedBy[entry.value]?.count ?? 1) == 1 else { return nil }
        guard let with = tree.entries(entry.value).first(where: { tree.scalar($0.key) == "with" })?.value,
              tree[with].kind == .mapping,
              let value = tree.entries(with).first(where: { tree.scalar($0.key) == kernelParameter })?.value,
              tree[value].kind == .scalar else { return nil }
        let r = tree[value].range
        return tree[value].scalarStyle.isPlain ? r : SourceRange(start: r.start + 1, end: max(r.start + 1, r.end - 1))
    }
}

extension Graph.EdgeRole {
    /// An `args` entry or a `kwargs` value.
    var isArgumentOrKeyword: Bool {
        switch self {
        case .argument, .keyword: true
        default: false
        }
    }
}
