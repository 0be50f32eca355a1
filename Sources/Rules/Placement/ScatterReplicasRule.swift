import Lint
import PipelineIR

/// PL012: scatter with broadcast under the Active Memory Manager.
public struct ScatterReplicasRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL012",
        name: "scatter-replicas",
        summary: "A scattered object's replicas may be dropped by the Active Memory Manager",
        defaultSeverity: .info,
        whatItDoes: "Points out `placement: scatter` objects on a distributed cluster with more than one worker.",
        whyBad: """
            `client.scatter(obj, broadcast=True)` puts one copy on every worker, but distributed's Active Memory \
            Manager (on by default, policy `ReduceReplicas`) removes replicas it considers redundant; tasks on other \
            workers then fetch the object over the network when they run. Scatter also needs a live client.
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            cluster: {scheduler: distributed, workers: 4}
            objects:
              table: {series: {range: 100000}, placement: ↓scatter}
            functions:
              f: {params: [block, table], kernel: take}
            arrays:
              x: {shape: [100], chunks: [10], dtype: int64}
            steps:
              s: {map_blocks: f, over: [x], args: [table]}
            """,
        ],
        nonTriggeringExamples: [
            """
            pipeline: example
            version: 1
            cluster: {scheduler: distributed, workers: 1}
            objects:
              table: {series: {range: 100000}, placement: scatter}
            functions:
              f: {params: [block, table], kernel: take}
            arrays:
              x: {shape: [100], chunks: [10], dtype: int64}
            steps:
              s: {map_blocks: f, over: [x], args: [table]}
            """,
        ],
        fixSafety: "No fix: this is information."
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        let c = ctx.graph.cluster
        guard c.scheduler == .distributed, c.workers > 1 else { return [] }
        return ctx.pipeline.objects.filter { $0.placement == .scatter }.map { o in
            finding("object `\(o.name)` is scattered to all \(c.workers) workers, but the Active Memory Manager (on by default, ReduceReplicas) may drop the extra replicas",
                    at: o.placementRange ?? o.nameRange,
                    help: "expect tasks to fetch it from another worker after replicas are dropped; `placement: delayed` builds one copy per worker on demand",
                    subjects: [o.name])
        }
    }
}
