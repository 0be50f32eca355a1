import PipelineIR
import Testing
@testable import PipelineYAML

/// Per-item steps (format 1.1): `delayed`, `submit` and `map` loops — the model they lower to,
/// and each error at its exact position.
@Suite struct PerItemTests {
    static func file(version: String = "1.1", step: String) -> String {
        """
        pipeline: t
        version: \(version)
        objects:
          table: {series: {range: 1000}}
        functions:
          f: {params: [i, table], kernel: take}
        steps:
          \(step)

        """
    }

    @Test(arguments: [
        ("s: {delayed: f, items: {range: 8}, args: [item, table]}", [String]()),
        ("s: {submit: f, items: [3, 5, 8], args: [item, table]}", []),
        ("s: {delayed: f, items: {range: [10, 20]}, args: [item], kwargs: {table: table}}", []),
        ("s: {map: f, items: {range: 4}, args: [item], kwargs: {table: table}}", []),
        // Projections and numbers are arguments as in map_blocks.
        ("s: {delayed: f, items: {range: 8}, args: [item, \"table.iloc[0:100]\"]}", []),
        ("s: {submit: f, items: [1.5, 2], args: [item, 3]}", ["8:48: kernel `take` needs a table (a Series or 1-D ndarray) for `table`, but step `s` passes a number"]),
        // An empty range, at the range's value.
        ("s: {delayed: f, items: {range: 0}, args: [item, table]}",
         ["8:34: `range: 0` of step `s` is empty: the step would make no tasks"]),
        ("s: {delayed: f, items: {range: [5, 5]}, args: [item, table]}",
         ["8:34: `range: [5, 5]` of step `s` is empty: the step would make no tasks"]),
        ("s: {delayed: f, items: [], args: [item, table]}",
         ["8:26: `items` of step `s` is empty: the step would make no tasks"]),
        // A list item of the wrong kind, at the item.
        ("s: {submit: f, items: [1, two, 3], args: [item, table]}",
         ["8:29: an item must be a number, not a string"]),
        ("s: {submit: f, items: [1, [2], 3], args: [item, table]}",
         ["8:29: an item must be a number, not a list"]),
        // The loop's item must be passed; `map` passes it first.
        ("s: {delayed: f, items: {range: 8}, args: [table, table]}",
         ["8:7: `delayed` step `s` never passes `item`: every call would be the same"]),
        ("s: {map: f, items: {range: 8}, args: [table, item]}",
         ["8:41: `map` step `s` passes `item` first: `client.map(f, items, ...)` maps over its first iterable",
          "8:48: `item` is passed once, first, in a `map` step"]),
        ("s: {delayed: f, items: {range: 8}, over: [x], args: [item, table]}",
         ["8:38: unknown key `over` in `delayed` step `s`"]),
    ])
    func perItemSteps(_ step: String, _ expected: [String]) {
        #expect(frontEnd(Self.file(step: step)).filter { !$0.contains("is not used") }.map { String($0.prefix(while: { $0 != "\n" })) }
            .map { $0.components(separatedBy: " (help").first ?? $0 } == expected)
    }

    @Test func perItemNeedsVersion11() {
        #expect(frontEnd(Self.file(version: "1", step: "s: {delayed: f, items: {range: 8}, args: [item, table]}")).first
            == "8:7: a per-item step (`delayed`) needs format version 1.1; this file declares `version: 1`")
    }

    @Test func perItemLowersToOneTaskPerItem() throws {
        let source = SourceFile(path: "t.yaml", text: Self.file(step: "s: {submit: f, items: [3, 5, 8], args: [item, table]}"))
        let loaded = LoadedPipeline.load(source)
        let graph = try #require(loaded.graph)
        let s = try #require(graph.layer(named: "s"))
        #expect(s.perItem?.form == .submit)
        #expect(s.perItem?.items == .integers([3, 5, 8]))
        #expect(s.taskCount == 3)
        guard case .item(let r)? = s.call?.arguments.first?.source else { Issue.record("the first parameter takes the item"); return }
        #expect(source.text(r) == "item")
    }

    /// An astral character before the error on the same line moves its column by exactly one.
    @Test(arguments: [
        "s: {lint: {ignore: [PL001], reason: \"↓\"}, delayed: f, items: {range: 0}, args: [item, table]}",
        "s: {lint: {ignore: [PL001], reason: \"↓\"}, submit: f, items: [1, two], args: [item, table]}",
    ])
    func astralPrefixMovesColumnByOne(_ step: String) throws {
        try expectAstralPrefixMovesColumnByOne(Self.file(step: step))
    }
}
