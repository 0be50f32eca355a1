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

    /// Floats written as their repr or as `float.hex` text.
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

    @Test(arguments: vectors.compactMap { $0["expected"] is String ? $0["name"] as? String : nil })
    func vector(_ name: String) throws {
        let v = Self.vectors.first { $0["name"] as? String == name } ?? [:]
        #expect(try Self.apply(v) == v["expected"] as? String)
    }
}

/// The row-step, groupby, merge and hash vectors: structured results (labels, then each column's
/// name, dtype and values; floats compared by bit pattern, any NaN matching any NaN).
extension FrameKernelVectorTests {
    static func part(_ p: [String: Any]) -> FramePart {
        let cols = p["columns"] as? [[String: Any]] ?? []
        let data = cols.map(column)
        return FramePart(start: p["start"] as? Int ?? 0, rows: data.first?.count ?? 0, names: cols.map { $0["name"] as? String ?? "" }, columns: data,
                         labels: (p["labels"] as? [Any]).map { ints($0) })
    }

    static func table(_ t: [String: Any]) -> (ObjectValue, NumericType?) {
        if let d = t["dict"] as? [String: Any] {
            let n = d["length"] as? Int ?? 0
            let recipe = StringDictRecipe(length: n, keyLength: d["keys"] as? Int ?? 0, valueLength: d["values"] as? Int ?? 0, distinct: d["distinct"] as? Int ?? n)
            return (.stringDict(StringDict(recipe: recipe)), nil)
        }
        let s = t["series"] as? [String: Any] ?? [:]
        let dtype = NumericType(rawValue: s["dtype"] as? String ?? "") ?? .float64
        let values: Column = dtype.isFloat ? .f64(floats(s["data"])) : .i64(ints(s["data"]))
        return (.series(values: values, index: s["index"].map { ints($0) }, name: nil), dtype)
    }

    /// An `assign` expression of the vectors: a column name, `{"num": "TEXT"}`, or one operation.
    static func expr(_ e: Any) -> RowExpr {
        let r = SourceRange.at(0)
        if let c = e as? String { return .column(c, range: r) }
        let (op, args) = (e as? [String: Any] ?? [:]).first ?? ("", "")
        if op == "num", let text = args as? String {
            return .number(Double(text) ?? .nan, isInteger: !text.contains(where: { ".eEn".contains($0) }), range: r)
        }
        let list = args as? [Any] ?? []
        if op == "where" {
            let (cop, sides) = (list[0] as? [String: Any] ?? [:]).first ?? ("", [])
            let lr = sides as? [Any] ?? []
            return .choose(RowCondition(op: CompareOp(keyword: cop) ?? .eq, lhs: expr(lr[0]), rhs: expr(lr[1])), expr(list[1]), expr(list[2]), range: r)
        }
        return .arith(ArithOp(rawValue: op) ?? .add, expr(list[0]), expr(list[1]), range: r)
    }

    static func applyStep(_ v: [String: Any]) throws -> FramePart {
        let kind = v["kernel"] as? String ?? ""
        if kind == "groupby" {
            let parts = (v["parts"] as? [[String: Any]] ?? []).map(part)
            return try FrameGroupbySums.tree(parts, key: v["by"] as? String ?? "", value: v["sum"] as? String ?? "", splitEvery: v["split_every"] as? Int ?? 8)
        }
        if kind == "merge" { return try merge(v) }
        let p = part(v["part"] as? [String: Any] ?? [:])
        switch kind {
        case "hash":
            let c = p.column(v["on"] as? String ?? "") ?? .integer([], .int64)
            let ps = FrameHashing.partitions(c, into: v["n"] as? Int ?? 1).map { Int64($0) }
            return FramePart(start: 0, rows: ps.count, names: ["partition"], columns: [.integer(ps, .int64)])
        case "lookup":
            let (t, dtype) = table(v["table"] as? [String: Any] ?? [:])
            return try FrameKernels.mapColumn(p, table: t, column: v["column"] as? String ?? "", into: v["into"] as? String ?? "", seriesDtype: dtype, lookup: true)
        case "assign":
            return try FrameRowKernels.assign(p, column: v["into"] as? String ?? "", expr: expr(v["expr"] ?? ""))
        default:
            let text = v["value"] as? String ?? ""
            return try FrameRowKernels.filter(p, column: v["column"] as? String ?? "", op: CompareOp(rawValue: v["op"] as? String ?? "") ?? .eq, value: Double(text) ?? .nan)
        }
    }

    /// `left.merge(right, on: KEY, how: HOW)`; the result's names as the front end names them
    /// (`FrameSteps`: a column both sides have, but the key, gets `_x` / `_y`).
    static func merge(_ v: [String: Any]) throws -> FramePart {
        let left = part(v["left"] as? [String: Any] ?? [:]), right = part(v["right"] as? [String: Any] ?? [:])
        let key = v["on"] as? String ?? ""
        let names = left.names.map { $0 != key && right.names.contains($0) ? $0 + "_x" : $0 }
            + right.names.filter { $0 != key }.map { left.names.contains($0) ? $0 + "_y" : $0 }
        return try FrameMerges.merge(left, right, on: key, how: MergeHow(rawValue: v["how"] as? String ?? "") ?? .inner, names: names)
    }

