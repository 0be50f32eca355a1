import Analysis
import Lint
import PipelineIR
import Sizing

/// PL001: an object is copied into the definition of every chunk task.
public struct EmbeddedObjectRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL001",
        name: "embedded-object",
        summary: "An object is copied into every chunk task on a serializing scheduler",
        defaultSeverity: .warning,
        whatItDoes: """
            Finds objects passed to `map_blocks` — as an argument, a keyword argument, or as the receiver of a \
            bound method — that Dask will serialize into the definition of every chunk task; in DataFrame \
            pipelines (format 1.2), arguments of `map_partitions` and the table of a `lookup` step (`Series.map`).
            """,
        whyBad: """
            On the `distributed` and `processes` schedulers each task's definition is pickled on its own when it \
            is dispatched, and each worker unpickles its own copy of every embedded object for every task, keeping \
            it while that task's result is alive. Worker memory grows by about the object's size per chunk. Dask's \
            safety net, `normalize_arg`, wraps an argument in `delayed` only when `dask.sizeof` exceeds 1e6 bytes or \
            it is a list of 10 or more items — and `sizeof` of a custom class falls back to `sys.getsizeof` (~56 B), \
            so an instance holding a large Series slips through. The function (a bound method's receiver) is never \
            checked at all. The "Sending large graph" warning does not fire either: the client pickles the graph in \
            one go and pickle's memo stores the object once. The local `processes` scheduler pickles every task \
            together with the values of its dependencies, so there even a `delayed` object travels with every task \
            (a pool process holds one copy at a time). A small object is reported too when its copies add up: \
            `embedded-object.min-bytes-per-worker` (10 MB) of task messages or held copies per worker.
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            cluster: {scheduler: distributed, workers: 2}
            objects:
              mapper:
                class: Mapper
                fields: {series: {series: {range: 30000, dtype: int64}}}
            functions:
              f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              looked_up: {map_blocks: f, over: [x], args: [↓mapper]}
            outputs:
              looked_up: persist
            """,
            """
            pipeline: example
            version: 1
            objects:
              mapper:
                class: Mapper
                fields: {series: {series: {range: 30000, dtype: int64}}}
                methods: {lookup: {kernel: take, with: {table: self.series}}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              looked_up: {map_blocks: ↓mapper.lookup, over: [x]}
            outputs:
              looked_up: persist
            """,
            // On the processes scheduler a delayed object travels with every task as its dependency's value.
            """
            pipeline: example
            version: 1
            cluster: {scheduler: processes, workers: 2}
            objects:
              mapper:
                class: Mapper
                fields: {series: {series: {range: 30000, dtype: int64}}}
                placement: delayed
            functions:
              f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              looked_up: {map_blocks: f, over: [x], args: [↓mapper]}
            """,
            // 40 KB is under embedded-object.min-bytes, but 1,000 copies per worker are 40 MB.
            """
            pipeline: example
            version: 1
            cluster: {scheduler: distributed, workers: 2}
            objects:
              edges: {ndarray: {shape: [5000], dtype: float64}}
            functions:
              g: {params: [block, e], kernel: searchsorted, with: {edges: e}}
            arrays:
              x: {shape: [200000], chunks: [100], dtype: float64, source: range}
            steps:
              binned: {map_blocks: g, over: [x], args: [↓edges]}
            outputs:
              binned: persist
            """,
            // Format 1.2: Series.map keeps the dict as an operand of every partition's `map` task.
            """
            pipeline: example
            version: 1.2
            cluster: {scheduler: distributed, workers: 2}
            objects:
              regions: {dict: {length: 40000, keys: {string: 5}, values: {string: 8, distinct: 50}}}
            frames:
              people:
                rows: 400000
                partitions: 40
                columns:
                  zip: {dtype: string, length: 5, source: {random: {seed: 3, low: 0, high: 40000}}}
            steps:
              with_region: {lookup: people.zip, through: ↓regions, into: region}
            outputs:
              with_region: persist
            """,
        ],
        nonTriggeringExamples: [
            // The threaded scheduler passes objects by reference.
            """
            pipeline: example
            version: 1
            cluster: {scheduler: threads}
            objects:
              mapper:
                class: Mapper
                fields: {series: {series: {range: 30000, dtype: int64}}}
            functions:
              f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              looked_up: {map_blocks: f, over: [x], args: [mapper]}
            """,
            // Built once inside a task: chunk tasks hold a reference.
            """
            pipeline: example
            version: 1
            objects:
              mapper:
                class: Mapper
                fields: {series: {series: {range: 30000, dtype: int64}}}
                placement: delayed
            functions:
              f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              looked_up: {map_blocks: f, over: [x], args: [mapper]}
            """,
            // 76 bytes in 40 tasks: noise.
            """
            pipeline: example
            version: 1
            objects:
              options: {value: {fill_value: -1, out_of_range: fill, version: "2024-06"}}
            functions:
              g: {params: [block, options], kernel: identity}
            arrays:
              x: {shape: [40000], chunks: [1000], dtype: int64, source: range}
            steps:
              out: {map_blocks: g, over: [x], kwargs: {options: options}}
            outputs:
              out: persist
            """,
            // Dask's normalize_arg already wraps an 8 MB ndarray argument in delayed.
            """
            pipeline: example
            version: 1
            objects:
              weights: {ndarray: {shape: [1000000], dtype: float64}}
            functions:
              g: {params: [block, w], kernel: take, with: {table: w}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              out: {map_blocks: g, over: [x], args: [weights]}
            """,
        ],
        fixExamples: [
            (
                before: """
                    pipeline: example
                    version: 1
                    objects:
                      mapper:
                        class: Mapper
                        fields: {series: {series: {range: 30000, dtype: int64}}}  # the lookup table
                    functions:
                      f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
                    arrays:
                      x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
                    steps:
                      looked_up: {map_blocks: f, over: [x], args: [mapper]}
                    """,
                after: """
                    pipeline: example
                    version: 1
                    objects:
                      mapper:
                        class: Mapper
                        fields: {series: {series: {range: 30000, dtype: int64}}}  # the lookup table
                        placement: delayed
                    functions:
                      f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
                    arrays:
                      x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
                    steps:
                      looked_up: {map_blocks: f, over: [x], args: [mapper]}
                    """
            ),
        ],
        fixSafety: """
            Adding `placement: delayed` is safe when a worker can build the object from the YAML alone (a `range`, \
            `values`, `random` or `fill` recipe, a literal, or an instance whose fields are all such recipes). It is \
            unsafe when the object is loaded from a file or built by a Python factory: the file or the package must \
            exist on every worker. An object written as an alias (`*m`) is fixed once, at its anchor, which changes \
            every object defined by that anchor; an alias of something that is not an object gets no automatic fix. \
            `pipelint fix --unsafe-fixes --prefer scatter` adds `placement: scatter` instead (distributed scheduler \
            only): always unsafe, because it needs a live client, keeps one copy per worker, and the Active Memory \
            Manager may drop the extra replicas. On the `processes` scheduler no fix is offered: a delayed or \
            scattered object still travels with every task there; run on a distributed cluster or the threads \
            scheduler, or build the object inside the task.
            """,
        options: """
            In `.pipelint.yml` under `thresholds:` (docs/configuration.md). `embedded-object.min-bytes` (default \
            64KiB): an object whose pickle is at least this is reported. `embedded-object.min-bytes-per-worker` \
            (default 10MB, Dask's own `distributed.admin.large-graph-warning-threshold`): a smaller object is \
            reported when its copies cost one worker at least this much — the larger of the bytes shipped to it in \
            task messages and the copies it holds at once.
            """
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        guard ctx.graph.cluster.scheduler.serializesTasks else { return [] }
        let estimate = ctx.estimate
        var out: [Finding] = []
        for layer in estimate.layers where layer.tasks >= 2 {
            let function: PipelineFunction?
            switch ctx.graph[layer.id].kind {
            case .mapBlocks(let call): function = call?.function
            case .rows(.lookup): function = nil
            default: continue
            }
            // `copiedPerTask` is false for delayed/scattered objects and for arguments normalize_arg already wraps.
            for use in layer.objects where use.copiedPerTask {
                if case .unknown = use.wire.confidence { continue }
                guard Self.worthAFinding(use, layer: layer, workers: ctx.graph.cluster.workers, settings: ctx.settings),
                      let obj = ctx.pipeline.object(named: use.object), let value = use.value else { continue }
                out.append(finding(for: obj, use: use, layer: layer, function: function, value: value, estimate: estimate, ctx: ctx))
            }
        }
        return out
    }

    /// Large enough on its own (`embedded-object.min-bytes`), or small but paid for many times
    /// over by one worker (`embedded-object.min-bytes-per-worker`): the bytes shipped to a worker
    /// in its tasks' messages, or the copies it holds at once, whichever is larger.
    static func worthAFinding(_ use: ObjectUse, layer: LayerEstimate, workers: Int, settings: LintSettings) -> Bool {
        if use.wire.bytes >= settings.embeddedObjectMinBytes { return true }
        let tasksPerWorker = Int64(Sat.ceilDiv(layer.tasks, max(1, workers)))
        let shipped = use.wire.bytes.multipliedReportingOverflow(by: tasksPerWorker)
        let perWorker = max(shipped.overflow ? Int64.max : shipped.partialValue, use.residentPerWorker.bytes)
        return perWorker >= settings.embeddedObjectMinBytesPerWorker
    }

    func finding(for obj: PipelineObject, use: ObjectUse, layer: LayerEstimate, function: PipelineFunction?, value: PyValue,
                 estimate: GraphEstimate, ctx: RuleContext) -> Finding {
        let cluster = ctx.graph.cluster
        if cluster.scheduler == .processes { return processesFinding(for: obj, use: use, layer: layer, function: function, value: value) }
        let what = Self.description(of: obj, use: use, value: value)
        // The resident prediction: copies alive at once times one unpickled copy.
        let total = use.residentTotal.bytes
        let heldText = total == Int64.max ? "more memory than exists" : "≈ \(formatBytes(total))"
        let perWorker = use.residentPerWorker.bytes == Int64.max ? "" : " (≈ \(formatBytes(use.residentPerWorker.bytes)) per worker)"
        let lifetime = layer.resultsHeld ? "while the results live" : "at a time while chunks are in flight"
        let how: String
        if let carried = use.carried, let f = function {
            let by = carried.route == .instance ? "as the callable instance `\(obj.name)` itself" : "by function `\(f.name)` (\(carried.route.phrase))"
            how = "is carried \(by) into each of the \(layer.tasks) tasks of step `\(layer.name)`"
        } else if use.isReceiver, let f = function {
            how = "is dragged into each of the \(layer.tasks) tasks of step `\(layer.name)` as the receiver of `\(obj.name).\(f.name)`"
        } else if let loop = ctx.graph[layer.id].perItem, let f = function {
            how = "is copied into each of the \(layer.tasks) tasks of step `\(layer.name)` \(Self.perItemRoute(loop.form, function: f.name))"
        } else if case .rows(.lookup(let c, _, _, _, _, _)) = ctx.graph[layer.id].kind {
            // Format 1.2: dask 2026.8's Series.map keeps its argument as an operand of every `map` task.
            how = "is copied into each of the \(ctx.graph[layer.id].grid.chunkCount) partition tasks of step `\(layer.name)` (the table of `Series.map` in `\(ctx.graph[layer.id].inputs.first.map { ctx.graph[$0.source].name } ?? "frame")[\"\(c)\"].map(\(obj.name))`, which Dask never wraps)"
        } else if ctx.graph[layer.id].frame != nil, let f = function {
            // Format 1.2: dask 2026.8's map_partitions wraps Delayed arguments only, never by size.
            how = "is copied into each of the \(layer.tasks) partition tasks of step `\(layer.name)` (an argument of `map_partitions(\(f.name), …)`, which Dask wraps only when it is Delayed)"
        } else {
            how = "is copied into each of the \(layer.tasks) tasks of step `\(layer.name)`"
        }
        let silence: String
        if estimate.largeGraphWarning {
            silence = "Dask only warns about the graph's size at submit"
        } else if use.isReceiver || use.carried != nil {
            silence = "Dask's own checks stay silent (it never inspects the function)"
        } else {
            silence = "Dask's own checks stay silent (sizeof sees \(formatBytes(use.daskSizeof.bytes)))"
        }
        let message = "object `\(use.shownName)` (\(what)) \(how) on a \(cluster.scheduler.rawValue) scheduler: workers hold \(heldText)\(perWorker) \(lifetime); \(silence)"
        // A callable instance is fixed like a receiver (delayed: the export calls it through a wrapper).
        let fixes = use.carried.flatMap { $0.route == .instance ? nil : $0 }
            .map { (primary: Self.carriedFix(obj, route: $0.route, name: $0.name, function: function, layer: layer.name), alternatives: [Fix]()) }
            ?? fixes(for: obj, ctx: ctx)
        var f = finding(message, at: use.range, fix: fixes.primary, subjects: [obj.name, layer.name])
        f.alternativeFixes = fixes.alternatives
        return f
    }

    /// The fix for an object a function carries: pass it as an argument, built in one task. Display-only:
    /// the edit changes the function's signature (a parameter instead of the `partial`/`closure`/`globals`
    /// entry) and every step that calls it, which
    /// pipelint does not rewrite on its own. (A callable instance gets the usual `placement` fix.)
    static func carriedFix(_ obj: PipelineObject, route: Graph.CarryRoute, name: String, function: PipelineFunction?, layer: String) -> Fix {
        let f = function?.name ?? "the function"
        let key = route == .global ? "globals" : route.rawValue
        let title = "pass it as an argument: move `\(name)` from `\(key)` of function `\(f)` to its `params`, pass `\(obj.name)` in `args` of step `\(layer)` (and every step calling `\(f)`), and add `placement: delayed` to object `\(obj.name)`"
        return Fix(title: title, applicability: .displayOnly, edits: [],
                   caveat: "the edit changes the function's signature and every step that calls it; pipelint does not rewrite calls on its own")
    }

    /// What the object is, for the message: `≈ 236 KiB pickled by value, `__main__` class`.
    static func description(of obj: PipelineObject, use: ObjectUse, value: PyValue) -> String {
        var what = "≈ \(formatBytes(use.wire.bytes)) pickled"
        if SizeModel.wireFlavor(value) == .cloudpickle { what += " by value" }
        if case .instance(let inst) = obj.recipe, use.path.isEmpty { what += inst.isMain ? ", `__main__` class" : ", `\(inst.module ?? "")` class" } else if let r = ObjectValues.project(obj.recipe, use.path) { what += ", \(r.kindName)" }
        return what
    }

    /// The processes scheduler pickles every task with the values of its dependencies, so a
    /// delayed (or Dask-wrapped) object travels with every task too: no placement reduces what
    /// it ships, and no fix is offered. A pool process holds one copy at a time.
    func processesFinding(for obj: PipelineObject, use: ObjectUse, layer: LayerEstimate, function: PipelineFunction?, value: PyValue) -> Finding {
        let shipped = use.wire.bytes.multipliedReportingOverflow(by: Int64(layer.tasks))
        let through = shipped.overflow ? "more bytes than exist" : "≈ \(formatBytes(shipped.partialValue))"
        let role = use.isReceiver ? " (the receiver of `\(obj.name).\(function?.name ?? "")`)" : ""
        var message = "object `\(use.shownName)` (\(Self.description(of: obj, use: use, value: value)))\(role) is pickled into each of the \(layer.tasks) tasks of step `\(layer.name)` "
        message += "on a processes scheduler, which sends every task with the values of its dependencies: \(through) through the pipes, one copy at a time in each pool process; "
        message += obj.placement == .embed && !use.daskDelays ? "`placement: delayed` would not change that" : "its `\(use.daskDelays ? "delayed" : obj.placement.rawValue)` placement does not change that"
        let help = "run it on a distributed cluster (`scheduler: distributed`), where `placement: delayed` builds one copy per worker, "
            + "or on the threads scheduler (`scheduler: threads`), which passes objects by reference; or build the object inside the task"
        return finding(message, at: use.range, help: help, subjects: [obj.name, layer.name])
    }

    /// What a worker needs to build the object itself, when the YAML alone is not enough.
    static func workerRequirement(_ r: Recipe) -> String? {
        switch r {
        case .python(let factory, _):
            return "`\(factory.split(separator: ":").first.map(String.init) ?? factory)` must be importable"
        case .series(let s):
            if case .load(let path, _) = s.source { return "`\(path)` must exist" }
            return nil
        case .ndarray(let a):
            return a.load.map { "`\($0)` must exist" }
        case .instance(let i):
            for f in i.fields { if let need = workerRequirement(f.recipe) { return need } }
            return nil
        default:
            return nil
        }
    }

    /// How a per-item step (format 1.1) passes the object: none of the three forms wraps it.
    static func perItemRoute(_ form: PerItemForm, function f: String) -> String {
        switch form {
        case .delayed: "(an argument of each `dask.delayed(\(f))(…)` call, which Dask never wraps)"
        case .submit: "(an argument of each `client.submit(\(f), …)`, which Dask never wraps)"
        case .map: "(a positional argument of `client.map(\(f), …)`, which Dask never wraps)"
        }
    }

    /// The fixes for an object: `placement: delayed` on its mapping (at its
    /// anchor when it is written `*alias`), and `placement: scatter` as an
    /// alternative that `pipelint fix --prefer scatter` picks.
    ///
    /// Delayed is safe when a worker can build the object from the YAML alone
    /// (`Recipe.isSelfContained`); a `load:` file or a Python factory must exist
    /// on every worker, so then it is unsafe. Scatter is always unsafe: it needs
    /// a live distributed client, keeps one copy per worker, and the Active
    /// Memory Manager may drop the replicas.
    func fixes(for obj: PipelineObject, ctx: RuleContext) -> (primary: Fix, alternatives: [Fix]) {
        let routes = ctx.analysis.routes
        if let carrier = routes.firstCarrier[obj.name] {
            // A delayed or scattered object cannot travel inside a function: the edit would make the file invalid.
            return (Fix(title: "build it inside one task: add `placement: delayed` to object `\(obj.name)`, after function `\(carrier)` takes it as an argument",
                        applicability: .displayOnly, edits: [],
                        caveat: "function `\(carrier)` also carries `\(obj.name)`, and Dask never unpacks a delayed object inside a function"), [])
        }
        var title = "build it inside one task: add `placement: delayed` to object `\(obj.name)`"
        let need = Self.workerRequirement(obj.recipe)
        if let need { title += "; \(need) on every worker" }
        let definition: YAMLEdits.ObjectDefinition
        switch YAMLEdits.objectDefinition(ctx.tree, name: obj.name, definitions: ctx.definitions) {
        case .failure(let refused):
            return (Fix(title: title, applicability: .displayOnly, edits: [], caveat: refused.reason), [])
        case .success(let d):
            definition = d
        }
        if definition.owner != obj.name {
            title = "build it inside one task: add `placement: delayed` to object `\(definition.owner)`, which `\(obj.name)` aliases"
            if let need { title += "; \(need) on every worker" }
        }
        let others = definition.sharedBy.filter { $0 != obj.name && $0 != definition.owner }
        let shared = others.isEmpty ? "" : " (also changes \(others.map { "`\($0)`" }.joined(separator: ", ")), defined by the same anchor)"
        func fix(_ placement: Placement, title: String, applicability: Applicability, caveat: String?) -> Fix {
            guard let edit = YAMLEdits.setEntry("placement", placement.rawValue, in: definition.mapping, tree: ctx.tree, source: ctx.source) else {
                return Fix(title: title, applicability: .displayOnly, edits: [],
                           caveat: "the mapping of object `\(definition.owner)` is laid out in a way pipelint does not edit; add the key by hand")
            }
            return Fix(title: title + shared, applicability: applicability, edits: [edit],
                       placements: definition.sharedBy.map { PlacementDecision(object: $0, placement: placement) }, caveat: caveat)
        }
        // Whether a `submit` or `map` step (format 1.1) takes the object: there only futures are resolved.
        if routes.reachingFutures.contains(obj.name), ctx.graph.cluster.scheduler == .distributed {
            // `client.submit` and `client.map` pass a Delayed object unevaluated (measured: the task
            // receives the Delayed itself); a scattered object's future is resolved on the worker.
            let scatter = fix(.scatter, title: "scatter it first: add `placement: scatter` to object `\(definition.owner)`", applicability: .unsafe,
                              caveat: "`client.submit` and `client.map` pass a delayed object unevaluated, so only a scattered one helps there; "
                                  + "needs a live distributed client, and the Active Memory Manager may drop the extra replicas")
            return (scatter, [])
        }
        let safe = obj.recipe.isSelfContained
        let primary = fix(.delayed, title: title, applicability: safe ? .safe : .unsafe,
                          caveat: need.map { "a worker builds the object itself, so \($0) on every worker" })
        var alternatives: [Fix] = []
        // Scatter needs a distributed client; the processes scheduler has none.
        if ctx.graph.cluster.scheduler == .distributed {
            let owner = definition.owner
            alternatives.append(fix(.scatter, title: "broadcast it to every worker: add `placement: scatter` to object `\(owner)`", applicability: .unsafe,
                                    caveat: "needs a live distributed client (`client.scatter(obj, broadcast=True)`), keeps one copy per worker up front, "
                                        + "and the Active Memory Manager (ReduceReplicas, on by default) may drop the extra replicas"))
        }
        return (primary, alternatives)
    }
}
