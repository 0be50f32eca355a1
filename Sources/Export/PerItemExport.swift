import PipelineIR

/// Per-item steps (format 1.1) as Dask's docs write the loop: a list of `dask.delayed` calls,
/// of `client.submit` futures, or one `client.map` (docs/dask.md, "Per-item steps").
extension ProgramWriter {
    /// `v = [dask.delayed(f)(table, item) for item in range(200)]`, `[client.submit(f, table, item) …]`,
    /// or `v = client.map(f, range(200), table=table)`.
    mutating func perItemLine(_ l: Graph.Layer, call: CallSite, variable v: String) throws(ExportError) -> String {
        guard let loop = l.perItem else { throw error("step `\(l.name)` is not a per-item step", l.range) }
        let (function, _, receiverArgument) = try callable(l, call: call)
        var positional = receiverArgument.map { [$0] } ?? []
        var keywords: [(name: String, text: String, at: Int)] = []
        for a in call.arguments {
            switch a.role {
            case .receiver, .carried, .block: continue
            case .argument: positional.append(try argumentText(a.source, of: l))
            case .keyword(let name):
                let at = switch a.source {
                case .literal(_, let r), .item(let r): r.start
                case .input(let e): l.inputs[e].range.start
                }
                keywords.append((name, try argumentText(a.source, of: l), at))
            }
        }
        let kw = keywords.sorted { $0.at < $1.at }.map { "\($0.name)=\($0.text)" }
        let items = itemsExpression(loop.items)
        switch loop.form {
        case .delayed:
            let args = (positional + kw).joined(separator: ", ")
            return "\(v) = [dask.delayed(\(function))(\(args)) for item in \(items)]  # one task per item; each carries its arguments"
        case .submit:
            let args = ([function] + positional + kw).joined(separator: ", ")
            return "\(v) = [client.submit(\(args)) for item in \(items)]  # one future per item; each task carries its arguments"
        case .map:
            // `item` is the first positional (checked by the front end): the items are map's first
            // iterable; any other positional is repeated per item, as client.map zips iterables.
            let others = positional.dropFirst().map { "[\($0)] * \(loop.items.count)" }
            let args = ([function, items] + others + kw).joined(separator: ", ")
            return "\(v) = client.map(\(args))  # keywords go to every call; Dask wraps those over 100 kB into one graph node"
        }
    }

    /// `range(200)`, `range(10, 20)` or the list as written.
    func itemsExpression(_ items: ItemList) -> String {
        switch items {
        case .range(let start, let count):
            start == 0 ? "range(\(count))" : "range(\(start), \(start &+ Int64(count)))"
        case .integers(let xs): "[" + xs.map(String.init).joined(separator: ", ") + "]"
        case .values(let xs): "[" + xs.map(PythonSyntax.float).joined(separator: ", ") + "]"
        }
    }

    /// A reduction of a per-item step's results, one task: `dask.delayed(sum)(results)`, or
    /// `client.submit(sum, futures)` (a future passed in a list is gathered for the task).
    func itemsReduceLine(_ r: Reduction, form: PerItemForm, input: String, variable v: String) -> String {
        let f = switch r {
        case .sum: "sum"
        case .min: "min"
        case .max: "max"
        case .count: "len"
        case .mean: "np.mean"
        }
        return form == .delayed ? "\(v) = dask.delayed(\(f))(\(input))" : "\(v) = client.submit(\(f), \(input))"
    }
}
