import PipelineIR
import Sizing

/// Renders a `GraphEstimate` for `pipelint estimate`: a table per layer, totals
/// and verdicts as text, or the versioned JSON shape documented in docs/estimate.md.
public enum EstimateReport {
    /// Version of the JSON shape; bump it on any incompatible change.
    public static let jsonVersion = 1

    /// The text report. `position` turns a byte offset into a 1-based line and column.
    public static func text(_ e: GraphEstimate, path: String, pipeline: String, position: (Int) -> (line: Int, column: Int)) -> String {
        let c = e.cluster
        var out = "\(path): pipeline `\(pipeline)` on a \(c.scheduler.rawValue) scheduler, "
        out += "\(c.workers) worker\(c.workers == 1 ? "" : "s") × \(c.threadsPerWorker) thread\(c.threadsPerWorker == 1 ? "" : "s")"
        out += c.memoryPerWorker.map { ", \(ByteFormat.text($0)) per worker" } ?? ", no memory_per_worker"
        out += "\n\n"

        let serializes = c.scheduler.serializesTasks
        var rows: [[String]] = [["layer", "kind", "tasks", "bytes/task", "submit fixed", "submit/chunk", "chunk out", "results"]]
        for l in e.layers {
            rows.append([
                l.name, l.kind, count(l.tasks),
                serializes && l.tasks > 0 ? (l.fusedInto.map { "fused → \($0)" } ?? approx(l.taskBytes)) : "—",
                e.hasSubmit ? ByteFormat.text(l.submit.fixed) : "—",
                e.hasSubmit && l.submit.units > 0 ? ByteFormat.text(l.submit.perUnit) : "—",
                l.chunkBytes > 0 ? ByteFormat.text(l.chunkBytes) : "—",
                lifetime(l),
            ])
        }
        out += table(rows, rightAligned: [2, 3, 4, 5, 6])
        let uses = e.layers.flatMap { l in l.objects.map { (l, $0) } }
        if !uses.isEmpty { out += "\nobjects in tasks\n" }
        for (l, u) in uses {
            out += "  `\(l.name)` ← `\(u.shownName)` (\(useKind(u))): wire \(approx(u.wire)), resident \(approx(u.resident)), dask.sizeof \(ByteFormat.text(u.daskSizeof.bytes)); "
            if u.copiedPerTask && c.scheduler == .processes {
                out += "pickled into every task's message; one copy per pool process at a time while tasks run (\(count(u.copiesTotal)) in all), none after the run\n"
            } else if u.copiedPerTask {
                out += "while tasks run \(count(u.copiesPerWorker)) cop\(u.copiesPerWorker == 1 ? "y" : "ies") per worker (\(count(u.copiesTotal)) in all), \(approx(u.residentPerWorker)) per worker; "
                out += "after the run \(count(u.copiesPerWorkerAfter)) per worker\n"
            } else if !serializes {
                out += "passed by reference\n"
            } else {
                out += "referenced by key: one copy per worker\n"
            }
        }

        if !e.objects.isEmpty {
            out += "\nobjects\n"
            // Two moments: the peak while the tasks run, and what stays once they are done.
            var orows: [[String]] = [["object", "placement", "wire", "resident", "copies/worker", "copies", "per worker", "after: copies/worker", "per worker"]]
            for o in e.objects {
                orows.append([o.name, o.placement.rawValue, approx(o.wire), approx(o.resident), count(o.copiesPerWorker), count(o.copiesTotal),
                              approx(o.residentPerWorker), count(o.copiesPerWorkerAfter), approx(o.residentPerWorkerAfter)])
            }
            out += "  (copies while the tasks run, at their peak; after: what workers still hold once the run is done)\n"
            out += table(orows, rightAligned: [2, 3, 4, 5, 6, 7, 8], indent: "  ")
        }

        out += "\ntotals\n"
        out += "  tasks: \(count(e.tasks))\n"
        if e.hasSubmit {
            out += "  submit: \(approx(e.submitBytes)) (fixed ≈ \(ByteFormat.text(e.submitFixedBytes)) + per chunk ≈ \(ByteFormat.text(e.submitPerChunkBytes))); "
            out += "large-graph warning at \(decimalBytes(e.largeGraphWarningBytes)): \(e.largeGraphWarning ? "fires" : "silent")\n"
        } else {
            out += "  submit: none (\(c.scheduler.rawValue) scheduler: no whole-graph pickle)\n"
        }
        if serializes, let top = e.layers.max(by: { $0.taskBytes.bytes < $1.taskBytes.bytes }), top.tasks > 0 {
            out += "  largest task: \(approx(top.taskBytes)) (`\(top.name)`), pickled on dispatch\n"
        }
        let objectsBytes = e.objects.reduce(Int64(0)) { Sat.add($0, $1.residentPerWorker.bytes) }
        // What is neither an object's copies nor chunks: the frames of broadcast merges, one copy per worker.
        let broadcast = Sat.add(e.residentPerWorker.bytes, -Sat.add(objectsBytes, e.chunkDataPerWorker))
        let frames = broadcast > 0 && e.residentPerWorker.bytes < Int64.max ? " + broadcast merge frames ≈ \(ByteFormat.text(broadcast))" : ""
        out += "  memory per worker while tasks run (peak): \(approx(e.residentPerWorker)) (objects ≈ \(ByteFormat.text(objectsBytes)) + chunks ≈ \(ByteFormat.text(e.chunkDataPerWorker))\(frames))"
        if let f = e.memoryFraction, let limit = e.memoryLimit, let level = e.memoryLevel {
            out += " = \(percent(f)) of \(ByteFormat.text(limit)): \(level == .belowTarget ? "below target (\(e.thresholds.target))" : "past \(level.rawValue) (\(e.thresholds.fraction(of: level)))")"
        }
        out += "\n"
        out += "  memory per worker after the run: \(approx(e.residentPerWorkerAfter))\n"
        if let parent = e.parentBytes {
            out += "  parent process: \(approx(parent)) (every result, plus up to \(GraphCosts.processesChunksize) pickled task messages per pool process)\n"
        }

        out += "\nverdicts\n"
        for v in e.verdicts { out += "  - \(v)\n" }
        if !e.notes.isEmpty {
            out += "\nnotes\n"
            for n in e.notes {
                let p = position(n.range.start)
                out += "  \(path):\(p.line):\(p.column): \(n.message)\n"
            }
        }
        return out
    }

