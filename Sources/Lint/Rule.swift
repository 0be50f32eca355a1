import Analysis
import FileAccess
import Foundation
import PipelineIR
import PipelineYAML

/// A rule's static description: identity, default severity, documentation and
/// the examples that are also its tests.
public struct RuleDescription: Sendable {
    /// Stable ID, `PL###`.
    public var id: String
    /// Kebab-case name.
    public var name: String
    /// One line.
    public var summary: String
    public var defaultSeverity: Severity
    /// "What it does" on the rule's page.
    public var whatItDoes: String
    /// "Why is this bad?": the Dask behaviour or documented practice the rule encodes.
    public var whyBad: String
    /// Pipelines on which the rule fires; `↓` marks each expected finding's start.
    public var triggeringExamples: [String]
    /// Pipelines on which it stays silent.
    public var nonTriggeringExamples: [String]
    /// Before → after pairs for the rule's fix (empty when it has none).
    public var fixExamples: [(before: String, after: String)]
    /// "Fix safety" on the rule's page.
    public var fixSafety: String
    /// Files that exist next to the examples (relative paths), for rules that look at the disk.
    public var exampleFiles: [String]
    /// "Options" on the rule's page: the `.pipelint.yml` settings it reads, with their defaults.
    public var options: String?

    public var code: CheckCode { CheckCode(id: id, name: name) }

    public init(id: String, name: String, summary: String, defaultSeverity: Severity, whatItDoes: String, whyBad: String,
                triggeringExamples: [String], nonTriggeringExamples: [String], fixExamples: [(before: String, after: String)] = [],
                fixSafety: String = "This rule has no fix.", exampleFiles: [String] = [], options: String? = nil) {
        self.id = id
        self.name = name
        self.summary = summary
        self.defaultSeverity = defaultSeverity
        self.whatItDoes = whatItDoes
        self.whyBad = whyBad
        self.triggeringExamples = triggeringExamples
        self.nonTriggeringExamples = nonTriggeringExamples
        self.fixExamples = fixExamples
        self.fixSafety = fixSafety
        self.exampleFiles = exampleFiles
        self.options = options
    }
}

/// Where rules look for the files a pipeline names (`load:` paths, relative to its folder).
public enum FileLookup: Sendable {
    /// The file system, relative to the pipeline file's folder.
    case disk
    /// Exactly these relative paths exist (rule examples, tests).
    case listed(Set<String>)

    /// Whether `relative` is a file (not a folder) next to the pipeline at `pipelinePath`.
    public func exists(_ relative: String, besides pipelinePath: String) -> Bool {
        status(relative, besides: pipelinePath) == .regular
    }

    /// What `relative` names next to the pipeline at `pipelinePath`, after symbolic
    /// links: a regular file inside the pipeline's folder, or why not.
    /// The data rows of the CSV file `relative` names next to the pipeline (nil for listed files:
    /// they have no contents).
    public func csvRows(_ relative: String, besides pipelinePath: String) -> CSVRows.Outcome? {
        guard case .disk = self else { return nil }
        let folder = pipelinePath.utf8.count < 2 ? (pipelinePath == "/" ? "/" : "") : (pipelinePath as NSString).deletingLastPathComponent
        return CSVRows.count(SafeFiles.join(folder, relative), confinedTo: folder)
    }

    /// The size in bytes of the regular file `relative` names next to the pipeline (nil for listed
    /// files, and when it is not a regular file inside the pipeline's folder).
    public func fileSize(_ relative: String, besides pipelinePath: String) -> Int? {
        guard case .disk = self, status(relative, besides: pipelinePath) == .regular else { return nil }
        let folder = pipelinePath.utf8.count < 2 ? (pipelinePath == "/" ? "/" : "") : (pipelinePath as NSString).deletingLastPathComponent
        return (try? FileManager.default.attributesOfItem(atPath: SafeFiles.join(folder, relative)))?[.size] as? Int
    }

    public func status(_ relative: String, besides pipelinePath: String) -> SafeFiles.Status {
        switch self {
        case .listed(let paths):
            return paths.contains(relative) ? .regular : .failure(.missing)
        case .disk:
            // Foundation's deletingLastPathComponent traps on a one-character path (`-`, `a`).
            let folder = pipelinePath.utf8.count < 2 ? (pipelinePath == "/" ? "/" : "") : (pipelinePath as NSString).deletingLastPathComponent
            return SafeFiles.status(of: relative, inside: folder)
        }
    }
}

/// Everything a rule may look at for one valid pipeline file.
public struct RuleContext: Sendable {
    public let source: SourceFile
    public let tree: SyntaxTree
    public let pipeline: Pipeline
    public let graph: Graph
    public let settings: LintSettings
    /// Where the files the pipeline names are looked for.
    public let files: FileLookup
    /// Analyses shared by the rules, each computed once for the file on first use.
    public let analysis: SharedAnalysis

    /// `sizes`: object sizes remembered from an earlier estimate of a similar text (the fix loop's).
    public init(source: SourceFile, tree: SyntaxTree, pipeline: Pipeline, graph: Graph, settings: LintSettings, files: FileLookup = .disk,
                sizes: ObjectSizeMemo? = nil) {
        self.source = source
        self.tree = tree
        self.pipeline = pipeline
        self.graph = graph
        self.settings = settings
        self.files = files
        var options = settings.estimateOptions
        options.sizes = sizes
        self.analysis = SharedAnalysis(graph: graph, tree: tree, pipeline: pipeline, options: options)
    }

