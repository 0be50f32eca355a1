import Lint
import PipelineIR
import Sizing

/// PL004: a bound method ships its whole instance though it reads only some fields.
public struct BoundMethodRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL004",
        name: "bound-method-drags-instance",
        summary: "A bound method ships its whole instance though it reads only some of its fields",
        defaultSeverity: .warning,
        whatItDoes: """
            Finds `map_blocks: object.method` steps — and calls of a callable instance, `map_blocks: object` whose \
            class declares `__call__` (format 1.1) — whose method reads only some of the instance's fields while the \
            others are large: every task carries the whole instance as the method's receiver.
            """,
        whyBad: """
            Dask serializes the function of every task; a bound method pickles as `getattr(instance, name)`, so the \
            entire instance travels with it. Dask's `normalize_arg` never looks at the function, so nothing is \
            de-duplicated: fields the method never reads are still copied into every task.
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            objects:
              mapper:
                class: Mapper
                fields:
                  series: {series: {range: 1000, dtype: int64}}
                  history: {ndarray: {shape: [200000], dtype: float64}}
                methods: {lookup: {kernel: take, with: {table: self.series}}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              looked_up: {map_blocks: ↓mapper.lookup, over: [x]}
            """,
        ],
        nonTriggeringExamples: [
            // The method reads every field it ships.
            """
            pipeline: example
            version: 1
            objects:
              mapper:
                class: Mapper
                fields: {series: {series: {range: 1000, dtype: int64}}}
                methods: {lookup: {kernel: take, with: {table: self.series}}}
            arrays:
              x: {shape: [100000], chunks: [1000], dtype: int64, source: range}
            steps:
              looked_up: {map_blocks: mapper.lookup, over: [x]}
            """,
        ],
        fixSafety: "No automatic fix: moving the field into an argument changes the function's signature."
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        guard ctx.graph.cluster.scheduler.serializesTasks else { return [] }
        var out: [Finding] = []
        for layer in ctx.graph.layers {
            guard let function = layer.function, function.isMethod,
                  case .kernel(_, let bindings) = function.body else { continue }
            // A bound method's receiver, or a callable instance (its `__call__` is the function).
            for edge in layer.inputs where edge.role == .receiver || edge.role == .carried(.instance, name: "self") {
                guard let obj = ctx.graph[edge.source].object, obj.placement == .embed,
                      case .instance(let inst) = obj.recipe else { continue }
                var read = Set<String>()
                var readsWhole = false
                for b in bindings {
                    if case .param(0, let path) = b {
                        if case .field(let f)? = path.first { read.insert(f) } else { readsWhole = true }
                    }
                }
                guard !readsWhole else { continue }
                let unused = inst.fields.filter { !read.contains($0.name) }
                var bytes: Int64 = 0
                for f in unused {
                    let w = SizeModel.wireSize(ObjectValues.pyValue(f.recipe))
                    if case .unknown = w.confidence { continue }
                    bytes = bytes.addingReportingOverflow(w.bytes).overflow ? Int64.max : bytes + w.bytes
                }
                guard bytes >= ctx.settings.embeddedObjectMinBytes, !unused.isEmpty else { continue }
                let readList = read.sorted().map { "`self.\($0)`" }.joined(separator: ", ")
                let unusedList = unused.map { "`\($0.name)`" }.joined(separator: ", ")
                let callee = edge.role == .receiver ? "`\(obj.name).\(function.name)`" : "callable instance `\(obj.name)`"
                out.append(finding(
                    "\(callee) reads only \(readList.isEmpty ? "no field" : readList) but ships the whole `\(inst.className)` instance, with \(unusedList) (≈ \(formatBytes(bytes)) unused), in each of the \(layer.taskCount) tasks of step `\(layer.name)`; Dask never de-duplicates the function",
                    at: edge.range,
                    help: "pass what it reads instead: a function over `\(obj.name).\(read.sorted().first ?? "field")` called with `args: [\(obj.name).\(read.sorted().first ?? "field")]`",
                    subjects: [obj.name, layer.name]))
            }
        }
        return out
    }
}