    /// The JSON report (docs/estimate.md), keys sorted, two-space indentation.
    public static func json(_ e: GraphEstimate, path: String, pipeline: String, position: (Int) -> (line: Int, column: Int)) -> String {
        func loc(_ r: SourceRange) -> JSON {
            let p = position(r.start)
            return .object(["line": .int(Int64(p.line)), "column": .int(Int64(p.column)), "offset": .int(Int64(r.start))])
        }
        func size(_ s: SizeEstimate) -> JSON {
            var o: [String: JSON] = ["bytes": .int(s.bytes), "confidence": .string(confidenceName(s.confidence))]
            if case .unknown(let reason) = s.confidence { o["reason"] = .string(reason) }
            return .object(o)
        }
        let c = e.cluster
        var cluster: [String: JSON] = ["scheduler": .string(c.scheduler.rawValue), "workers": .int(Int64(c.workers)),
                                       "threads_per_worker": .int(Int64(c.threadsPerWorker))]
        cluster["memory_per_worker"] = c.memoryPerWorker.map { .int($0) } ?? .null
        let layers: [JSON] = e.layers.map { l in
            .object([
                "name": .string(l.name), "kind": .string(l.kind), "at": loc(l.nameRange), "tasks": .int(Int64(l.tasks)),
                "task_bytes": c.scheduler.serializesTasks ? size(l.taskBytes) : .null,
                "submit": e.hasSubmit ? .object(["fixed": .int(l.submit.fixed), "per_unit": .int(l.submit.perUnit), "units": .int(Int64(l.submit.units))]) : .null,
                "chunk_bytes": .int(l.chunkBytes),
                "output": l.output.map { .string(outputName($0)) } ?? .null,
                "results_held": .bool(l.resultsHeld),
                "fused_into": l.fusedInto.map(JSON.string) ?? .null,
                "objects": .array(l.objects.map { u in
                    .object([
                        "object": .string(u.object), "shipped": .string(u.shownName), "at": loc(u.range), "receiver": .bool(u.isReceiver),
                        "placement": .string(u.placement.rawValue), "dask_delays": .bool(u.daskDelays), "copied_per_task": .bool(u.copiedPerTask),
                        "wire": size(u.wire), "resident": size(u.resident), "dask_sizeof": size(u.daskSizeof),
                        "copies_per_worker": .int(Int64(u.copiesPerWorker)), "copies_total": .int(Int64(u.copiesTotal)),
                        "resident_per_worker": size(u.residentPerWorker), "copies_per_worker_after": .int(Int64(u.copiesPerWorkerAfter)),
                        "route": .string(u.carried?.route.rawValue ?? (u.isReceiver ? "receiver" : "argument")),
                        "carried_name": u.carried.map { .string($0.name) } ?? .null,
                    ])
                }),
            ])
        }
        let objects: [JSON] = e.objects.map { o in
            .object([
                "name": .string(o.name), "at": loc(o.nameRange), "placement": .string(o.placement.rawValue),
                "wire": size(o.wire), "resident": size(o.resident),
                "copies_per_worker": .int(Int64(o.copiesPerWorker)), "copies_total": .int(Int64(o.copiesTotal)),
                "resident_per_worker": size(o.residentPerWorker), "used_by": .array(o.usedBy.map(JSON.string)),
                "copies_per_worker_after": .int(Int64(o.copiesPerWorkerAfter)), "resident_per_worker_after": size(o.residentPerWorkerAfter),
            ])
        }
        var memory: [String: JSON] = ["resident_per_worker": size(e.residentPerWorker), "chunk_data_per_worker": .int(e.chunkDataPerWorker),
                                      "thresholds": .object(["target": .double(e.thresholds.target), "spill": .double(e.thresholds.spill),
                                                             "pause": .double(e.thresholds.pause), "terminate": .double(e.thresholds.terminate)])]
        memory["limit"] = e.memoryLimit.map { .int($0) } ?? .null
        memory["resident_per_worker_after"] = size(e.residentPerWorkerAfter)
        memory["parent_bytes"] = e.parentBytes.map(size) ?? .null
        memory["fraction"] = e.memoryFraction.map { .double(($0 * 10000).rounded() / 10000) } ?? .null
        memory["level"] = e.memoryLevel.map { .string($0.rawValue) } ?? .null
        let submit: JSON = e.hasSubmit
            ? .object(["bytes": size(e.submitBytes), "fixed_bytes": .int(e.submitFixedBytes), "per_chunk_bytes": .int(e.submitPerChunkBytes),
                       "threshold": .int(e.largeGraphWarningBytes), "warns": .bool(e.largeGraphWarning)])
            : .null
        let doc: JSON = .object([
            "version": .int(Int64(jsonVersion)), "tool": .string("pipelint"), "path": .string(path), "pipeline": .string(pipeline),
            "cluster": .object(cluster), "tasks": .int(Int64(e.tasks)), "layers": .array(layers), "objects": .array(objects),
            "submit": submit, "memory": .object(memory), "verdicts": .array(e.verdicts.map(JSON.string)),
            "notes": .array(e.notes.map { .object(["at": loc($0.range), "message": .string($0.message)]) }),
        ])
        return doc.render() + "\n"
    }

