import Executor
import Foundation
import PipelineIR

/// Every kernel `pipelint-bench kernels` times, in int64 and float64, against
/// numpy on the same data (benchmarks/numpy_kernels.py builds it with the same
/// generator): best of at least 5 runs per round on each side, and the ratio of the
/// best times over all rounds. numpy runs as one process that times a kernel when
/// asked, right after pipelint's runs of the same kernel, round by round, so both sides
/// of a ratio are measured seconds apart and see the same load on a shared machine.
enum KernelBenchmark {
    struct Case {
        var name: String
        var dtype: String
        var key: String { "\(name)/\(dtype)" }
        var body: () -> Double
    }

    /// The kernels that must match numpy; `searchsorted` is the slow one (seconds per call).
    static let names = ["random", "take", "add", "scale", "clip", "sqrt", "searchsorted", "sum"]

    static func cases(_ n: Int) -> [Case] {
        let x = Chunk(shape: [n], data: .f64(RandomValues.doubles(seed: 1, start: 0, count: n, low: 0, high: 1)))
        let y = Chunk(shape: [n], data: .f64(RandomValues.doubles(seed: 2, start: 0, count: n, low: 0, high: 1)))
        let xi = Chunk(shape: [n], data: .i64(RandomValues.ints(seed: 1, start: 0, count: n, low: 0, high: 30000)))
        let yi = Chunk(shape: [n], data: .i64(RandomValues.ints(seed: 2, start: 0, count: n, low: 0, high: 30000)))
        let idx = Chunk(shape: [n], data: .i64(RandomValues.ints(seed: 3, start: 0, count: n, low: 0, high: 30000)))
        func k(_ kernel: Kernel, _ a: [KernelArg]) -> () -> Double {
            {
                guard let c = try? Kernels.apply(kernel, a) else { return .nan }
                return c.data.count > 0 ? c.data.double(at: 0) : 0
            }
        }
        var out: [Case] = []
        for float in [false, true] {
            let dtype = float ? "float64" : "int64"
            let a = float ? x : xi, b = float ? y : yi
            out.append(Case(name: "random", dtype: dtype, body: float
                ? { RandomValues.doubles(seed: 4, start: 0, count: n, low: 0, high: 1)[0] }
                : { Double(RandomValues.ints(seed: 4, start: 0, count: n, low: 0, high: 30000)[0]) }))
            let table: Column = float ? .f64((0..<30000).map { Double($0) }) : .i64((0..<30000).map { Int64($0) })
            out.append(Case(name: "take", dtype: dtype, body: k(.take, [.chunk(idx), .table(table)])))
            out.append(Case(name: "add", dtype: dtype, body: k(.add, [.chunk(a), .chunk(b)])))
            out.append(Case(name: "scale", dtype: dtype, body: k(.scale, [.chunk(a), .scalar(float ? .f64(0.5) : .i64(3))])))
            let (lo, hi): (Scalar, Scalar) = float ? (.f64(0.25), .f64(0.75)) : (.i64(7500), .i64(22500))
            out.append(Case(name: "clip", dtype: dtype, body: k(.clip, [.chunk(a), .scalar(lo), .scalar(hi)])))
            out.append(Case(name: "sqrt", dtype: dtype, body: k(.sqrt, [.chunk(a)])))
            let edges: Column = float ? .f64((0..<100_000).map { Double($0) / 100_000 }) : .i64((0..<100_000).map { Int64($0 * 3 / 10) })
            out.append(Case(name: "searchsorted", dtype: dtype, body: k(.searchsorted, [.chunk(a), .table(edges)])))
            out.append(Case(name: "sum", dtype: dtype, body: {
                if case .value(let s) = Reductions.partial(.sum, a.data) { return s.double }
                return .nan
            }))
        }
        return out
    }

    /// Best time of at least 5 runs, more for short kernels (up to 0.25 s of runs, at most 100),
    /// as benchmarks/numpy_kernels.py does: a 3 ms kernel is otherwise at the mercy of one preemption.
    static func best(_ f: () -> Double, _ sink: inout Double) -> Double {
        var b = Double.infinity
        var runs = 0, spent = 0.0
        while runs < 5 || (runs < 100 && spent < 0.25) {
            let t = DispatchTime.now().uptimeNanoseconds
            sink += f()
            let s = Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
            b = min(b, s)
            spent += s
            runs += 1
        }
        return b
    }

