import Analysis
import ArgumentParser
import Driver
import Foundation
import Lint
import PipelineIR
import PipelineYAML
import Rules

/// `pipelint estimate FILE`
struct Estimate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Estimate what Dask ships and what workers hold: per layer, then totals and verdicts.",
        discussion: "Exit status: 0 estimated, 1 the pipeline is invalid (its errors are shown), 2 usage or I/O error. JSON shape: docs/estimate.md."
    )

    @Argument(help: "A pipeline file.")
    var file: String

    @Option(help: "Output format: text or json.")
    var format: EstimateFormat = .text

    @Option(help: "Configuration file (default: the nearest .pipelint.yml above the file).")
    var config: String?

    func run() throws {
        try expectPipelineFile(file, command: "estimate")
        var resolver = ConfigurationResolver(explicit: config, known: allRules.map { $0.description.id }, overrides: ([], [], []))
        let settings: LintSettings
        do { settings = try resolver.configuration(for: file).settings } catch {
            printError("pipelint: error: \(error)")
            throw ExitStatus.usage
        }
        for w in resolver.warnings { printError(w) }
        let source: SourceFile
        switch FileCollector.read(file, maxFileBytes: settings.parseLimits.maxFileBytes) {
        case .success(let s): source = s
        case .failure(let e):
            printError("pipelint: error: \(e.oversize.map { "\(file): file is \($0) bytes, over the \(settings.parseLimits.maxFileBytes)-byte limit" } ?? e.message)")
            throw ExitStatus.usage
        }
        let loaded = LoadedPipeline.load(source, limits: settings.parseLimits)
        guard let pipeline = loaded.pipeline, let written = loaded.graph, !loaded.diagnostics.contains(where: { $0.severity == .error }) else {
            // An invalid pipeline is reported as `check` reports it.
            let report = FileReport(source: source, findings: loaded.diagnostics.map(Finding.init), isPipeline: loaded.looksLikePipeline)
            let out = format == .json ? JSONReporter.render([report]) : TextOutput.render([report], color: false)
            writeStandardOutput(out)
            throw ExitStatus.findings
        }
        // Files are checked here, relative to the pipeline's folder; the analysis stays pure. A
        // `load:` frame has as many partitions as Dask's read_csv cuts its file into.
        var graph = written
        if let p = pipeline.withDaskCSVBlocks(fileSize: { FileLookup.disk.fileSize($0, besides: file) }), let g = GraphBuilder.build(p).graph { graph = g }
        let options = EstimateOptions(largeGraphWarningBytes: settings.largeGraphWarningBytes, memory: settings.workerMemoryThresholds,
                                      fileExists: { FileLookup.disk.exists($0, besides: file) })
        let estimate = Estimator.estimate(graph, options: options)
        let position = { (o: Int) -> (line: Int, column: Int) in
            let p = source.position(of: o)
            return (p.line, p.column)
        }
        let out = format == .json
            ? EstimateReport.json(estimate, path: file, pipeline: pipeline.name, position: position)
            : EstimateReport.text(estimate, path: file, pipeline: pipeline.name, position: position)
        writeStandardOutput(out)
    }
}

/// `estimate --format`.
enum EstimateFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
