import ArgumentParser
import Foundation
import PipelineIR

/// `pipelint graph PIPELINE`
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the layer graph as Graphviz DOT or Mermaid (embedded objects in red)."
    )

    @Argument(help: "The pipeline file.")
    var pipeline: String

    @Option(help: "dot or mermaid.")
    var format: GraphRender.Format = .dot

    @Flag(help: "Show the graph after the placement optimization `run` applies.")
    var optimized = false

    @OptionGroup var optimization: OptimizationOptions

    func run() throws {
        try expectPipelineFile(pipeline, command: "graph")
        let loaded = try loadPipeline(pipeline)
        let g = optimized ? try optimization.optimize(loaded).graph : loaded.graph
        print(GraphRender.render(g, title: loaded.model.name, format: format, copiedPerTask: objectUses(of: g).copiedPerTask), terminator: "")
    }
}

extension GraphRender.Format: ExpressibleByArgument {}