    /// benchmarks/numpy_kernels.py `--serve`: times one kernel per request line.
    final class Numpy {
        let process = Process()
        let requests = Pipe(), replies = Pipe()
        var pending = Data()

        init?(n: Int) {
            signal(SIGPIPE, SIG_IGN)  // a python without numpy exits: its pipe then fails to write, not us
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = pythonArgs + [repo.appendingPathComponent("benchmarks/numpy_kernels.py").path, String(n), "--serve"]
            process.standardInput = requests
            process.standardOutput = replies
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return nil }
        }

        /// numpy's best seconds for `c`, nil when the process has gone (no numpy).
        func time(_ c: Case) -> Double? {
            guard (try? requests.fileHandleForWriting.write(contentsOf: Data("\(c.name) \(c.dtype)\n".utf8))) != nil else { return nil }
            while true {
                if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<end], as: UTF8.self)
                    pending = Data(pending[(end + 1)...])
                    let parts = line.split(separator: " ")
                    return parts.count == 3 ? Double(parts[2]).flatMap { $0.isFinite ? $0 : nil } : nil
                }
                let more = replies.fileHandleForReading.availableData
                if more.isEmpty { return nil }
                pending.append(more)
            }
        }

        func close() {
            try? requests.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    /// Runs the benchmark; with `maxRatio`, returns false when a kernel is slower
    /// than `maxRatio` × numpy or numpy is missing.
    static func run(n: Int, rounds: Int, only: [String], maxRatio: Double?) -> Bool {
        let selected = only.isEmpty ? names : only
        let all = cases(n).filter { selected.contains($0.name) }
        var ours: [String: Double] = [:]
        var numpy: [String: Double] = [:]
        var sink = 0.0
        let server = Numpy(n: n)
        func measure(_ c: Case) {
            ours[c.key] = min(ours[c.key] ?? .infinity, best(c.body, &sink))
            if let s = server?.time(c) { numpy[c.key] = min(numpy[c.key] ?? .infinity, s) }
        }
        for c in all {
            for _ in 0..<max(1, rounds) { measure(c) }
            // A kernel past the limit gets up to 3 more rounds: a slowdown in the code stays,
            // a burst of load on one side of the ratio does not.
            var extra = 0
            while let limit = maxRatio, extra < 3, let s = ours[c.key], let np = numpy[c.key], s / np > limit {
                measure(c)
                extra += 1
            }
            if extra > 0 { print("\(c.key): above the limit, measured \(extra) more round(s)") }
        }
        server?.close()
        let numpyMissing = all.contains { numpy[$0.key] == nil }
        print("kernels on \(n) elements, best of ≥ 5 runs per round, \(max(1, rounds)) round(s), each kernel timed by pipelint then numpy; ratio = pipelint / numpy (target ≤ 1.00×)")
        var ok = true
        for c in all {
            let s = ours[c.key] ?? .nan
            let label = c.name.padding(toLength: 13, withPad: " ", startingAt: 0) + c.dtype.padding(toLength: 8, withPad: " ", startingAt: 0)
            guard let np = numpy[c.key] else {
                print(label + String(format: " pipelint %8.2f ms   numpy skipped", s * 1e3))
                continue
            }
            let ratio = s / np
            var verdict = ""
            if let limit = maxRatio, !(ratio <= limit) {
                verdict = String(format: "   FAIL: above %.2f×", limit)
                ok = false
            }
            print(label + String(format: " pipelint %8.2f ms   numpy %8.2f ms   ratio %.2f×", s * 1e3, np * 1e3, ratio) + verdict)
        }
        if numpyMissing {
            print("numpy: not found (set PIPELINT_PYTHON to a python with numpy)")
            if maxRatio != nil { ok = false }
        }
        if sink == 42 { print("") }
        return ok
    }
}
