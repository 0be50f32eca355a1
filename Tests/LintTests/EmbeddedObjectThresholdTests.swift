import Lint
import PipelineIR
import PipelineYAML
import Rules
import Testing

/// `embedded-object.min-bytes-per-worker`: a small object is reported when its copies cost one
/// worker enough, and the setting's bad values are located errors.
@Suite struct EmbeddedObjectThresholdTests {
    static let smallTimesMany = """
        pipeline: t
        version: 1
        cluster: {scheduler: distributed, workers: 2}
        objects:
          edges: {ndarray: {shape: [5000], dtype: float64}}
        functions:
          g: {params: [block, e], kernel: searchsorted, with: {edges: e}}
        arrays:
          x: {shape: [200000], chunks: [100], dtype: float64, source: range}
        steps:
          binned: {map_blocks: g, over: [x], args: [edges]}
        outputs:
          binned: persist

        """

    func pl001(_ config: String) throws -> [String] {
        let (c, warnings) = try ConfigurationLoader.parse(SourceFile(path: ".pipelint.yml", text: config), knownRules: allRules.map { $0.description.id })
        #expect(warnings.isEmpty)
        let src = SourceFile(path: "t.yaml", text: Self.smallTimesMany)
        return Linter(rules: makeAllRules(), settings: c.settings).lint(src).findings.filter { $0.code.id == "PL001" }
            .map { "\(src.position(of: $0.range.start)): \($0.message)" }
    }

    @Test func aSmallObjectInManyTasksIsReported() throws {
        // ≈ 39 KiB pickled (under embedded-object.min-bytes), 1,000 copies per worker.
        let found = try pl001("select: [ALL]\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("11:45: object `edges` (≈ 39.2 KiB pickled, ndarray) is copied into each of the 2000 tasks of step `binned`") == true)
        #expect(try pl001("thresholds: {embedded-object.min-bytes-per-worker: 64MiB}\n").isEmpty)
        #expect(try pl001("thresholds: {embedded-object.min-bytes-per-worker: 10MB}\n").count == 1)
    }

    @Test func badValuesAreLocatedErrors() {
        func error(_ config: String) -> String? {
            do {
                _ = try ConfigurationLoader.parse(SourceFile(path: ".pipelint.yml", text: config), knownRules: ["PL001"])
                return nil
            } catch {
                return error.description
            }
        }
        #expect(error("thresholds: {embedded-object.min-bytes-per-worker: lots}\n") == ".pipelint.yml:1:52: `lots` is not a size (e.g. `10MB`, `128MiB`)")
        #expect(error("thresholds: {embedded-object.min-bytes-per-worker: -1MB}\n") == ".pipelint.yml:1:52: `-1MB` is not a size (e.g. `10MB`, `128MiB`)")
        #expect(error("thresholds: {embedded-object.min-bytes-per-worker: 10 parsecs}\n") == ".pipelint.yml:1:52: `10 parsecs` is not a size (e.g. `10MB`, `128MiB`)")
        #expect(error("thresholds: {embedded-object.min-bytes-per-worker: [1]}\n") == ".pipelint.yml:1:52: expected a string")
        #expect(error("thresholds: {embedded-object.min-bytes-per-worker: 0}\n") == nil)
    }

    @Test func aMisspeltKeyWarns() throws {
        let (_, warnings) = try ConfigurationLoader.parse(SourceFile(path: ".pipelint.yml", text: "thresholds: {embedded-object.min-bytes-per-workers: 1MB}\n"), knownRules: ["PL001"])
        #expect(warnings == [".pipelint.yml:1:14: warning: unknown key `embedded-object.min-bytes-per-workers` in `thresholds`; did you mean `embedded-object.min-bytes-per-worker`?"])
    }
}
