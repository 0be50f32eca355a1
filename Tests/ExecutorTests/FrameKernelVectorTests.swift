import Foundation
import PipelineIR
import Testing
@testable import Executor

/// Runs Fixtures/frame-kernel-vectors.json: the vectors scripts/check-frame-vectors.py checks with
/// pandas through the exported program's own frame kernels.
@Suite struct FrameKernelVectorTests {
    nonisolated(unsafe) static let vectors: [[String: Any]] = {
        guard let url = Bundle.module.url(forResource: "Fixtures/frame-kernel-vectors", withExtension: "json"),
              let data = try? Data(contentsOf: url),
              let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return doc["vectors"] as? [[String: Any]] ?? []
    }()

    static func floats(_ v: Any?) -> [Double] { (v as? [Any] ?? []).map { Double($0 as? String ?? "") ?? .nan } }
    static func ints(_ v: Any?) -> [Int64] { (v as? [Any] ?? []).map { ($0 as? NSNumber)?.int64Value ?? 0 } }

    static func column(_ c: [String: Any]) -> FrameColumnData {
        let dtype = c["dtype"] as? String ?? ""
        switch dtype {
        case "string":
            var s = FrameStrings()
            for v in c["data"] as? [Any] ?? [] { s.append((v as? String).map { Array($0.utf8) }) }
            return .string(s)
        case "category": return .category(codes: ints(c["codes"]).map { Int32($0) }, count: (c["categories"] as? Int) ?? 0)
        case "bool": return .bool((c["data"] as? [Bool]) ?? [])
        case "datetime64[ns]": return .datetime(ints(c["data"]))
        case "float64": return .float64(floats(c["data"]))
        case "float32": return .float32(floats(c["data"]).map { Float($0) })
        default: return .integer(ints(c["data"]), NumericType(rawValue: dtype) ?? .int64)
        }
    }

    static func apply(_ v: [String: Any]) throws -> String {
        let p = v["part"] as? [String: Any] ?? [:]
        let cols = p["columns"] as? [[String: Any]] ?? []
        let data = cols.map(column)
        let part = FramePart(start: p["start"] as? Int ?? 0, rows: data.first?.count ?? 0, names: cols.map { $0["name"] as? String ?? "" }, columns: data)
        let into = v["into"] as? String ?? ""
        let out: FramePart
        if v["kernel"] as? String == "map_column" {
            let t = v["table"] as? [String: Any] ?? [:]
            if let d = t["dict"] as? [String: Any] {
                let n = d["length"] as? Int ?? 0
                let recipe = StringDictRecipe(length: n, keyLength: d["keys"] as? Int ?? 0, valueLength: d["values"] as? Int ?? 0, distinct: d["distinct"] as? Int ?? n)
                out = try FrameKernels.mapColumn(part, table: .stringDict(StringDict(recipe: recipe)), column: v["column"] as? String ?? "", into: into)
            } else {
                let s = t["series"] as? [String: Any] ?? [:]
                let dtype = NumericType(rawValue: s["dtype"] as? String ?? "") ?? .float64
                let values: Column = dtype.isFloat ? .f64(floats(s["data"])) : .i64(ints(s["data"]))
                let index = s["index"].map { ints($0) }
                out = try FrameKernels.mapColumn(part, table: .series(values: values, index: index, name: nil), column: v["column"] as? String ?? "",
                                                 into: into, seriesDtype: dtype)
            }
        } else {
            out = try FrameKernels.scoreRows(part, weights: floats(v["weights"]), columns: v["columns"] as? [String] ?? [], into: into)
        }
        return String(decoding: FrameCSV.bytes([out]), as: UTF8.self)
    }

    @Test func thereAreVectors() { #expect(Self.vectors.count >= 7) }

    @Test(arguments: vectors.compactMap { $0["name"] as? String })
    func vector(_ name: String) throws {
        let v = Self.vectors.first { $0["name"] as? String == name } ?? [:]
        #expect(try Self.apply(v) == v["expected"] as? String)
    }
}
