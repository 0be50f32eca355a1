import Lint
import PipelineIR
import PipelineYAML
import Rules
import Testing

/// PL010's notion of "the same computation": numbers compare as written once parsed
/// (`0` and `0.0` alike, `-0.0` apart), keywords in any order, per-item loops by form
/// and items (a `range` is not the list of its numbers), reductions by `split_every`.
@Suite struct DuplicateComputationTests {
    static let file = """
        pipeline: t
        version: 1.1
        objects:
          curve: {series: {random: {count: 100, seed: 1}}}
        functions:
          f: {params: [block, factor], kernel: scale}
          g: {params: [i, table], kernel: take}
        arrays:
          x: {shape: [100], chunks: [10]}
        steps:
          a: {map_blocks: f, over: [x], args: [0.0]}
          b: {map_blocks: f, over: [x], args: [-0.0]}
          c: {map_blocks: f, over: [x], args: [0]}
          d: {delayed: g, items: [1, 2], args: [item, curve]}
          e: {delayed: g, items: [1, 2], args: [item, curve]}
          h: {delayed: g, items: [1, 2.5], args: [item, curve]}
          i: {delayed: g, items: {range: [1, 3]}, args: [item, curve]}
          j: {submit: g, items: [1, 2], args: [item, curve]}
          k: {map_blocks: f, over: [x], kwargs: {factor: 2}}
          l: {map_blocks: f, over: [x], kwargs: {factor: 2.0}}
          s1: {reduce: sum, over: x, split_every: 4}
          s2: {reduce: sum, over: x, split_every: 8}
          s3: {reduce: sum, over: x, split_every: 4}

        """

    @Test func sameComputationsAndOnlyThose() {
        let src = SourceFile(path: "t.yaml", text: Self.file)
        let found = Linter(rules: makeAllRules()).lint(src).findings.filter { $0.code.id == "PL010" }
            .map { "\(src.position(of: $0.range.start)): \($0.message)" }
        #expect(found == [
            "13:3: step `c` computes the same as step `a`",
            "15:3: step `e` computes the same as step `d`",
            "20:3: step `l` computes the same as step `k`",
            "23:3: step `s3` computes the same as step `s1`",
        ])
    }

    @Test func mergesBySidesColumnAndHow() {
        let text = """
            pipeline: t
            version: 1.2
            objects:
              reference:
                dataframe:
                  length: 100
                  columns:
                    zip: {dtype: string, length: 5, source: range}
            frames:
              people:
                rows: 1000
                partitions: 4
                columns:
                  zip: {dtype: string, length: 5, source: {random: {seed: 3, low: 0, high: 100}}}
            steps:
              a: {merge: people, with: reference, on: zip, how: left}
              b: {merge: people, with: reference, on: zip, how: inner}
              c: {merge: people, with: reference, on: zip, how: left}

            """
        let src = SourceFile(path: "t.yaml", text: text)
        let found = Linter(rules: makeAllRules()).lint(src).findings.filter { $0.code.id == "PL010" }
            .map { "\(src.position(of: $0.range.start)): \($0.message)" }
        #expect(found == ["18:3: step `c` computes the same as step `a`"])
    }

    @Test func frameReductionsByColumn() {
        let text = """
            pipeline: t
            version: 1.2
            frames:
              rows:
                rows: 100
                partitions: 4
                columns:
                  v: {dtype: int32}
                  w: {dtype: int32}
            steps:
              a: {reduce: max, over: rows.v}
              b: {reduce: max, over: rows.w}
              c: {reduce: max, over: rows.v}
              d: {reduce: min, over: rows.w}

            """
        let src = SourceFile(path: "t.yaml", text: text)
        let found = Linter(rules: makeAllRules()).lint(src).findings.filter { $0.code.id == "PL010" }
            .map { "\(src.position(of: $0.range.start)): \($0.message)" }
        #expect(found == ["13:3: step `c` computes the same as step `a`"])
    }
}
