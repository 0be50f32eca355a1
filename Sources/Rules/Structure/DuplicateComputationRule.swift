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
        var seen: [Signature: String] = [:]
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

    /// A step's computation without names or positions. Numbers compare by their printed
    /// form (`-0.0` differs from `0.0`, every `nan` is the same), as a text key would.
    struct Signature: Hashable {
        enum Operation: Hashable {
            case map(callee: String, dtype: String)
            case reduce(String, splitEvery: Int)
            case rechunk([ChunkSpec])
            /// The right side (`object:NAME` for an object), the column and `how`.
            case merge(right: String, on: String, how: String)
            /// A row-wise step (format 1.2), written without positions (`RowOp.signature`).
            case rows(String)
            /// The key, the column summed, `split_every`.
            case groupby(by: String, sum: String, splitEvery: Int)
        }
        var operation: Operation
        var over: [String]
        var args: [String] = []
        /// `name=argument`, sorted.
        var kwargs: [String] = []
        /// A per-item step's form, then its items.
        var loop: [String]? = nil
    }

    /// The step's computation without names or positions.
    func signature(_ s: Step) -> Signature {
        func arg(_ a: CallArgument) -> String {
            switch a {
            case .object(let n, let path, _): path.applied(to: n)
            case .literal(let d, _): d.description
            case .item: "item"
            }
        }
        switch s.kind {
        case .mapBlocks(let callee, let over, let args, let kwargs, let dtype):
            let c: String
            switch callee {
            case .function(let n, _): c = n
            case .method(let o, _, let m, _): c = o + "." + m
            case .instance(let o, _): c = o + "()"
            }
            return Signature(operation: .map(callee: c, dtype: dtype?.rawValue ?? ""), over: over.map(\.name), args: args.map(arg),
                             kwargs: kwargs.map { $0.name + "=" + arg($0.value) }.sorted(), loop: s.perItem.map(loop))
        case .reduce(let r, let over, let split):
            // A frame's column (`FRAME.COLUMN`): reductions of two columns of one frame differ.
            return Signature(operation: .reduce(r.rawValue, splitEvery: split), over: [over.name + (s.reducedColumn.map { "." + $0.name } ?? "")])
        case .rechunk(let over, let grid):
            return Signature(operation: .rechunk(grid), over: [over.name])
        case .merge(let left, let right, let on, _, let how):
            let r: String = switch right {
            case .object(let n, _): "object:" + n
            case .frame(let ref): ref.name
            }
            return Signature(operation: .merge(right: r, on: on, how: how.rawValue), over: [left.name])
        case .rows(let over, let op):
            return Signature(operation: .rows(op.signature), over: [over.name])
        case .groupby(let g):
            return Signature(operation: .groupby(by: g.by, sum: g.column, splitEvery: g.splitEvery), over: [g.over.name])
        }
    }

    private func loop(_ p: PerItem) -> [String] {
        switch p.items {
        case .range(let start, let count): [p.form.rawValue, "range", String(start), String(count)]
        case .integers(let v): [p.form.rawValue, "integral"] + v.map(\.description)
        case .values(let v): [p.form.rawValue, "values"] + v.map(\.description)
        }
    }
}
