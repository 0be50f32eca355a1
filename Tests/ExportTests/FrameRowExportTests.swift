import Export
import Foundation
import PipelineIR
import PipelineYAML
import Testing

/// Row-wise frame steps (format 1.2) written as pandas code on the collection: lookups through
/// `Series.map`, `assign` expressions with `where`/`mask`, filters as boolean selections.
@Suite struct FrameRowExportTests {
    static let yaml = """
        pipeline: rows
        version: 1.2
        cluster: {scheduler: distributed, workers: 2}
        objects:
          regions: {dict: {length: 400, keys: {string: 5}, values: {string: 8, distinct: 5}}}
          codes: {series: {range: 100, dtype: int64}}
        frames:
          people:
            rows: 100
            partitions: 4
            columns:
              zip: {dtype: string, length: 5}
              age: {dtype: int64, source: {random: {seed: 4, low: 0, high: 100}}}
              income: {dtype: float64}
        steps:
          r: {lookup: people.zip, through: regions, into: region}
          c: {lookup: r.age, through: codes, into: code}
          a: {assign: c, column: bonus, expr: {where: [{gt: [age, 64]}, {mul: [income, 0.1]}, {div: [income, -12]}]}}
          m: {assign: a, column: "two words", expr: {where: [{le: [income, 5.5]}, 0, {sub: [age, 1]}]}}
          f: {filter: m, column: income, op: "!=", value: 0.5}
        outputs:
          f: persist
        """

    @Test func eachStepIsOneLineOfPandasCode() throws {
        let loaded = LoadedPipeline.load(SourceFile(path: "p.yaml", text: Self.yaml))
        #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        let program = try DaskExport.program(loaded, options: ExportOptions(asWritten: true))
        let lines = program.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.contains("r = people.assign(region=people['zip'].map(regions, meta=('zip', 'str')))  # the table is embedded in every partition's task"))
        #expect(lines.contains("c = r.assign(code=r['age'].map(codes, meta=('age', 'int64')))  # the table is embedded in every partition's task"))
        #expect(lines.contains("a = c.assign(bonus=(c['income'] * 0.1).where((c['age'] > 64), (c['income'] / (-12))))"))
        // Only the second value reads a column: `mask`; a name that is not an identifier goes through `**{}`.
        #expect(lines.contains("m = a.assign(**{'two words': (a['age'] - 1).mask((a['income'] <= 5.5), 0)})"))
        #expect(lines.contains("f = m[m['income'] != 0.5]  # keeps the partitions; their rows are unknown to Dask"))
    }
}
