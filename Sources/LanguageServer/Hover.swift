import Analysis
import JSONRPC
import Lint
import PipelineIR
import PipelineYAML
import Rules
import Sizing

/// `textDocument/hover`: what no schema can say — on an object, its sizes, the copies
/// each step makes, memory per worker and what another placement would change; on an
/// array or step, its tasks and bytes per task; on a rule ID in a suppression, the rule.
enum Hover {
    static func hover(_ a: DocumentAnalysis, at offset: Int, encoding: PositionEncoding) -> JSON {
        let conv = PositionConverter(a.source, encoding)
        if let (id, range) = suppressedRule(a, at: offset), let text = ruleSummary(id) {
            return markdown(text, conv.range(range))
        }
        guard let index = a.index, let ctx = a.context, let occ = index.occurrence(at: offset) else { return .null }
        let text: String
        switch occ.kind {
        case .object: text = object(occ.name, ctx)
        case .array, .step, .frame: text = layer(occ.name, kind: occ.kind, ctx)
        case .function: text = function(occ.name, ctx.pipeline)
        case .field: text = "field `\(occ.name)`"
        case .method: text = "method `\(occ.name)`"
        }
        return markdown(text, conv.range(occ.range))
    }

    static func markdown(_ text: String, _ range: JSON) -> JSON {
        ["contents": ["kind": "markdown", "value": .string(text)], "range": range]
    }

    /// The rule ID under the cursor in a suppression comment or a `lint: {ignore: […]}`.
    static func suppressedRule(_ a: DocumentAnalysis, at offset: Int) -> (String, SourceRange)? {
        var all = SuppressionScanner.comments(in: a.loaded.tree, source: a.source)
        if let p = a.loaded.pipeline { all += SuppressionScanner.data(in: p, tree: a.loaded.tree) }
        for s in all {
            for (id, r) in zip(s.ids, s.idRanges) where r.start <= offset && offset <= r.end { return (id, r) }
        }
        return nil
    }

    static func ruleSummary(_ id: String) -> String? {
        if let d = allRules.map({ $0.description }).first(where: { $0.id == id }) {
            return "**\(d.id) \(d.name)** (\(d.defaultSeverity.rawValue))\n\n\(d.summary)\n\n[rule page](\(Diagnostics.href(d.code)))"
        }
        if let b = builtinChecks.first(where: { $0.code.id == id }) { return "**\(b.code.id) \(b.code.name)**\n\n\(b.summary)" }
        return nil
    }

    static func size(_ s: SizeEstimate) -> String {
        switch s.confidence {
        case .exact: ByteFormat.text(s.bytes)
        case .modelled, .declared: "≈ " + ByteFormat.text(s.bytes)
        case .unknown(let why): "unknown (\(why))"
        }
    }

    static func object(_ name: String, _ ctx: RuleContext) -> String {
        let e = ctx.estimate
        guard let o = e.objects.first(where: { $0.name == name }), let model = ctx.pipeline.object(named: name) else {
            return "object `\(name)`"
        }
        let uses = e.layers.flatMap { l in l.objects.filter { $0.object == name }.map { (layer: l, use: $0) } }
        var out = "**object `\(name)`**: \(model.recipe.kindName), placement `\(o.placement.rawValue)` on a \(e.cluster.scheduler.rawValue) scheduler\n\n"
        out += "| | |\n|---|---|\n"
        out += "| wire size (pickled) | \(size(o.wire)) |\n"
        out += "| resident size | \(size(o.resident)) |\n"
        if let sizeof = uses.first?.use.daskSizeof {
            let delays = uses.first?.use.daskDelays ?? false
            out += "| `dask.sizeof` | \(size(sizeof))\(delays ? ": Dask delays it itself" : ": under 1e6, Dask passes it as is") |\n"
        }
        out += "| copies | \(o.copiesTotal) (\(o.copiesPerWorker) per worker) |\n"
        out += "| memory per worker | \(size(o.residentPerWorker)) |\n"
        if !uses.isEmpty {
            out += "\nPer step:\n"
            for (l, u) in uses {
                let (total, overflow) = u.wire.bytes.multipliedReportingOverflow(by: Int64(l.tasks))
                let shipped = u.copiedPerTask ? "copied into each task: \(ByteFormat.text(overflow ? .max : total)) shipped" : "referenced by key, not copied"
                out += "- `\(l.name)`: \(l.tasks) tasks, \(shipped)\n"
            }
        }
        let alternatives = placements(name, ctx)
        if !alternatives.isEmpty { out += "\nWith another placement:\n" + alternatives }
        return out
    }

    /// What each other placement would hold per worker, from the estimate of the changed graph.
    static func placements(_ name: String, _ ctx: RuleContext) -> String {
        guard let i = ctx.pipeline.objects.firstIndex(where: { $0.name == name }) else { return "" }
        var out = ""
        for p in Placement.allCases where p != ctx.pipeline.objects[i].placement {
            var changed = ctx.pipeline
            changed.objects[i].placement = p
            guard let graph = GraphBuilder.build(changed).graph else { continue }
            let e = Estimator.estimate(graph, options: ctx.settings.estimateOptions)
            guard let o = e.objects.first(where: { $0.name == name }) else { continue }
            out += "- `placement: \(p.rawValue)`: \(o.copiesTotal) copies, \(size(o.residentPerWorker)) per worker; worker peak \(size(e.residentPerWorker))\n"
        }
        return out
    }

    static func layer(_ name: String, kind: SymbolIndex.Kind, _ ctx: RuleContext) -> String {
        let e = ctx.estimate
        guard let l = e.layers.first(where: { $0.name == name }) else { return "\(kind.rawValue) `\(name)`" }
        var out = "**\(kind.rawValue) `\(name)`** (\(l.kind))\n\n| | |\n|---|---|\n"
        out += "| tasks | \(l.tasks) |\n"
        if e.cluster.scheduler.serializesTasks, l.tasks > 0 { out += "| bytes per task | \(size(l.taskBytes)) |\n" }
        if l.chunkBytes > 0 { out += "| chunk size | \(ByteFormat.text(l.chunkBytes)) |\n" }
        for u in l.objects {
            out += "| object `\(u.shownName)` | \(u.copiedPerTask ? "copied into each task (\(size(u.wire)))" : "referenced by key") |\n"
        }
        return out
    }

    static func function(_ name: String, _ p: Pipeline) -> String {
        guard let f = p.function(named: name) else { return "function `\(name)`" }
        let body: String
        switch f.body {
        case .kernel(let k, _): body = "kernel `\(k.rawValue)`"
        case .python(let ref): body = "Python `\(ref)`"
        }
        return "**function `\(name)`**(\(f.params.map(\.name).joined(separator: ", "))): \(body)"
    }
}
