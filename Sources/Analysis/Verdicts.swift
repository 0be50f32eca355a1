import PipelineIR
import Sizing

extension GraphEstimate {
    /// Objects under this many pickled bytes (PL001's default minimum, 64 KiB) are not worth a verdict.
    public var notableObjectBytes: Int64 { 64 * 1024 }

    /// Plain sentences on what Dask will and will not say about this graph, and
    /// what workers will hold.
    public var verdicts: [String] {
        var out: [String] = []
        let c = cluster
        switch c.scheduler {
        case .threads:
            out.append("The threaded scheduler passes objects by reference: nothing is pickled and no copies are made.")
        case .processes:
            out.append("The processes scheduler pickles each task on its own, with the values of its dependencies, when it runs it: there is no whole-graph submit and no large-graph warning, and a delayed object travels with every task that uses it.")
        case .distributed:
            let copies = objects.filter { $0.copiesPerWorker > 1 && $0.wire.bytes >= notableObjectBytes }.max { $0.copiesPerWorker < $1.copiesPerWorker }
            if !largeGraphWarning, submitBytes.bytes > largeGraphWarningBytes {
                // Format 1.1: a `client.submit` loop sends one message per call, each under the threshold.
                out.append("Dask's large-graph warning stays silent: ≈ \(ByteFormat.text(submitBytes.bytes)) submitted in all, but in messages under \(decimalBytes(largeGraphWarningBytes)) each (one per `client.submit` call).")
            } else if largeGraphWarning {
                out.append("Dask will warn \"Sending large graph of size \(daskFormatBytes(submitBytes.bytes))\": ≈ \(ByteFormat.text(submitBytes.bytes)) submitted is over \(decimalBytes(largeGraphWarningBytes)) (distributed.admin.large-graph-warning-threshold).")
            } else if let o = copies {
                out.append("Dask's large-graph warning stays silent (≈ \(ByteFormat.text(submitBytes.bytes)) submitted, under \(decimalBytes(largeGraphWarningBytes))) while each worker holds up to \(o.copiesPerWorker) copies of `\(o.name)` (≈ \(ByteFormat.text(o.residentPerWorker.bytes)) per worker).")
            } else {
                out.append("Dask's large-graph warning stays silent: ≈ \(ByteFormat.text(submitBytes.bytes)) submitted, under \(decimalBytes(largeGraphWarningBytes)).")
            }
        }
        if c.scheduler == .processes, let (layer, use) = largestUse, use.wire.bytes >= notableObjectBytes {
            out.append("Every task of `\(layer.name)` carries its own copy of `\(use.shownName)` (≈ \(ByteFormat.text(use.wire.bytes)) pickled, ≈ \(ByteFormat.text(Sat.mul(use.wire.bytes, Int64(layer.tasks)))) through the pipes); a pool process holds one copy at a time and none after the run.")
        } else if c.scheduler.serializesTasks, let (layer, use) = largestUse, use.wire.bytes >= notableObjectBytes {
            out.append("Every task of `\(layer.name)` carries its own copy of `\(use.shownName)` (≈ \(ByteFormat.text(use.wire.bytes)) pickled); each worker keeps \(use.copiesPerWorker) at once \(layer.resultsHeld ? "while the results live" : "while chunks are in flight").")
        }
        for o in objects where o.placement != .embed && !o.usedBy.isEmpty && c.scheduler != .processes {
            out.append("`\(o.name)` (\(o.placement.rawValue)) costs one copy per worker (\(o.copiesTotal) in all).")
        }
        if let level = memoryLevel, let limit = memoryLimit, let f = memoryFraction {
            let pct = percent(f)
            if level == .belowTarget {
                out.append("Predicted memory per worker ≈ \(ByteFormat.text(residentPerWorker.bytes)) is \(pct) of memory_per_worker \(ByteFormat.text(limit)), below Dask's target (\(thresholds.target)).")
            } else {
                out.append("Predicted memory per worker ≈ \(ByteFormat.text(residentPerWorker.bytes)) is \(pct) of memory_per_worker \(ByteFormat.text(limit)): past \(level.configKey) (\(thresholds.fraction(of: level))): \(level.consequence).")
            }
        } else {
            out.append("No memory_per_worker declared: Dask's memory thresholds are not checked.")
        }
        if case .unknown(let reason) = residentPerWorker.confidence {
            out.append("Memory per worker is a lower bound: \(reason).")
        }
        return out
    }
}

/// `12.3%`, `0.3%`, `250%`.
func percent(_ f: Double) -> String {
    let p = f * 100
    if !p.isFinite || p >= 1e6 { return "over 1,000,000%" }
    if p >= 100 { return "\(Int(p.rounded()))%" }
    if p > 0, p < 0.1 { return "< 0.1%" }
    return "\((p * 10).rounded() / 10)%"
}

/// `10 MB` for 10,000,000 (the threshold is a decimal size in Dask's config).
func decimalBytes(_ b: Int64) -> String {
    if b >= 1_000_000, b % 1_000_000 == 0 { return "\(b / 1_000_000) MB" }
    if b >= 1000, b % 1000 == 0 { return "\(b / 1000) kB" }
    return "\(b) B"
}

/// What `dask.utils.format_bytes` prints: binary units with two decimals (`24.63 MiB`).
func daskFormatBytes(_ b: Int64) -> String {
    let units: [(String, Double)] = [("PiB", 1125899906842624), ("TiB", 1099511627776), ("GiB", 1073741824), ("MiB", 1048576), ("kiB", 1024)]
    let v = Double(b)
    for (name, k) in units where v >= k * 0.9 {
        let x = (v / k * 100).rounded() / 100
        return "\(twoDecimals(x)) \(name)"
    }
    return "\(b) B"
}

func twoDecimals(_ x: Double) -> String {
    let cents = Int64((x * 100).rounded())
    let frac = cents % 100
    return "\(cents / 100).\(frac < 10 ? "0" : "")\(frac)"
}
