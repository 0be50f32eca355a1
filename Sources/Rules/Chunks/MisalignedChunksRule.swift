import Lint
import PipelineIR

/// PL008: map_blocks over inputs with different chunk grids.
public struct MisalignedChunksRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL008",
        name: "misaligned-chunks",
        summary: "A map_blocks step maps over inputs with different chunks",
        defaultSeverity: .warning,
        whatItDoes: "Finds `map_blocks` steps whose `over` inputs have the same shape but different chunk grids.",
        whyBad: """
            `map_blocks` needs aligned blocks, so Dask unifies the chunks first (`unify_chunks`) and silently adds \
            rechunk tasks that copy data between workers. The cost does not show in the pipeline's text.
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            functions:
              f: {params: [a, b], kernel: add}
            arrays:
              x: {shape: [100000], chunks: [1000]}
              y: {shape: [100000], chunks: [2500]}
            steps:
              s: {map_blocks: f, over: [x, ↓y]}
            """,
        ],
        nonTriggeringExamples: [
            """
            pipeline: example
            version: 1
            functions:
              f: {params: [a, b], kernel: add}
            arrays:
              x: {shape: [100000], chunks: [1000]}
              y: {shape: [100000], chunks: [1000]}
            steps:
              s: {map_blocks: f, over: [x, y]}
            """,
        ],
        fixSafety: "No automatic fix: which chunking to keep is a choice."
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for layer in ctx.graph.layers where layer.misalignedInputs {
            let blocks = layer.inputs.filter { if case .block = $0.role { return true }; return false }
            guard let first = blocks.first else { continue }
            let reference = ctx.graph[first.source]
            for e in blocks.dropFirst() where ctx.graph[e.source].grid != reference.grid {
                let other = ctx.graph[e.source]
                out.append(finding(
                    "`\(other.name)` is chunked \(describe(other.grid)) but `\(reference.name)` is chunked \(describe(reference.grid)): Dask rechunks silently before step `\(layer.name)`",
                    at: e.range, help: "give the inputs of `\(layer.name)` the same chunks", subjects: [layer.name]))
            }
        }
        return out
    }

    func describe(_ g: ChunkGrid) -> String {
        "(" + g.dims.map { d in
            switch d {
            case .uniform(let s, _): "\(s)"
            case .explicit(let xs): xs.count <= 4 ? "[" + xs.map(String.init).joined(separator: ", ") + "]" : "[\(xs.count) sizes]"
            }
        }.joined(separator: ", ") + ")"
    }
}
