import PipelineIR
import Testing
@testable import PipelineYAML

/// Row-wise DataFrame steps (format 1.2): `lookup`, `assign`, `filter` — what they lower to, the
/// layers and rows they make, and each error at its position.
@Suite struct FrameRowTests {
    static let base = """
        pipeline: t
        version: 1.2
        objects:
          regions: {dict: {length: 400, keys: {string: 5}, values: {string: 8, distinct: 5}}}
          codes: {series: {range: 1000}}
        frames:
          people:
            rows: 1000
            partitions: 10
            columns:
              zip: {dtype: string, length: 5}
              id: {dtype: int32}
              age: {dtype: int64, source: {random: {seed: 1, low: 0, high: 100}}}
              income: {dtype: float64, source: {random: {seed: 2, low: 0, high: 1}}}
              small: {dtype: float32, source: {random: {seed: 3, low: 0, high: 1}}}
              kind: {dtype: category, categories: 3}
        steps:
          a: {lookup: people.zip, through: regions, into: region}
          b: {assign: a, column: twice, expr: {mul: [income, 2]}}
          c: {filter: b, column: age, op: ">=", value: 18}
        outputs:
          c: persist

        """

    static func errors(_ edits: [(String, String)]) -> [String] {
        var text = base
        for (old, new) in edits {
            precondition(text.contains(old), old)
            text = text.replacingOccurrences(of: old, with: new)
        }
        return frontEnd(text).filter { !$0.contains("is not used") }
    }

