import Lint
import PipelineIR

/// PL011: a delayed object built on the workers from a file or a Python factory.
public struct DelayedNeedsWorkerFilesRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL011",
        name: "delayed-needs-worker-files",
        summary: "A delayed object is built on the workers from a file or a Python package",
        defaultSeverity: .info,
        whatItDoes: "Points out `placement: delayed` objects whose recipe loads a file or calls a Python factory.",
        whyBad: """
            With `placement: delayed` the object is built inside a task, on whichever worker runs it: the file must \
            exist at the same path there, and the factory's package must be importable there. On a laptop that is \
            true; on a cluster it often is not.
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            objects:
              table: {series: {load: tables/codes.csv, length: 1000, dtype: float64}, placement: ↓delayed}
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
            objects:
              table: {series: {range: 1000}, placement: delayed}
            functions:
              f: {params: [block, table], kernel: take}
            arrays:
              x: {shape: [100], chunks: [10], dtype: int64}
            steps:
              s: {map_blocks: f, over: [x], args: [table]}
            """,
        ],
        fixSafety: "No fix: this is information about where the object is built."
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        guard ctx.graph.cluster.scheduler != .threads else { return [] }
        var out: [Finding] = []
        for o in ctx.pipeline.objects where o.placement == .delayed {
            guard let need = EmbeddedObjectRule.workerRequirement(o.recipe) else { continue }
            out.append(finding("object `\(o.name)` is built on the workers (`placement: delayed`): \(need) on every worker",
                               at: o.placementRange ?? o.nameRange,
                               help: "make sure the workers have it, or use `placement: scatter` to send the object from the client",
                               subjects: [o.name]))
        }
        return out
    }
}
