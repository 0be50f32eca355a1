import Lint
import PipelineIR

/// PL017: a `client.map` keyword argument Dask wraps into a graph node, which distributed
/// 2026.8.0 fails to run.
public struct ClientMapKeywordRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL017",
        name: "client-map-large-keyword",
        summary: "A large keyword argument of `client.map` fails at run time in distributed 2026.8.0",
        defaultSeverity: .error,
        whatItDoes: "Finds `map` steps (format 1.1) passing an embedded object as a keyword whose `dask.sizeof` exceeds 100,000 bytes.",
        whyBad: """
            `client.map(f, items, table=big)` wraps a keyword argument whose `sizeof` exceeds 1e5 (not \
            `normalize_arg`'s 1e6) into one graph node named after the keyword, shared by every call. In \
            distributed 2026.8.0 that path fails when the tasks run: the scheduler raises \
            `AssertionError(<TaskState 'table' processing>)` and every future errs. Measured on a 2-worker \
            LocalCluster: a 12,500-float64 ndarray (sizeof 100,000 B) runs, 12,501 (100,008 B) fails. \
            Positional arguments and the function are never wrapped, so they are copied into every task (PL001). \
            Scattering the object first works (measured); passing a `dask.delayed` object does not, since \
            `client.map` hands it to the function unevaluated.
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1.1
            cluster: {scheduler: distributed, workers: 2}
            objects:
              curve: {ndarray: {shape: [200000]}}
            functions:
              f: {params: [i, table], kernel: take}
            steps:
              s: {map: f, items: {range: 8}, args: [item], kwargs: {table: ↓curve}}
            """,
        ],
        nonTriggeringExamples: [
            """
            pipeline: example
            version: 1.1
            cluster: {scheduler: distributed, workers: 2}
            objects:
              curve: {ndarray: {shape: [1000]}}
            functions:
              f: {params: [i, table], kernel: take}
            steps:
              s: {map: f, items: {range: 8}, args: [item], kwargs: {table: curve}}
            """,
            """
            pipeline: example
            version: 1.1
            cluster: {scheduler: distributed, workers: 2}
            objects:
              curve: {ndarray: {shape: [200000]}, placement: scatter}
            functions:
              f: {params: [i, table], kernel: take}
            steps:
              s: {map: f, items: {range: 8}, args: [item], kwargs: {table: curve}}
            """,
        ],
        fixSafety: "Unsafe: `placement: scatter` (scatter it first: `client.scatter(obj, broadcast=True)`, then every call gets the future). It needs a live client, and the Active Memory Manager may drop the extra replicas. A delayed object is no workaround: `client.map` passes it to the function unevaluated (measured with 2026.8.0: the task receives the `Delayed`)."
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for layer in ctx.estimate.layers {
            guard ctx.graph[layer.id].perItem?.form == .map else { continue }
            for use in layer.objects where use.daskDelays {
                guard case .keyword(let name)? = ctx.graph[layer.id].inputs.first(where: { $0.range == use.range })?.role,
                      let obj = ctx.pipeline.object(named: use.object) else { continue }
                let fixes = EmbeddedObjectRule().fixes(for: obj, ctx: ctx)
                var f = finding("keyword `\(name)` of `client.map` in step `\(layer.name)` is `\(use.shownName)` (dask.sizeof ≈ \(formatBytes(use.daskSizeof.bytes)), over 100 kB): Dask wraps it into one graph node, which distributed 2026.8.0 fails to run (AssertionError: TaskState '\(name)' processing)",
                                at: use.range,
                                help: "scatter it first (`placement: scatter`); a delayed object does not help here, as `client.map` passes it unevaluated",
                                fix: fixes.primary, subjects: [obj.name])
                f.alternativeFixes = fixes.alternatives
                out.append(f)
            }
        }
        return out
    }
}