    /// A float's bits as text (any NaN as `nan`), from a `float.hex` string or a value.
    static func bits(_ d: Double) -> String { d.isNaN ? "nan" : String(d.bitPattern, radix: 16) }

    /// The expected result of a vector, one line per column, in the same text as `described`.
    static func expectedText(_ e: [String: Any]) -> String {
        var lines = ["labels " + ints(e["labels"]).map(String.init).joined(separator: " ")]
        for c in e["columns"] as? [[String: Any]] ?? [] {
            let dtype = c["dtype"] as? String ?? ""
            let values: [String]
            switch dtype {
            case "float64", "float32": values = floats(c["data"]).map(bits)
            case "string", "object": values = (c["data"] as? [Any] ?? []).map { $0 as? String ?? "<NA>" }
            case "category": values = ints(c["codes"]).map(String.init)
            case "bool": values = ((c["data"] as? [Bool]) ?? []).map { $0 ? "True" : "False" }
            default: values = ints(c["data"]).map(String.init)
            }
            // pandas' object column of a merge's bools with misses is held as strings (`True`/`False`,
            // missing: the same CSV text).
            lines.append("\(c["name"] as? String ?? "") \(dtype == "object" ? "string" : dtype): " + values.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    static func described(_ p: FramePart) -> String {
        var lines = ["labels " + (0..<p.rows).map { String(p.label($0)) }.joined(separator: " ")]
        for (name, c) in zip(p.names, p.columns) {
            let values: [String]
            switch c {
            case .float64(let a): values = a.map(bits)
            case .float32(let a): values = a.map { bits(Double($0)) }
            case .string(let s): values = (0..<s.count).map { s.isValid($0) ? String(decoding: s.slice($0), as: UTF8.self) : "<NA>" }
            case .category(let codes, _): values = codes.map { String($0) }
            case .bool(let a): values = a.map { $0 ? "True" : "False" }
            case .integer(let a, _), .datetime(let a): values = a.map(String.init)
            }
            lines.append("\(name) \(c.dtypeName): " + values.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    @Test func thereAreStepVectors() {
        let kinds = Set(Self.vectors.compactMap { v -> String? in v["expected"] is [String: Any] ? v["kernel"] as? String : nil })
        #expect(kinds == ["lookup", "assign", "filter", "groupby", "merge", "hash", "reduce"])
    }

    @Test(arguments: vectors.compactMap { $0["expected"] is [String: Any] && $0["kernel"] as? String != "reduce" ? $0["name"] as? String : nil })
    func stepVector(_ name: String) throws {
        let v = Self.vectors.first { $0["name"] as? String == name } ?? [:]
        #expect(Self.described(try Self.applyStep(v)) == Self.expectedText(v["expected"] as? [String: Any] ?? [:]))
    }
}

/// The column reduction vectors: Dask's Series reduction over the vector's partitions (a tree of
/// `split_every` partials), its numpy dtype and value; the executor's result is an int64 or a float64
/// scalar (a float32 result widened, bit for bit; bools as 0 and 1).
extension FrameKernelVectorTests {
    static func reduce(_ v: [String: Any]) -> Scalar {
        let r = Reduction(rawValue: v["reduce"] as? String ?? "") ?? .sum
        let name = v["column"] as? String ?? ""
        let columns = (v["parts"] as? [[String: Any]] ?? []).map(part).map { $0.column(name) ?? .float64([]) }
        let bools = columns.first.map { if case .bool = $0 { true } else { false } } ?? false
        var level = columns.map { FrameReductions.partial(r, $0) }
        // The plan's tree (`PlanBuilder.planFrameReduce`): batches of `split_every` while more remain.
        let s = max(v["split_every"] as? Int ?? 8, 2)
        while level.count > s {
            level = stride(from: 0, to: level.count, by: s).map { FrameReductions.combine(r, Array(level[$0..<min($0 + s, level.count)]), bools: bools) }
        }
        return Reductions.finish(FrameReductions.combine(r, level, bools: bools))
    }

    static func scalarText(_ s: Scalar) -> String {
        switch s {
        case .i64(let i): "int \(i)"
        case .f64(let d): "float \(bits(d))"
        }
    }

    static func expectedScalar(_ e: [String: Any]) -> String {
        let dtype = e["dtype"] as? String ?? ""
        if dtype.hasPrefix("float") { return "float " + bits(floats([e["value"] ?? ""])[0]) }
        if dtype == "bool" { return "int \((e["value"] as? Bool ?? false) ? 1 : 0)" }
        return "int \(ints([e["value"] ?? 0])[0])"
    }

    @Test(arguments: vectors.compactMap { $0["kernel"] as? String == "reduce" ? $0["name"] as? String : nil })
    func reduceVector(_ name: String) {
        let v = Self.vectors.first { $0["name"] as? String == name } ?? [:]
        #expect(Self.scalarText(Self.reduce(v)) == Self.expectedScalar(v["expected"] as? [String: Any] ?? [:]))
    }
}
