import PipelineIR
import Testing
@testable import PipelineYAML

/// A map_blocks step's grid comes from its kernel: `dot` replaces or drops the last axis.
@Suite struct KernelGridTests {
    static func dotPipeline(weights: String, chunks: String = "[2, 3]") -> String {
        """
        pipeline: dot
        version: 1
        objects:
          w: {ndarray: {shape: \(weights), dtype: float64, fill: range}}
          holder: {class: H, fields: {w: {ndarray: {shape: \(weights), fill: ones}}}}
        functions:
          mix: {params: [block, w], kernel: dot}
          nested: {params: [block, h], kernel: dot, with: {weights: h.w}}
        arrays:
          x: {shape: [6, 3], chunks: \(chunks), dtype: float64, source: range}
        steps:
          prod: {map_blocks: mix, over: [x], args: [w]}
          via_field: {map_blocks: nested, over: [x], args: [holder]}
          by_keyword: {map_blocks: mix, over: [x], kwargs: {w: w}}
        outputs: {prod: compute, via_field: compute, by_keyword: compute}

        """
    }

    static func grids(_ text: String) -> (grids: [String: ChunkGrid], errors: [String]) {
        let loaded = LoadedPipeline.load(SourceFile(path: "t.yaml", text: text))
        var grids: [String: ChunkGrid] = [:]
        for l in loaded.graph?.layers ?? [] { grids[l.name] = l.grid }
        let src = SourceFile(path: "t.yaml", text: text)
        return (grids, loaded.diagnostics.map { d in
            let p = src.position(of: d.range.start)
            return "\(p.line):\(p.column): \(d.message)"
        })
    }

    @Test func twoDimensionalWeightsReplaceTheLastAxisInOneChunk() throws {
        let (g, errors) = Self.grids(Self.dotPipeline(weights: "[3, 2]"))
        #expect(errors == [])
        let expected = ChunkGrid(dims: [.uniform(size: 2, length: 6), .uniform(size: 2, length: 2)])
        #expect(g["prod"] == expected)
        #expect(g["via_field"] == expected)
        #expect(g["by_keyword"] == expected)
        #expect(g["x"]?.shape == [6, 3])
    }

    @Test func oneDimensionalWeightsDropTheLastAxis() throws {
        let (g, errors) = Self.grids(Self.dotPipeline(weights: "[3]"))
        #expect(errors == [])
        #expect(g["prod"] == ChunkGrid(dims: [.uniform(size: 2, length: 6)]))
        #expect(g["via_field"]?.shape == [6])
    }

    @Test func blocksSplitAlongTheSummedAxisAreALocatedError() throws {
        let (_, errors) = Self.grids(Self.dotPipeline(weights: "[3, 2]", chunks: "[2, 2]"))
        #expect(errors.count == 3)
        #expect(errors.first == "12:9: `dot` needs each block to hold whole rows, but `x` has 2 chunks along its last axis")
    }
}
