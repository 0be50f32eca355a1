import PipelineIR
import Testing
@testable import PipelineYAML

/// Lowering reports every problem at once, each at the offending token.
@Suite struct LoweringTests {
    func replacing(_ old: String, _ new: String) -> String {
        precondition(validSeed.contains(old), old)
        return validSeed.replacingOccurrences(of: old, with: new)
    }

    @Test func theSeedIsValid() throws {
        #expect(frontEnd(validSeed) == [])
        let loaded = LoadedPipeline.load(SourceFile(path: "t", text: validSeed))
        let p = try #require(loaded.pipeline)
        #expect(p.cluster.scheduler == .distributed)
        #expect(p.cluster.workers == 2)
        #expect(p.objects.map(\.name) == ["mapper"])
        let g = try #require(loaded.graph)
        #expect(g.layers.map(\.name) == ["mapper", "x", "looked_up"])
        #expect(g.layer(named: "looked_up")?.taskCount == 100)
        #expect(g.layer(named: "looked_up")?.output == .persist)
    }

    @Test func bothSeedFormsLowerToTheSameShape() throws {
        let method = replacing("looked_up: {map_blocks: f, over: [x], args: [mapper]}", "looked_up: {map_blocks: mapper.lookup, over: [x]}")
        let a = try #require(LoadedPipeline.load(SourceFile(path: "a", text: validSeed)).graph)
        let b = try #require(LoadedPipeline.load(SourceFile(path: "b", text: method)).graph)
        let ea = try #require(a.layer(named: "looked_up")).inputs
        let eb = try #require(b.layer(named: "looked_up")).inputs
        // The same two inputs: the object and the array; the object reaches the task as an argument or as the receiver.
        #expect(Set(ea.map { a[$0.source].name }) == ["mapper", "x"])
        #expect(Set(eb.map { b[$0.source].name }) == ["mapper", "x"])
        #expect(ea.first { a[$0.source].name == "mapper" }?.role == .argument(0))
        #expect(eb.first { b[$0.source].name == "mapper" }?.role == .receiver)
        #expect(eb.allSatisfy { b[$0.source].name != "mapper" || $0.role.carriesObject })
    }

    @Test func unknownKeyWithSuggestion() {
        #expect(frontEnd(replacing("workers: 2}", "workerz: 2}")) == ["3:35: unknown key `workerz` in `cluster`"])
        let src = SourceFile(path: "t", text: replacing("workers: 2}", "workerz: 2}"))
        #expect(LoadedPipeline.load(src).diagnostics.first?.help == "did you mean `workers`?")
    }

    /// Of equally close names, the suggestion is the same whatever order the candidates come in
    /// (they come out of a dictionary, whose order changes from process to process).
    @Test func equallyCloseSuggestionsDoNotDependOnOrder() {
        #expect(suggestion(for: "by_k", among: ["by_s", "by_c", "by_x"]) == "by_c")
        #expect(suggestion(for: "by_k", among: ["by_x", "by_c", "by_s"]) == "by_c")
        #expect(suggestion(for: "by_k", among: ["by_kk", "by_s"]) == "by_kk")  // "by_kk" precedes "by_s"
        #expect(suggestion(for: "by_k", among: ["by_s", "b_k"]) == "b_k")
        #expect(suggestion(for: "by_k", among: ["bz_kz", "by_s"]) == "by_s")  // distance 1 beats 2
        #expect(suggestion(for: "by_k", among: ["totally"]) == nil)
    }

    @Test func wrongType() {
        #expect(frontEnd(replacing("workers: 2}", "workers: two}")) == ["3:44: `cluster.workers` must be an integer, not a string"])
        #expect(frontEnd(replacing("over: [x]", "over: x")) == ["14:36: `over` must be a list, not a string"])
    }

    @Test func missingRequiredKey() {
        #expect(frontEnd(replacing("version: 1\n", "")) == ["1:1: missing required key `version`"])
        #expect(frontEnd(replacing("x: {shape: [100000], chunks: [1000], ", "x: {shape: [100000], ")) == ["12:6: array `x` needs `chunks`"])
    }

    @Test func danglingReferences() {
        #expect(frontEnd(replacing("over: [x]", "over: [y]")) == ["14:37: `y` is not an array or step"])
        #expect(frontEnd(replacing("args: [mapper]", "args: [maper]")) == ["14:48: `maper` is not an object"])
        #expect(frontEnd(replacing("map_blocks: f,", "map_blocks: g,")) == ["14:27: `g` is not a function"])
        #expect(frontEnd(replacing("looked_up: persist", "looked_upp: persist")) == ["16:3: output `looked_upp` is not an array or step"])
        #expect(frontEnd(replacing("map_blocks: f, over: [x], args: [mapper]", "map_blocks: mapper.lookp, over: [x]")) == ["14:34: class `Mapper` has no method `lookp`"])
    }

