import Export
import Foundation
import PipelineIR
import PipelineYAML
import Testing

/// Groupby-sum steps and `load:` CSV frames written as dask.dataframe code.
@Suite struct FrameGroupbyExportTests {
    static let yaml = """
        pipeline: sales
        version: 1.2
        cluster: {scheduler: distributed, workers: 2}
        frames:
          sales: {load: tables/sales.csv, rows: 6000, partitions: 4, columns: {store: {dtype: int64}, region: {dtype: category, categories: 20}, amount: {dtype: float64}}}
        steps:
          per_region: {groupby: sales, by: region, sum: amount, split_every: 4}
        outputs:
          per_region: compute
          sales: {save: out/sales.parquet}
        """

    @Test func aCSVFrameIsReadCSVAndAGroupbyATreeToOnePartition() throws {
        let loaded = LoadedPipeline.load(SourceFile(path: "p.yaml", text: Self.yaml))
        #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        let program = try DaskExport.program(loaded, options: ExportOptions(asWritten: true))
        #expect(program.contains("""
                sales = _read_csv(_path('tables/sales.csv'), [
                    _col('store', 'int64'),
                    _col('region', 'category', categories=20),
                    _col('amount', 'float64'),
                ], partitions=4)  # dd.read_csv: each block of the file read on a worker
                per_region = sales.groupby('region')['amount'].sum(split_every=4, split_out=1)  # a tree of partial group sums, one result partition

            """))
        #expect(program.contains("""
                    ('per_region', 'compute', None, per_region),
                    ('sales', 'save', 'out/sales.parquet', sales),
            """))
    }
}