    static func graph(_ edits: [(String, String)] = []) throws -> Graph {
        var text = base
        for (old, new) in edits { text = text.replacingOccurrences(of: old, with: new) }
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: text))
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.map(\.message))")
        return try #require(loaded.graph)
    }

    @Test func theStepsLowerToRowLayers() throws {
        let g = try Self.graph()
        let a = try #require(g.layer(named: "a")), b = try #require(g.layer(named: "b")), c = try #require(g.layer(named: "c"))
        // The lookup's table is an object argument; three tasks per partition (getitem, map, assign).
        #expect(a.inputs.map { g[$0.source].name } == ["people", "regions"])
        #expect(a.inputs.map(\.role) == [.block(0), .argument(0)])
        #expect(a.taskCount == 30)
        #expect(a.frame?.column(named: "region")?.type == .string(length: 8))
        // getitem, mul, assign; a float64 column.
        #expect(b.taskCount == 30)
        #expect(b.frame?.column(named: "twice")?.type == .numeric(.float64))
        #expect(b.frame?.columns.map(\.name) == ["zip", "id", "age", "income", "small", "kind", "region", "twice"])
        // The filter keeps the partitions and the columns; age uniform in 0..99: 82 of 100 rows expected.
        #expect(c.taskCount == 30)
        #expect(c.frame == b.frame)
        #expect(c.grid.dims == [.explicit(Array(repeating: 82, count: 10))])
        #expect(c.rowsSizing == .expected)
    }

    @Test func aRangeColumnIsCountedPerPartition() throws {
        let g = try Self.graph([("c: {filter: b, column: age, op: \">=\", value: 18}", "c: {filter: b, column: id, op: \"<\", value: 250}")])
        let c = try #require(g.layer(named: "c"))
        #expect(c.grid.dims == [.explicit([100, 100, 50, 0, 0, 0, 0, 0, 0, 0])])
        #expect(c.rowsSizing == .exact)
        // After an expected filter, each partition's count is scaled by its kept share.
        let g2 = try Self.graph([("c: {filter: b, column: age, op: \">=\", value: 18}", "d: {filter: b, column: age, op: \">=\", value: 18}\n  c: {filter: d, column: id, op: \"<\", value: 250}")])
        let c2 = try #require(g2.layer(named: "c"))
        #expect(c2.grid.dims == [.explicit([82, 82, 41, 0, 0, 0, 0, 0, 0, 0])])
        #expect(c2.rowsSizing == .expected)
        // A computed column: every row counted, an upper bound.
        let g3 = try Self.graph([("column: age, op: \">=\", value: 18", "column: twice, op: \">\", value: 1")])
        let c3 = try #require(g3.layer(named: "c"))
        #expect(c3.grid.dims == [.uniform(size: 100, length: 1000)])
        #expect(c3.rowsSizing == .unknown)
    }

    /// Partitions are never expanded: past `FilterRows.maxCountedPartitions` a filter keeps the
    /// upper bound instead of counting (a frame of 2^62 rows in single-row partitions trapped).
    @Test(arguments: [1_000_001, 4_611_686_018_427_387_904])
    func aFilterOverMorePartitionsThanItCountsKeepsEveryRow(_ rows: Int) throws {
        let g = try Self.graph([("rows: 1000\n    partitions: 10", "rows: \(rows)\n    partitions: \(rows)")])
        let c = try #require(g.layer(named: "c"))
        #expect(c.grid.dims == [.uniform(size: 1, length: rows)])
        #expect(c.rowsSizing == .unknown)
    }

    /// A filter keeping every row of a partition of Int.max rows: `rows × 1.0` is 2⁶³ in Double,
    /// which no Int holds; the count saturates (found by fuzzing: it trapped).
    @Test func aFilterKeepingEveryRowOfTheLargestPartitionSaturates() throws {
        let g = try Self.graph([("rows: 1000\n    partitions: 10", "rows: \(Int.max)\n    partitions: 1"), ("value: 18}", "value: 0}")])
        let c = try #require(g.layer(named: "c"))
        #expect(c.grid.dims == [.explicit([Int.max])])
        #expect(c.rowsSizing == .expected)
    }

    @Test func keptRowsFromSources() {
        // Integers k in [0, 100) with k >= 18: 82; a float uniform in [0, 1) below 0.25: a quarter.
        #expect(FilterRows.randomFraction(dtype: .int64, low: 0, high: 100, op: .ge, value: 18) == 0.82)
        #expect(FilterRows.randomFraction(dtype: .float64, low: 0, high: 1, op: .lt, value: 0.25) == 0.25)
        #expect(FilterRows.randomFraction(dtype: .int64, low: 0, high: 100, op: .eq, value: 17.5) == 0)
        #expect(FilterRows.randomFraction(dtype: .int64, low: 0, high: 100, op: .ne, value: 7) == 0.99)
        // A bool column is raw mod 2 == 1: half the rows of [0, 10) are True.
        #expect(FilterRows.randomFraction(dtype: .bool, low: 0, high: 10, op: .eq, value: 1) == 0.5)
        // Rows 100..199 hold their own numbers: 150..199 pass `> 149.5`; int8 cannot hold row 300.
        #expect(FilterRows.rangeCount(start: 100, count: 100, dtype: .int64, op: .gt, value: 149.5) == 50)
        #expect(FilterRows.rangeCount(start: 100, count: 100, dtype: .int64, op: .le, value: 100) == 1)
        #expect(FilterRows.rangeCount(start: 250, count: 100, dtype: .int8, op: .lt, value: 5) == nil)
        #expect(FilterRows.rangeCount(start: 3, count: 4, dtype: .bool, op: .eq, value: 1) == 2)
    }

    @Test func resultDtypesFollowNumpyPromotion() throws {
        func dtype(_ expr: String) throws -> ColumnType? {
            let g = try Self.graph([("expr: {mul: [income, 2]}", "expr: \(expr)")])
            return g.layer(named: "b")?.frame?.column(named: "twice")?.type
        }
        #expect(try dtype("{mul: [id, 2]}") == .numeric(.int32))
        #expect(try dtype("{div: [age, 2]}") == .numeric(.float64))
        #expect(try dtype("{add: [id, age]}") == .numeric(.int64))
        #expect(try dtype("{add: [age, income]}") == .numeric(.float64))
        #expect(try dtype("{mul: [small, 2.5]}") == .numeric(.float32))
        #expect(try dtype("{mul: [id, 2.5]}") == .numeric(.float64))
        #expect(try dtype("{add: [small, id]}") == .numeric(.float64))
        #expect(try dtype("{where: [{gt: [age, 17]}, age, 0]}") == .numeric(.int64))
        #expect(try dtype("{where: [{gt: [age, 17]}, 1.5, age]}") == .numeric(.float64))
        #expect(Lowerer.promoteTypes(.uint8, .int8) == .int16)
        #expect(Lowerer.promoteTypes(.uint64, .int64) == .float64)
        #expect(Lowerer.promoteTypes(.float32, .int16) == .float32)
    }

    @Test func lookupErrorsAreLocated() {
        #expect(Self.errors([("lookup: people.zip", "lookup: people.zpi")])
            == ["18:22: step `a` reads `people`, which has no column `zpi`"])
        #expect(Self.errors([("lookup: people.zip", "lookup: people.age")])
            == ["18:36: step `a` maps column `age` (int64) of `people` through `regions`, a dict keyed by strings: no value would be found (every result NaN)"])
        #expect(Self.errors([("through: regions", "through: codes")])
            == ["18:36: step `a` maps column `zip` (string) of `people` through `codes`, a Series labelled by integers: no value would be found (every result NaN)"])
        #expect(Self.errors([("through: regions", "through: regoins")])
            == ["18:36: `regoins` is not an object; `through` names a `dict:` or `series:` object"])
        #expect(Self.errors([("lookup: people.zip", "lookup: people")])
            == ["18:15: `lookup` reads `FRAME.COLUMN` (e.g. `people.zip`), not `people`"])
        #expect(Self.errors([("version: 1.2", "version: 1.1"), ("frames:\n  people:", "frames:\n  people:")]).contains(
            "18:7: a `lookup` step needs format version 1.2; this file declares `version: 1.1`"))
        // The suggestions come as help.
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: Self.base.replacingOccurrences(of: "lookup: people.zip", with: "lookup: people.zipp")))
        #expect(loaded.diagnostics.map(\.help) == ["did you mean `zip`?"])
    }

    @Test func assignAndFilterErrorsAreLocated() {
        #expect(Self.errors([("expr: {mul: [income, 2]}", "expr: {mul: [zip, 2]}")])
            == ["19:46: step `b` computes with column `zip` of `a`, which is string: `assign` expressions take numbers"])
        #expect(Self.errors([("expr: {mul: [income, 2]}", "expr: {mul: [incme, 2]}")])
            == ["19:46: step `b` reads `a`, which has no column `incme`"])
        #expect(Self.errors([("expr: {mul: [income, 2]}", "expr: {pow: [income, 2]}")])
            == ["19:40: unknown operation `pow`"])
        #expect(Self.errors([("expr: {mul: [income, 2]}", "expr: {mul: [3, 2]}")])
            == ["19:39: step `b` assigns a number to every row; the expression needs a column of `a`"])
        #expect(Self.errors([("expr: {mul: [income, 2]}", "expr: {where: [{gt: [age, 17]}, 1, 0]}")])
            == ["19:39: `where` picks between two numbers; one of its values must read a column (`{where: [{gt: [age, 17]}, income, 0]}`)"])
        #expect(Self.errors([("expr: {mul: [income, 2]}", "expr: {where: [{gte: [age, 17]}, income, 0]}")])
            == ["19:49: unknown comparison `gte`"])
        #expect(Self.errors([("column: age, op: \">=\"", "column: zip, op: \">=\"")])
            == ["20:26: step `c` compares column `zip` of `b` with a number, but `zip` is string"])
        #expect(Self.errors([("op: \">=\"", "op: \"=>\"")])
            == ["20:36: unknown `op` `=>`"])
        #expect(Self.errors([("value: 18", "value: adult")])
            == ["20:48: `value` must be a number, not a string"])
        // 17 nested operations: past the bound, one located error.
        let deep = String(repeating: "{add: [", count: 17) + "income" + String(repeating: ", 1]}", count: 17)
        #expect(Self.errors([("expr: {mul: [income, 2]}", "expr: \(deep)")]).first?.hasSuffix("the expression nests deeper than 16 levels; assign a part to a column in a step of its own") == true)
    }
}

