import PipelineIR

/// DataFrame pipelines (format 1.2), written as a user writes them with dask.dataframe: a
/// generated frame is `dd.from_map` over its partitions' row bounds (each partition built on the
/// worker that runs it: only its bounds and the column recipes travel), a `map_partitions` step is
/// `frame.map_partitions(f, *args, meta=...)` with the result's columns given as `meta`, and a
/// `dataframe:` or `dict:` object is built from its recipe like any other object.
extension ProgramWriter {
    /// `[_col('zip', 'string', length=5, source='random', seed=3, low=0, high=40000), ...]`, one
    /// column a line, indented by `indent` (the closing bracket one level less).
    func columnsText(_ schema: FrameSchema, indent: String) -> String {
        let close = String(indent.dropLast(4))
        guard !schema.columns.isEmpty else { return "[]" }
        let items = schema.columns.map { c -> String in
            var args = [PythonSyntax.string(c.name), PythonSyntax.string(c.type.name)]
            switch c.type {
            case .string(let length): args.append("length=\(length)")
            case .category(let count): args.append("categories=\(count)")
            case .numeric: break
            }
            if case .random(let seed, let low, let high) = c.source {
                args += ["source='random'", "seed=\(seed)", "low=\(PythonSyntax.number(low))", "high=\(PythonSyntax.number(high))"]
            }
            return "\(indent)_col(\(args.joined(separator: ", "))),"
        }
        return "[\n" + items.joined(separator: "\n") + "\n\(close)]"
    }

    /// `people = _frame('people', [...columns...], rows=..., partitions=N or [sizes])`.
    func frameLine(_ l: Graph.Layer, _ f: FrameDecl, variable v: String) -> String {
        if case .csv(let path, _) = f.source { return readCSVLine(l, f, path: path, variable: v) }
        if case .fromPandas(let object, _) = f.source {
            let o = names[object] ?? object
            return "\(v) = _from_pandas(\(o), \(f.partitions.count))  # dd.from_pandas: split on the client, the whole frame in the submitted graph"
        }
        let partitions: String
        switch f.partitions {
        case .uniform(let size, let rows) where rows > 0 && Sat.ceilDiv(rows, f.partitions.count) == size:
            partitions = "\(f.partitions.count)"
        default:
            partitions = "[" + (0..<f.partitions.count).map { String(f.partitions.size($0)) }.joined(separator: ", ") + "]"
        }
        // The body is indented once inside build_graph; the columns once more.
        let columns = columnsText(f.schema, indent: "        ")
        return "\(v) = _frame(\(PythonSyntax.string(l.name)), \(columns), rows=\(f.rows), partitions=\(partitions))"
            + "  # dd.from_map: each partition built on its worker"
    }

    /// `with_region = people.map_partitions(assign_region, regions, meta=...)`: Dask 2026.8 wraps only
    /// Delayed arguments; any other object is embedded in every partition's task.
    mutating func mapPartitionsLine(_ l: Graph.Layer, call: CallSite, variable v: String) throws(ExportError) -> String {
        guard let over = l.inputs.first(where: { $0.role == .block(0) }), let frame = names[graph[over.source].name] else {
            throw error("step `\(l.name)` maps over no frame", l.range)
        }
        let (function, receiver) = try partitionCallable(l, call: call)
        var positional = receiver.map { [$0] } ?? []
        var keywords: [(at: Int, text: String)] = []
        for a in call.arguments {
            switch a.role {
            case .receiver, .carried, .block: continue
            case .argument: positional.append(try partitionArgument(a.source, of: l))
            case .keyword(let name):
                let at = switch a.source {
                case .literal(_, let r), .item(let r): r.start
                case .input(let e): l.inputs[e].range.start
                }
                guard PythonSyntax.isPlainIdentifier(name), !Self.mapPartitionsKeywords.contains(name) else {
                    throw error("keyword `\(name)` is a name Dask's map_partitions keeps for itself", keywordRange(l, name) ?? l.range,
                                help: "rename the parameter")
                }
                keywords.append((at, "\(name)=\(try partitionArgument(a.source, of: l))"))
            }
        }
        let meta = "meta=_with_column(\(frame), \(PythonSyntax.string(try resultColumn(l, call: call))), \(PythonSyntax.string(try resultDtype(l, call: call))))"
        let all = [function] + positional + keywords.sorted { $0.at < $1.at }.map(\.text) + [meta]
        return "\(v) = \(frame).map_partitions(\(all.joined(separator: ", ")))"
    }

