import FileAccess
import Lint
import PipelineIR
import PipelineYAML

/// PL015: a `load:` path that does not exist next to the pipeline, or leaves its folder through a link.
public struct MissingFileRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL015",
        name: "missing-file",
        summary: "A `load:` path does not exist",
        defaultSeverity: .error,
        whatItDoes: """
            Checks every `load:` of an object (`series:`, `ndarray:`), of an array's `source:` and of a frame \
            (format 1.2, a CSV file): the file must \
            exist, relative to the pipeline file's folder, be a regular file (not a FIFO or a device), and stay \
            inside that folder once symbolic links are resolved.
            """,
        whyBad: """
            Nothing reads the file until the graph runs: `pipelint run` fails at its first task, and on Dask the \
            task that loads it fails on a worker, after the graph has been submitted. The sizes `estimate` and the \
            other rules report for it come from the declared `length:` or `shape:` alone.
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            objects:
              table: {series: {load: ↓tables/zip_codes.csv, length: 1000}}
            functions:
              f: {params: [block, table], kernel: take}
            arrays:
              x: {shape: [100], chunks: [10], dtype: int64, source: {load: ↓data/events.npy}}
            steps:
              s: {map_blocks: f, over: [x], args: [table]}
            """,
            """
            pipeline: example
            version: 1
            objects:
              a: {series: &codes {load: ↓tables/codes.csv, length: 1000}}
              b: {series: ↓*codes}
            functions:
              f: {params: [block, a, b], kernel: take, with: {table: a}}
            arrays:
              x: {shape: [100], chunks: [10], dtype: int64}
            steps:
              s: {map_blocks: f, over: [x], args: [a, b]}
            """,
        ],
        nonTriggeringExamples: [
            """
            pipeline: example
            version: 1
            objects:
              table: {series: {load: tables/zip_to_region.csv, length: 1000}}
              note: {value: {load: not/a/path.csv}}
            functions:
              f: {params: [block, table], kernel: take}
            arrays:
              x: {shape: [100], chunks: [10], dtype: int64, source: {load: data/codes.npy}}
            steps:
              s: {map_blocks: f, over: [x], args: [table]}
            """,
        ],
        fixSafety: "No fix: only you know where the file is.",
        exampleFiles: ["tables/zip_to_region.csv", "data/codes.npy"]
    )

    /// The problem with a `load:` path; a path is shown escaped, never the file's contents.
    static func message(_ path: String, _ why: SafeFiles.Failure) -> String {
        switch why {
        case .missing: "`\(path)` does not exist (relative to the pipeline's folder)"
        case .notRegular(let kind) where kind == "a directory": "`\(path)` does not exist (relative to the pipeline's folder)"
        default: "`\(path)` \(why.phrase)"
        }
    }

    static func help(_ why: SafeFiles.Failure) -> String {
        switch why {
        case .outside: "copy the file into the pipeline's folder; `run`, `compare` and `export` refuse links that leave it"
        case .notRegular: "name a regular file: FIFOs and devices are never read"
        default: "fix the path, or create the file before the pipeline runs"
        }
    }

    public func check(_ ctx: RuleContext) -> [Finding] {
        let tree = ctx.tree
        guard let root = tree.root.map(tree.resolved) else { return [] }
        var out: [Finding] = []
        var reported = Set<String>()
        // A `load` key anywhere in an object or array definition, except inside literal data (`value:`).
        // Reached through an alias, a finding is placed where the alias is written (`*table`), once.
        func visit(_ id: NodeID, owner: String, alias: SourceRange?) {
            let node = tree.resolved(id)
            let via = alias ?? (node != id ? tree[id].range : nil)
            switch tree[node].kind {
            case .mapping:
                for (k, v) in tree.entries(node) {
                    guard let key = tree.scalar(tree.resolved(k)), key != "value", key != "lint" else { continue }
                    let value = tree.resolved(v)
                    if key == "load", tree[value].kind == .scalar, let path = tree.scalar(value) {
                        let range = via ?? tree[v].range
                        if case .failure(let why) = ctx.fileStatus(path), reported.insert("\(range.start):\(path)").inserted {
                            out.append(finding(Self.message(path, why), at: range, help: Self.help(why), subjects: [owner]))
                        }
                    } else {
                        visit(v, owner: owner, alias: via)
                    }
                }
            case .sequence:
                for item in tree.items(node) { visit(item, owner: owner, alias: via) }
            default:
                break
            }
        }
        for (k, v) in tree.entries(root) {
            guard let section = tree.scalar(tree.resolved(k)), section == "objects" || section == "arrays" || section == "frames" else { continue }
            let definitions = tree.resolved(v)
            guard tree[definitions].kind == .mapping else { continue }
            for (name, definition) in tree.entries(definitions) {
                visit(definition, owner: tree.scalar(tree.resolved(name)) ?? "", alias: nil)
            }
        }
        return out
    }
}
