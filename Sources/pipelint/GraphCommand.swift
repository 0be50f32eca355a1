import ArgumentParser
import Executor
import Foundation
import PipelineIR
import PipelineYAML

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

    func run() throws {
        let loaded = try loadPipeline(pipeline)
        guard var g = loaded.pipeline.graph else { throw ExitStatus.usage }
        if optimized {
            do { g = try PlacementOptimization.optimize(g, decisions: optimizerDecisions(loaded.pipeline)).graph } catch {
                throw reportFailure(error)
            }
        }
        print(GraphRender.render(g, title: loaded.pipeline.pipeline?.name ?? pipeline, format: format), terminator: "")
    }
}

extension GraphRender.Format: ExpressibleByArgument {}
