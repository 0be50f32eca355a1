import Testing
@testable import PipelineYAML

/// Names are unique across sections: the lowering's one name table reports a second
/// definition at that definition, naming the section and line of the first.
@Suite struct NameTableTests {
    @Test func nameDefinedAgainInALaterSection() {
        let text = """
            pipeline: t
            version: 1
            objects:
              a: {value: 1}
              table: {series: {range: 10, dtype: int64}}
            functions:
              f: {params: [block, table], kernel: take}
              a: {params: [block, table], kernel: take}
            arrays:
              x: {shape: [100], chunks: [10], dtype: int64, source: range}
              f: {shape: [100], chunks: [10], dtype: int64, source: range}
            steps:
              s: {map_blocks: f, over: [x], args: [table]}
              x: {rechunk: x, chunks: [50]}

            """
        #expect(frontEnd(text) == [
            "8:3: `a` is already defined in `objects` (line 4); names must be unique across objects, functions, arrays and steps",
            "11:3: `f` is already defined in `functions` (line 7); names must be unique across objects, functions, arrays and steps",
            "14:3: `x` is already defined in `arrays` (line 10); names must be unique across objects, functions, arrays and steps",
        ])
    }

    /// The first definition's position is its place among its section's accepted entries:
    /// an entry rejected before it (not a name) does not shift the line reported.
    @Test func firstDefinitionAfterARejectedName() {
        let text = """
            pipeline: t
            version: 1
            arrays:
              1x: {shape: [100], chunks: [10]}
              y: {shape: [100], chunks: [10]}
            steps:
              y: {rechunk: y, chunks: [50]}

            """
        #expect(frontEnd(text) == [
            "4:3: name `1x` is not a valid name",
            "7:3: `y` is already defined in `arrays` (line 5); names must be unique across objects, functions, arrays and steps",
        ])
    }
}