    static func confidenceName(_ c: Confidence) -> String {
        switch c {
        case .exact: "exact"
        case .modelled: "modelled"
        case .declared: "declared"
        case .unknown: "unknown"
        }
    }

    static func outputName(_ o: OutputKind) -> String {
        switch o {
        case .compute: "compute"
        case .persist: "persist"
        case .save: "save"
        }
    }

    static func lifetime(_ l: LayerEstimate) -> String {
        if l.isObject { return "—" }
        if let o = l.output { return outputName(o) + " (all held)" }
        return l.resultsHeld ? "fused, held" : "in flight"
    }

    static func useKind(_ u: ObjectUse) -> String {
        var s = u.carried.map { $0.route == .instance ? "callable instance" : "carried by the function, \($0.route.phrase)" } ?? (u.isReceiver ? "receiver" : "argument")
        if u.copiedPerTask { s += ", copied per task" } else if u.daskDelays { s += ", delayed by normalize_arg" } else { s += ", \(u.placement.rawValue)" }
        return s
    }

    /// `≈ 236 KiB`, or `≥ 0 B (unknown)` when the size is not known.
    static func approx(_ s: SizeEstimate) -> String {
        switch s.confidence {
        case .exact: ByteFormat.text(s.bytes)
        case .unknown: "≥ \(ByteFormat.text(s.bytes)) (unknown)"
        case .modelled, .declared: "≈ \(ByteFormat.text(s.bytes))"
        }
    }

    /// `1,000,000`.
    static func count(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0, ch != "-" { out += "," }
            out.append(ch)
        }
        return out
    }

    /// Columns padded to their widest cell (widths in characters); the first row is the header.
    static func table(_ rows: [[String]], rightAligned: Set<Int>, indent: String = "") -> String {
        guard let first = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: first.count)
        for r in rows { for (i, cell) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for r in rows {
            var line = indent
            for (i, cell) in r.enumerated() where i < widths.count {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                line += rightAligned.contains(i) ? pad + cell : cell + pad
                if i < r.count - 1 { line += "  " }
            }
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}

/// A JSON value with deterministic output (sorted keys), so goldens are stable.
enum JSON {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    func render(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? "\(d)" : "null"
        case .string(let s): return JSON.quote(s)
        case .array(let xs):
            if xs.isEmpty { return "[]" }
            return "[\n" + xs.map { inner + $0.render(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let o):
            if o.isEmpty { return "{}" }
            return "{\n" + o.keys.sorted().map { k in inner + JSON.quote(k) + ": " + (o[k] ?? .null).render(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
