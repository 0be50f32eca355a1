import Lint
import PipelineIR

/// PL010: two steps that compute the same thing.
public struct DuplicateComputationRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL010",
        name: "duplicate-computation",
        summary: "Two steps compute the same thing",
        defaultSeverity: .warning,
        whatItDoes: "Finds steps with the same operation on the same inputs and arguments as an earlier step.",
        whyBad: """
            Dask names tasks by hashing what they compute, so identical steps built separately may or may not be \
            merged depending on how they were tokenized; written twice, the pipeline asks for the work twice and \
            holds both results when both are outputs.
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            arrays:
              x: {shape: [100], chunks: [10]}
            steps:
              total: {reduce: sum, over: x}
              ↓again: {reduce: sum, over: x}
            """,
        ],
        nonTriggeringExamples: [
            """
            pipeline: example
            version: 1
            arrays:
              x: {shape: [100], chunks: [10]}
            steps:
              total: {reduce: sum, over: x}
              biggest: {reduce: max, over: x}
            """,
        ],
        fixSafety: "No automatic fix: other code may refer to either name."
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        var seen: [String: String] = [:]
        var out: [Finding] = []
        for s in ctx.pipeline.steps {
            let key = signature(s)
            if let first = seen[key] {
                out.append(finding("step `\(s.name)` computes the same as step `\(first)`", at: s.nameRange,
                                   help: "use `\(first)` instead of defining it twice", subjects: [s.name]))
            } else {
                seen[key] = s.name
            }
        }
        return out
    }

    /// The step's computation without names or positions.
    func signature(_ s: Step) -> String {
        func arg(_ a: CallArgument) -> String {
            switch a {
            case .object(let n, let path, _): path.applied(to: n)
            case .literal(let d, _): "\(d)"
            case .item: "item"
            }
        }
        switch s.kind {
        case .mapBlocks(let callee, let over, let args, let kwargs, let dtype):
            let c: String
            switch callee {
            case .function(let n, _): c = n
            case .method(let o, _, let m, _): c = "\(o).\(m)"
            case .instance(let o, _): c = "\(o)()"
            }
            let kw = kwargs.map { "\($0.name)=\(arg($0.value))" }.sorted()
            let loop = s.perItem.map { "|\($0.form.rawValue):\($0.items)" } ?? ""
            return "map:\(c)|\(over.map(\.name))|\(args.map(arg))|\(kw)|\(dtype?.rawValue ?? "")\(loop)"
        case .reduce(let r, let over, let split):
            return "reduce:\(r.rawValue)|\(over.name)|\(split)"
        case .rechunk(let over, let grid):
            return "rechunk:\(over.name)|\(grid)"
        case .merge(let left, let right, let on, _, let how):
            let r: String = switch right {
            case .object(let n, _): "object:\(n)"
            case .frame(let ref): ref.name
            }
            return "merge:\(left.name)|\(r)|\(on)|\(how.rawValue)"
        }
    }
}