    @Test func cycleBetweenSteps() {
        let text = replacing("looked_up: {map_blocks: f, over: [x], args: [mapper]}",
                             "a: {map_blocks: f, over: [b], args: [mapper]}\n  b: {map_blocks: f, over: [a], args: [mapper]}")
        #expect(frontEnd(text.replacingOccurrences(of: "looked_up: persist", with: "a: persist"))
            == ["15:29: step `a` depends on itself: `a` → `b` → `a`"])
    }

    @Test func wrongArgumentCount() {
        #expect(frontEnd(replacing("args: [mapper]", "args: [mapper, 3]"))
            == ["14:27: `f` takes 2 parameters but step `looked_up` passes 3 (1 block from `over`, 2 in `args`)"])
        #expect(frontEnd(replacing("args: [mapper]", "args: []"))
            == ["14:27: `f` takes 2 parameters but step `looked_up` passes 1 (1 block from `over`)"])
    }

    @Test func fieldPathThatDoesNotExist() {
        #expect(frontEnd(replacing("with: {table: self.series}", "with: {table: self.seires}")) == ["8:52: class `Mapper` has no field `seires`"])
        #expect(frontEnd(replacing("with: {table: mapper.series}", "with: {table: mapper.values}")) == ["14:48: class `Mapper` has no field `values`"])
    }

    @Test func kernelParameterKindMismatch() {
        #expect(frontEnd(replacing("args: [mapper]", "args: [7]"))
            == ["14:48: `mapper.series`: a number has no fields"])
        #expect(frontEnd(replacing("with: {table: mapper.series}", "with: {table: mapper}"))
            == ["14:48: kernel `take` needs a table (a Series or 1-D ndarray) for `table`, but `mapper` is an instance of `Mapper`"])
    }

    @Test func shapesThatDoNotBroadcast() {
        let text = replacing("x: {shape: [100000], chunks: [1000], dtype: int64, source: range}",
                             "x: {shape: [100000], chunks: [1000], dtype: int64, source: range}\n  y: {shape: [5000], chunks: [1000]}")
            .replacingOccurrences(of: "f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}",
                                  with: "f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}\n  g: {params: [a, b], kernel: add}")
            .replacingOccurrences(of: "outputs:", with: "  s: {map_blocks: g, over: [x, y]}\noutputs:")
        #expect(frontEnd(text) == ["17:32: `y` has shape (5000,), which does not broadcast with `x`'s (100000,)"])
        // Another number of dimensions is named as such (numpy would broadcast (100000,) with (4, 100000)).
        let ranks = text.replacingOccurrences(of: "y: {shape: [5000], chunks: [1000]}", with: "y: {shape: [4, 100000], chunks: [2, 1000]}")
        #expect(frontEnd(ranks) == ["17:32: `y` has 2 dimensions but `x` has 1: the arrays a step maps over need the same number of dimensions"])
    }

    @Test func everyProblemIsReportedAtOnce() {
        let text = replacing("workers: 2}", "workerz: 2}")
            .replacingOccurrences(of: "over: [x]", with: "over: [y]")
            .replacingOccurrences(of: "dtype: int64}}}", with: "dtype: int46}}}")
        #expect(frontEnd(text) == [
            "3:35: unknown key `workerz` in `cluster`",
            "7:53: unknown dtype `int46`",
            "14:37: `y` is not an array or step",
        ])
    }

    @Test func pathsMustStayInsideThePipelineFolder() {
        #expect(frontEnd(replacing("looked_up: persist", "looked_up: {save: ../../etc/out.npy}")) == ["16:21: `save` path `../../etc/out.npy` escapes the pipeline's folder"])
        #expect(frontEnd(replacing("source: range}", "source: {load: /etc/passwd}}")) == ["12:69: `load` path `/etc/passwd` must be a relative path inside the pipeline's folder"])
    }

    @Test func hugeShapesDoNotOverflow() throws {
        let text = replacing("x: {shape: [100000], chunks: [1000]", "x: {shape: [9000000000000000000, 9000000000000000000], chunks: [1, 1]")
            .replacingOccurrences(of: "looked_up: {map_blocks: f, over: [x], args: [mapper]}", with: "looked_up: {reduce: sum, over: x}")
        let loaded = LoadedPipeline.load(SourceFile(path: "t", text: text))
        let g = try #require(loaded.graph)
        #expect(g.layer(named: "x")?.taskCount == Int.max)
        #expect(g.taskCount == Int.max)
    }
}

@Suite struct HugeNumberTests {
    @Test func sizesOverSixtyFourBitsAndWrappingChunkSumsAreLocatedErrors() {
        let text = """
            pipeline: t
            version: 1
            cluster: {memory_per_worker: 99999999999TB}
            arrays:
              x: {shape: [10], chunks: [[9223372036854775807, 9223372036854775807, 10]]}
            steps:
              s: {reduce: sum, over: x}
            """
        #expect(frontEnd(text) == [
            "3:30: `cluster.memory_per_worker` `99999999999TB` is over the largest supported size (2^63 bytes)",
            "5:29: explicit chunk sizes sum to 9223372036854775807 but the dimension is 10",
        ])
    }
}

@Suite struct ByteSizeTests {
    @Test func sizes() {
        #expect(parseByteSize("4GiB") == 4 << 30)
        #expect(parseByteSize("512 MB") == 512_000_000)
        #expect(parseByteSize("1.5KiB") == 1536)
        #expect(parseByteSize("12") == 12)
        #expect(parseByteSize("½GiB") == nil)
        #expect(parseByteSize("٣MB") == nil)
        #expect(parseByteSize("4 GiBs") == nil)
        #expect(parseByteSize("99999999999TB") == nil)
    }
}

/// A series' `random:` and an array's are read by one parser: the same keys, defaults and rule.
@Suite struct RandomSourceTests {
    @Test func lowMustBeBelowHighForSeriesAndArraysAlike() {
        let text = """
        pipeline: r
        version: 1
        objects:
          s: {series: {random: {count: 10, seed: 1, low: 5, high: 5}}}
        functions:
          f: {params: [block, t], kernel: take}
        arrays:
          x: {shape: [10], chunks: [5], dtype: int64, source: {random: {seed: 1, low: 3, high: 1}}}
        steps:
          y: {map_blocks: f, over: [x], args: [s]}
        outputs: {y: compute}
        """
        #expect(frontEnd(text) == ["4:24: `random` needs `low` < `high`", "8:64: `random` needs `low` < `high`"])
    }
}