/// NEP 50: a written integer out of a column's integer range is numpy's OverflowError, which Dask
/// users hit while the graph is built: an error at the number.
extension FrameRowTests {
    @Test func integerLiteralsOutOfTheColumnsRangeAreErrors() {
        #expect(Self.errors([("expr: {mul: [income, 2]}", "expr: {add: [id, 2147483648]}")])
            == ["19:50: step `b` computes with the number 2147483648 and an int32 column: numpy raises OverflowError (Python integer 2147483648 out of bounds for int32)"])
        #expect(Self.errors([("expr: {mul: [income, 2]}", "expr: {sub: [-2147483649, {mul: [id, 1]}]}")])
            == ["19:46: step `b` computes with the number -2147483649 and an int32 column: numpy raises OverflowError (Python integer -2147483649 out of bounds for int32)"])
        // In range, division (true division casts to float64 first), a float, and a where's value are fine.
        for expr in ["{add: [id, 2147483647]}", "{sub: [id, -2147483648]}", "{div: [id, 2147483648]}", "{add: [id, 2147483648.5]}",
                     "{where: [{gt: [id, 5000000000]}, id, 5000000000]}", "{mul: [age, 9223372036854775807]}"] {
            #expect(Self.errors([("expr: {mul: [income, 2]}", "expr: \(expr)")]) == [], "\(expr)")
        }
    }
}