    /// An argument of map_partitions. A scattered object's future goes in as `dask.delayed(future)`:
    /// map_partitions resolves Delayed arguments only, and a bare future reaches the function
    /// unresolved (measured with dask 2026.8: `.map(future)` gives a column of futures).
    func partitionArgument(_ source: CallSite.Source, of l: Graph.Layer) throws(ExportError) -> String {
        let text = try argumentText(source, of: l)
        guard case .input(let e) = source, graph[l.inputs[e].source].object?.placement == .scatter else { return text }
        return "dask.delayed(\(text))"
    }

    static let mapPartitionsKeywords: Set<String> = ["func", "meta", "enforce_metadata", "transform_divisions", "clear_divisions",
                                                     "align_dataframes", "parent_meta", "required_columns", "token"]

    /// The column a frame kernel assigns.
    func resultColumn(_ l: Graph.Layer, call: CallSite) throws(ExportError) -> String {
        guard let into = call.function.frameOptions?.into else {
            throw error("step `\(l.name)`: `map_partitions` needs a frame kernel (`map_column`, `score_rows`)", l.range)
        }
        return into
    }

    /// The dtype of the assigned column as the runtime's `_with_column` reads it: `string` for a
    /// dict of strings, a Series table's own dtype, float64 for `score_rows`.
    func resultDtype(_ l: Graph.Layer, call: CallSite) throws(ExportError) -> String {
        guard let k = call.kernel?.kernel, k == .mapColumn else { return "float64" }
        guard case .object(let e, let inside)? = call.operand(ofKernelParameter: 1, inputs: l.inputs),
              let table = graph[l.inputs[e].source].object?.recipe.projected(through: l.inputs[e].path + inside) else {
            return "string"
        }
        if case .series(let s) = table { return s.dtype.rawValue }
        return "string"
    }

    /// The function map_partitions is handed, and the receiver passed after the partition when it
    /// is delayed or scattered (map_partitions never unpacks the function itself).
    mutating func partitionCallable(_ l: Graph.Layer, call: CallSite) throws(ExportError) -> (String, String?) {
        guard call.isMethod || call.isCallableInstance else { return (try carryingCallable(l, call: call), nil) }
        guard let e = l.inputs.first(where: { $0.role == .receiver }), let o = graph[e.source].object,
              let receiver = names[o.name], case .instance(let inst) = o.recipe else {
            throw error("step `\(l.name)` calls a method of an object that is not an instance", l.range)
        }
        let method = call.function.name
        if o.placement == .embed { return (call.isCallableInstance ? receiver : PythonSyntax.attribute(receiver, method), nil) }
        let passed = o.placement == .scatter ? "dask.delayed(\(receiver))" : receiver
        let key = "_call_\(inst.className.replacingOccurrences(of: ".", with: "_"))_\(method)_on_partition"
        if wrappers[key] == nil {
            let w = globals.fresh(key)
            wrappers[key] = """
            def \(w)(part, receiver, *args):
                \"\"\"`\(inst.className).\(method)` of a delayed or scattered receiver on one partition.\"\"\"
                return \(PythonSyntax.attribute("receiver", method))(part, *args)
            """
            wrapperOrder.append(key)
            names["wrapper:" + key] = w
        }
        return (names["wrapper:" + key] ?? key, passed)
    }

