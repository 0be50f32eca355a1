import Lint
import PipelineIR
import PipelineYAML

/// PL009: an object, function, array or step that nothing uses.
public struct UnusedDefinitionRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL009",
        name: "unused-definition",
        summary: "An object, function, array or step that nothing uses",
        defaultSeverity: .warning,
        whatItDoes: """
            Finds objects no step passes, functions no step calls, and — when the pipeline has `outputs` — arrays \
            and steps that no output needs.
            """,
        whyBad: """
            Dead definitions mislead readers about what runs, and an unused step still runs if someone computes the \
            whole graph. Dask culls what no output needs (`dask.optimization.cull`); the pipeline should say the same.
            """,
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            objects:
              ↓old_table: {series: {range: 10, dtype: int64}}
            arrays:
              x: {shape: [100], chunks: [10]}
            steps:
              total: {reduce: sum, over: x}
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
            outputs:
              total: compute
            """,
        ],
        fixExamples: [
            (
                before: """
                    pipeline: example
                    version: 1
                    objects:
                      old_table:   # replaced by keep
                        series: {range: 10, dtype: int64}
                      keep: {value: 2}
                    arrays:
                      x: {shape: [100], chunks: [10]}
                    steps:
                      s: {map_blocks: f, over: [x], args: [keep]}
                    functions:
                      f: {params: [block, k], kernel: scale, with: {factor: k}}
                    """,
                after: """
                    pipeline: example
                    version: 1
                    objects:
                      keep: {value: 2}
                    arrays:
                      x: {shape: [100], chunks: [10]}
                    steps:
                      s: {map_blocks: f, over: [x], args: [keep]}
                    functions:
                      f: {params: [block, k], kernel: scale, with: {factor: k}}
                    """
            ),
        ],
        fixSafety: "Removing an unused object is unsafe: a script outside the pipeline may still refer to it."
    )

    public func check(_ ctx: RuleContext) -> [Finding] {
        let p = ctx.pipeline
        var usedObjects = Set<String>()
        var usedFunctions = Set<String>()
        for s in p.steps {
            if case .mapBlocks(let callee, _, let args, let kwargs, _) = s.kind {
                switch callee {
                case .function(let name, _): usedFunctions.insert(name)
                case .method(let obj, _, _, _), .instance(let obj, _): usedObjects.insert(obj)
                }
                for a in args + kwargs.map(\.value) {
                    if case .object(let name, _, _) = a { usedObjects.insert(name) }
                }
            }
        }
        // A merge with a DataFrame object and a `from_pandas` frame (format 1.2) use the object.
        for s in p.steps { if case .merge(_, .object(let o, _), _, _, _) = s.kind { usedObjects.insert(o) } }
        for s in p.steps { if case .rows(_, let op) = s.kind, let t = op.table { usedObjects.insert(t.name) } }
        for f in p.frames { if case .fromPandas(let o, _) = f.source { usedObjects.insert(o) } }
        // A function a step calls uses the objects it carries.
        for f in p.functions where usedFunctions.contains(f.name) { usedObjects.formUnion(f.carried.map(\.object)) }
        var out: [Finding] = []
        for o in p.objects where !usedObjects.contains(o.name) {
            out.append(finding("object `\(o.name)` is not used by any step", at: o.nameRange,
                               fix: removal(section: "objects", name: o.name, ctx: ctx, title: "remove object `\(o.name)`"),
                               subjects: [o.name]))
        }
        for f in p.functions where !usedFunctions.contains(f.name) {
            out.append(finding("function `\(f.name)` is not called by any step", at: f.nameRange,
                               fix: removal(section: "functions", name: f.name, ctx: ctx, title: "remove function `\(f.name)`"),
                               subjects: [f.name]))
        }
        guard !p.outputs.isEmpty else { return out }
        // What the outputs need, transitively.
        // Steps by name (the first of a name), looked up once per needed name: most names on
        // the stack are arrays, and a failed lookup must not scan every step.
        var stepsByName: [String: Int] = [:]
        for (i, s) in p.steps.enumerated() where stepsByName[s.name] == nil { stepsByName[s.name] = i }
        var needed = Set<String>()
        var stack = p.outputs.map(\.target.name)
        while let n = stack.popLast() {
            guard needed.insert(n).inserted else { continue }
            if let i = stepsByName[n] { stack += p.steps[i].inputs.map(\.name) }
        }
        for a in p.arrays where !needed.contains(a.name) {
            out.append(finding("array `\(a.name)` is not needed by any output", at: a.nameRange, subjects: [a.name]))
        }
        for s in p.steps where !needed.contains(s.name) {
            out.append(finding("step `\(s.name)` is not needed by any output", at: s.nameRange,
                               help: "add it to `outputs`, or remove it", subjects: [s.name]))
        }
        return out
    }

    /// Removes a block-mapping entry with its lines (comments on them go too); unsafe.
    func removal(section: String, name: String, ctx: RuleContext, title: String) -> Fix? {
        let tree = ctx.tree
        guard let sec = ctx.definitions.sections[section], tree[sec.node].collectionStyle == .block else { return nil }
        guard sec.entryCount > 1, let entry = sec.entries[name] else { return nil }
        let src = ctx.source
        let keyStart = tree[entry.key].range.start
        let line = src.lineIndex(of: keyStart)
        let lineStart = src.lineStarts[line]
        guard src.bytes[lineStart..<keyStart].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { return nil }
        let endLine = src.lineIndex(of: max(tree[entry.value].range.end - 1, keyStart))
        let end = endLine + 1 < src.lineStarts.count ? src.lineStarts[endLine + 1] : src.bytes.count
        return Fix(title: title, applicability: .unsafe, edits: [Edit(range: SourceRange(start: lineStart, end: end), replacement: "")])
    }
}
