import Driver
import Export
import PipelineIR
import PipelineYAML

extension DaskExport {
    /// The program `pipelint export` writes for `loaded`: optimized by the default policy unless `asWritten`.
    static func program(_ loaded: LoadedPipeline, options: ExportOptions = ExportOptions()) throws(ExportError) -> String {
        guard let p = loaded.pipeline, let g = loaded.graph else { throw ExportError("the pipeline is invalid", location: loaded.source.path) }
        if options.asWritten { return try program(p, graph: g, source: loaded.source, changed: [], options: options) }
        let o = try OptimizationPolicy().optimize(g, source: loaded.source)
        return try program(p, graph: o.graph, source: loaded.source, changed: o.changed, options: options)
    }
}