    /// `joined = people.merge(reference, on='zip', how='left')`: with a DataFrame object Dask makes it
    /// `from_pandas(npartitions=1)` (one task); two collections pin the p2p shuffle, as on a
    /// distributed cluster. The comment names Dask's plan (`MergePlan`): a blockwise merge (a
    /// DataFrame object then copied once per worker), a broadcast join or a hash join.
    func mergeLine(_ l: Graph.Layer, _ m: FrameMerge, variable v: String) throws(ExportError) -> String {
        guard let left = l.inputs.first.flatMap({ names[graph[$0.source].name] }) else {
            throw error("step `\(l.name)` merges no frame", l.range)
        }
        let keys = "on=\(PythonSyntax.string(m.on)), how='\(m.how.rawValue)'"
        switch m.route {
        case .broadcast(let declared):
            // The object as the graph now places it (the optimizer may have changed its placement).
            let layer = graph.layers.first { $0.object?.name == declared.name }
            let o = layer?.object ?? declared
            guard case .dataframe(let d) = o.recipe else {
                throw error("step `\(l.name)` merges with an object that is not a DataFrame", l.range)
            }
            // The merge has no object edge; Cull keeps the object's layer (edgelessObjectRead), and a graph without it builds it here.
            let right = layer.flatMap { names[$0.name] } ?? (frameRecipeExpression(o.recipe) ?? "None")
            if o.placement == .embed {
                return "\(v) = \(left).merge(\(right), \(keys))  # a pandas frame: from_pandas(npartitions=1), \(planComment(l, m))"
            }
            // A delayed or scattered frame: one partition made from it (dd.from_delayed), built or held on the cluster.
            let value = o.placement == .scatter ? "dask.delayed(\(right))" : right
            let meta = "_dataframe(0, \(columnsText(d.schema, indent: "        ")))"
            return "\(v) = \(left).merge(_one_partition(\(value), \(meta)), \(keys))  # one partition from the \(o.placement.rawValue) frame, \(planComment(l, m))"
        case .shuffle:
            guard l.inputs.count > 1, let right = names[graph[l.inputs[1].source].name] else {
                throw error("step `\(l.name)` merges with no frame", l.range)
            }
            return "\(v) = \(left).merge(\(right), \(keys), shuffle_method='p2p')  # \(planComment(l, m))"
        }
    }

    /// Dask's plan for a merge, as the exported line's comment says it.
    func planComment(_ l: Graph.Layer, _ m: FrameMerge) -> String {
        let n = l.grid.chunkCount
        let (left, right) = m.sides(partitions: n)
        switch m.plan(partitions: n) {
        case .blockwise: return m.isBroadcast ? "merged blockwise, one copy per worker" : "merged blockwise (one side is one partition)"
        case .broadcastJoin:
            let side = left < right ? "left" : "right"
            return "a broadcast join: every partition of the \(side) side (\(min(left, right))) to each of the \(n) merge tasks"
        case .hashJoin:
            return m.isBroadcast ? "hash-joined into \(n) partitions (p2p), not copied per worker" : "a hash join of two collections"
        }
    }

    /// The extra arguments of a frame kernel's runtime function (`column=…, into=…`).
    func frameKernelArguments(_ f: PipelineFunction, kernel: Kernel) -> [String] {
        guard kernel.isFrameKernel, let o = f.frameOptions else { return [] }
        var args: [String] = []
        if kernel == .mapColumn, let c = o.column { args.append(PythonSyntax.string(c)) }
        if kernel == .scoreRows { args.append("[" + PythonSyntax.strings(o.columns) + "]") }
        args.append(PythonSyntax.string(o.into))
        return args
    }

    /// A `dataframe:` or `dict:` object's builder expression.
    func frameRecipeExpression(_ r: Recipe) -> String? {
        switch r {
        case .dataframe(let d):
            return "_dataframe(\(d.length), \(columnsText(d.schema, indent: "        ")))"
        case .stringDict(let d):
            return "_str_dict(\(d.length), \(d.keyLength), \(d.valueLength), \(d.distinct))"
        default:
            return nil
        }
    }
}
