import Foundation
import PipelineIR
import PipelineYAML

/// `pipelint-bench lower-dump FILES...`: the lowered model and the diagnostics of each file, as text, for
/// comparing two builds of the lowering (run both with `SWIFT_DETERMINISTIC_HASHING=1`: "did you mean"
/// picks among equally close names in the name table's order). The name index is printed name by name.
func lowerDump(_ paths: [String]) {
    for path in paths {
        guard let data = FileManager.default.contents(atPath: path) else { continue }
        let source = SourceFile(path: path, bytes: Array(data))
        let parsed = YAMLParser.parse(source)
        print("=== \(path) complete=\(parsed.isComplete)")
        guard parsed.isComplete else { continue }
        let r = Lowering.lower(parsed.tree, source: source)
        for d in r.diagnostics { print("D \(d.code.id) \(d.severity) \(d.range.start)-\(d.range.end) \(d.message) | \(d.help ?? "-")") }
        guard let p = r.pipeline else { print("no pipeline"); continue }
        var text = ""
        dump(p, to: &text)
        var skipping = false
        var indent = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let lead = line.prefix { $0 == " " }.count
            if skipping { if lead > indent { continue } else { skipping = false } }
            if line.contains("positionsByName") { skipping = true; indent = lead; print(line.prefix(lead) + "positionsByName <omitted>"); continue }
            // The graph builder's hints and the index's bookkeeping: positions, compared as `P` lines below.
            if line.contains("referenceHints") { skipping = true; indent = lead; continue }
            if line.contains("uniquelyIndexedCount") { continue }
            print(line)
        }
        let names = p.objects.map(\.name) + p.functions.map(\.name) + p.arrays.map(\.name) + p.steps.map(\.name) + p.frames.map(\.name)
        for n in names {
            let q = p.positions(of: n)
            print("P \(n) \(q.object) \(q.function) \(q.array) \(q.step) \(q.frame)")
        }
    }
}