    /// The graph's figures (`Estimator.estimate` with the settings' options), computed once per file.
    public var estimate: GraphEstimate { analysis.estimate }

    /// The top-level definitions, indexed by name, built once per file.
    public var definitions: DefinitionIndex { analysis.definitions }

    /// Whether a path relative to the pipeline's folder exists.
    public func fileExists(_ relative: String) -> Bool { files.exists(relative, besides: source.path) }

    /// What a path relative to the pipeline's folder names, after symbolic links.
    public func fileStatus(_ relative: String) -> SafeFiles.Status { files.status(relative, besides: source.path) }

    /// The data rows of a CSV file relative to the pipeline's folder (nil when files are listed, not read).
    public func csvRows(_ relative: String) -> CSVRows.Outcome? { files.csvRows(relative, besides: source.path) }
}

/// A check over one pipeline. One type per rule, one file per type.
public protocol Rule: Sendable {
    static var description: RuleDescription { get }
    init()
    /// Findings for one file; the severity of each is the rule's default (the
    /// linter applies configured severities).
    func check(_ context: RuleContext) -> [Finding]
    /// Whether a finding of this rule may carry a fix with edits (its own or an alternative).
    /// The fix loop runs only these rules on a text it is about to fix again. True unless the
    /// rule says otherwise, so a rule that forgets to say costs time, never a different fix.
    static var offersFixes: Bool { get }
}

extension Rule {
    public static var offersFixes: Bool { true }

    /// A finding of this rule at `range`.
    public func finding(_ message: String, at range: SourceRange, help: String? = nil, fix: Fix? = nil, subjects: [String] = []) -> Finding {
        Finding(code: Self.description.code, severity: Self.description.defaultSeverity, message: message, range: range,
                help: help, fix: fix, subjects: subjects)
    }
}

/// Thresholds the rules read, with defaults taken from Dask's own configuration.
public struct LintSettings: Sendable, Hashable {
    /// Objects whose wire size is under this are not worth a finding on their size alone (default 64 KiB).
    public var embeddedObjectMinBytes: Int64 = 64 * 1024
    /// `embedded-object.min-bytes-per-worker`: a smaller object is still worth a finding when
    /// its copies cost one worker this much — bytes shipped to it in task messages, or copies it
    /// holds at once, whichever is larger (default 10 MB, the amount Dask itself warns about
    /// when a client ships it in one graph: `distributed.admin.large-graph-warning-threshold`).
    public var embeddedObjectMinBytesPerWorker: Int64 = 10_000_000
    /// `distributed.admin.large-graph-warning-threshold` (default 10 MB).
    public var largeGraphWarningBytes: Int64 = 10_000_000
    /// `array.chunk-size`: Dask's target chunk size (default 128 MiB).
    public var arrayChunkSizeBytes: Int64 = 128 * 1024 * 1024
    /// Chunks smaller than this are "too small" when there are many (default 1 MiB).
    public var minChunkBytes: Int64 = 1024 * 1024
    /// `distributed.worker.memory.target` (default 0.6): a worker starts spilling results to disk.
    public var workerMemoryTarget: Double = 0.6
    /// `distributed.worker.memory.spill` (default 0.7): a worker spills based on process memory.
    public var workerMemorySpill: Double = 0.7
    /// `distributed.worker.memory.pause` (default 0.8): a worker stops running new tasks.
    public var workerMemoryPause: Double = 0.8
    /// `distributed.worker.memory.terminate` (default 0.95): the nanny kills the worker.
    public var workerMemoryTerminate: Double = 0.95
    /// Literal sequences or mappings with more items than this belong in a file (default 1,000).
    public var inlineDataMaxItems: Int = 1000
    /// Resource limits for reading files.
    public var parseLimits: ParseLimits = .default

    public init(embeddedObjectMinBytes: Int64 = 64 * 1024, largeGraphWarningBytes: Int64 = 10_000_000,
                workerMemoryTarget: Double = 0.6, workerMemorySpill: Double = 0.7, workerMemoryPause: Double = 0.8,
                workerMemoryTerminate: Double = 0.95, parseLimits: ParseLimits = .default) {
        self.embeddedObjectMinBytes = embeddedObjectMinBytes
        self.largeGraphWarningBytes = largeGraphWarningBytes
        self.workerMemoryTarget = workerMemoryTarget
        self.workerMemorySpill = workerMemorySpill
        self.workerMemoryPause = workerMemoryPause
        self.workerMemoryTerminate = workerMemoryTerminate
        self.parseLimits = parseLimits
    }

    /// The four worker memory fractions, as the analysis takes them.
    public var workerMemoryThresholds: MemoryThresholds {
        MemoryThresholds(target: workerMemoryTarget, spill: workerMemorySpill, pause: workerMemoryPause, terminate: workerMemoryTerminate)
    }

    /// What the graph estimator needs from these settings.
    public var estimateOptions: EstimateOptions {
        EstimateOptions(largeGraphWarningBytes: largeGraphWarningBytes, memory: workerMemoryThresholds)
    }

    public static let `default` = LintSettings()
}
