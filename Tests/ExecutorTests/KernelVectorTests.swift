import Foundation
import Testing
@testable import Executor
import PipelineIR

/// Runs Fixtures/kernel-vectors.json: the same vectors scripts/check-kernel-vectors.py
/// checks with numpy (and dask for reductions).
@Suite struct KernelVectorTests {
    nonisolated(unsafe) static let vectors: [[String: Any]] = {
        guard let url = Bundle.module.url(forResource: "Fixtures/kernel-vectors", withExtension: "json"),
              let data = try? Data(contentsOf: url),
              let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return doc["vectors"] as? [[String: Any]] ?? []
    }()

    static func names(_ kind: String) -> [String] {
        vectors.filter { $0["kind"] as? String == kind }.compactMap { $0["name"] as? String }
    }

    static func vector(_ name: String) -> [String: Any] { vectors.first { $0["name"] as? String == name } ?? [:] }

    /// Floats are strings (Python repr) so that the JSON parser cannot round them.
    static func double(_ v: Any?) -> Double {
        if let s = v as? String { return Double(s) ?? .nan }
        return (v as? NSNumber)?.doubleValue ?? 0
    }

    /// Bitwise equality, except that any NaN matches any NaN.
    static func same(_ a: Column, _ b: Column) -> Bool {
        switch (a, b) {
        case (.f64(let x), .f64(let y)), (.c128(let x), .c128(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
        default: return a.bitwiseEqual(b)
        }
    }

    static func int(_ v: Any?) -> Int64 { (v as? NSNumber)?.int64Value ?? 0 }

    static func array(_ spec: Any?) -> Chunk {
        let s = spec as? [String: Any] ?? [:]
        let shape = (s["shape"] as? [Int]) ?? []
        let n = shape.reduce(1, *)
        let float = s["dtype"] as? String == "float64"
        if let r = s["random"] as? [String: Any] {
            let seed = UInt64(int(r["seed"]))
            let lo = double(r["low"]), hi = double(r["high"])
            return Chunk(shape: shape, data: float ? .f64(RandomValues.doubles(seed: seed, start: 0, count: n, low: lo, high: hi))
                         : .i64(RandomValues.ints(seed: seed, start: 0, count: n, low: lo, high: hi)))
        }
        let data = s["data"] as? [Any] ?? []
        // complex128: [re, im] pairs; nanosecond dtypes: integers with "NaT".
        let words = data.map { $0 as? String == "NaT" ? Int64.min : int($0) }
        switch s["dtype"] as? String {
        case "complex128":
            var parts: [Double] = []
            for pair in data { for v in pair as? [Any] ?? [] { parts.append(double(v)) } }
            return Chunk(shape: shape, data: .c128(parts))
        case "datetime64[ns]": return Chunk(shape: shape, data: .datetime(words))
        case "timedelta64[ns]": return Chunk(shape: shape, data: .timedelta(words))
        default: return Chunk(shape: shape, data: float ? .f64(data.map(double)) : .i64(data.map(int)))
        }
    }

    @Test func thereAreVectorsOfEveryKind() {
        #expect(Self.names("kernel").count >= 30)
        // Frame kernels (format 1.2) work on DataFrame partitions, which `pipelint run` does not execute.
        #expect(Set(Self.vectors.compactMap { $0["kernel"] as? String }) == Set(Kernel.allCases.filter { !$0.isFrameKernel }.map(\.rawValue)))
        #expect(Self.names("random").count >= 5)
        #expect(Self.names("reduce").count >= 10)
    }

    @Test(arguments: names("kernel"))
    func kernel(_ name: String) throws {
        let v = Self.vector(name)
        let k = try #require(Kernel(rawValue: v["kernel"] as? String ?? ""))
        let args: [KernelArg] = (v["args"] as? [[String: Any]] ?? []).map { a in
            if let b = a["block"] { return .chunk(Self.array(b)) }
            if let t = a["table"] { return .table(Self.array(t).data) }
            if let t = a["array"] { let c = Self.array(t); return .array(shape: c.shape, data: c.data) }
            return .scalar(a["dtype"] as? String == "int64" ? .i64(Self.int(a["scalar"])) : .f64(Self.double(a["scalar"])))
        }
        let got = try Kernels.apply(k, args)
        let want = Self.array(v["expected"])
        #expect(got.shape == want.shape)
        #expect(Self.same(got.data, want.data), "\(got.data) vs \(want.data)")
    }

    @Test(arguments: names("random"))
    func random(_ name: String) {
        let v = Self.vector(name)
        let seed = UInt64(Self.int(v["seed"]))
        let start = Int(Self.int(v["start"])), count = Int(Self.int(v["count"]))
        let lo = Self.double(v["low"]), hi = Self.double(v["high"])
        let got: Column = v["dtype"] as? String == "float64" ? .f64(RandomValues.doubles(seed: seed, start: start, count: count, low: lo, high: hi))
            : .i64(RandomValues.ints(seed: seed, start: start, count: count, low: lo, high: hi))
        #expect(Self.same(got, Self.array(v["expected"]).data))
    }

    /// Reductions run through the executor: the array is saved as .npy, loaded
    /// by a pipeline with the vector's chunks, and reduced with its split_every.
    @Test(arguments: names("reduce"))
    func reduce(_ name: String) throws {
        let v = Self.vector(name)
        let a = Self.array(v["array"])
        let dir = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(NPY.encode(a)).write(to: dir.appendingPathComponent("a.npy"))
        let chunks = (v["chunks"] as? [[Int]] ?? []).map { "[" + $0.map(String.init).joined(separator: ", ") + "]" }.joined(separator: ", ")
        let text = """
        pipeline: vector
        version: 1
        cluster: {scheduler: distributed, workers: 2, threads_per_worker: 2}
        arrays:
          a: {shape: \(a.shape), chunks: [\(chunks)], dtype: \(a.data.dtypeName), source: {load: a.npy}}
        steps:
          r: {reduce: \(v["reduction"] as? String ?? ""), over: a, split_every: \(Self.int(v["split_every"]))}
        outputs:
          r: compute

        """
        let r = try runText(text, in: dir)
        guard case .scalar(let s)? = r.outputs.first?.data else { Issue.record("no result"); return }
        let e = v["expected"] as? [String: Any] ?? [:]
        let want: Scalar = e["dtype"] as? String == "int64" ? .i64(Self.int(e["value"])) : .f64(Self.double(e["value"]))
        #expect(s.bitwiseEqual(want) || (s.double.isNaN && want.double.isNaN), "\(s) vs \(want)")
    }
}
