import Lint
import PipelineIR

/// PL007: large literal data written into the YAML.
public struct InlineDataRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL007",
        name: "inline-data",
        summary: "Large literal data is written into the pipeline file",
        defaultSeverity: .warning,
        whatItDoes: "Finds `value:` literals and series `values:` with more items than `inline-data.max-items` (default 1,000).",
        whyBad: """
            Data pasted into a pipeline definition is hard to review, bloats every diff, and is pickled into the \
            graph as Python objects (a list of floats costs ~9 bytes per item on the wire and ~32 in memory). Data \
            belongs in a file the pipeline loads, or in a recipe (`range`, `random`).
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            lint: {ignore: [PL009], reason: example}
            objects:
              ↓weights: {value: [\((0..<1001).map(String.init).joined(separator: ", "))]}
            arrays:
              x: {shape: [10], chunks: [10]}
            steps:
              total: {reduce: sum, over: x}
            """,
        ],
        nonTriggeringExamples: [
            """
            pipeline: example
            version: 1
            lint: {ignore: [PL009], reason: example}
            objects:
              weights: {value: [1, 2, 3]}
            arrays:
              x: {shape: [10], chunks: [10]}
            steps:
              total: {reduce: sum, over: x}
            """,
        ],
        fixSafety: "No automatic fix."
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        let limit = ctx.settings.inlineDataMaxItems
        var out: [Finding] = []
        for o in ctx.pipeline.objects {
            var items = 0
            var what = ""
            switch o.recipe {
            case .value(let l):
                items = l.nodeCount - 1
                what = "a literal"
            case .series(let s):
                if case .values(let v) = s.source {
                    items = v.count
                    what = "series values"
                }
            default:
                continue
            }
            guard items > limit else { continue }
            out.append(finding(
                "object `\(o.name)` writes \(items) items of \(what) into the pipeline file (more than \(limit))",
                at: o.nameRange,
                help: "load the data from a file (`series: {load: ...}`, `ndarray: {load: ...}`) or describe it with a recipe",
                subjects: [o.name]))
        }
        return out
    }
}
