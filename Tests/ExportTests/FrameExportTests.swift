import Export
import Foundation
import PipelineIR
import PipelineYAML
import Testing

/// DataFrame pipelines (format 1.2) written as dask.dataframe code: generated frames through
/// `dd.from_map`, `dataframe:` and `dict:` objects from their recipes, `map_partitions` with
/// `meta=`, and each placement as map_partitions needs it.
@Suite struct FrameExportTests {
    static func yaml(placement: String) -> String {
        """
        pipeline: zip-regions
        version: 1.2
        cluster: {scheduler: distributed, workers: 2}
        objects:
          regions:
            dict: {length: 40000, keys: {string: 5}, values: {string: 8, distinct: 50}}
            placement: \(placement)
          reference:
            dataframe:
              length: 1000
              columns:
                zip: {dtype: string, length: 5}
                pop: {dtype: int64, source: {random: {seed: 1, low: 0, high: 100000}}}
          model:
            class: Scorer
            fields: {weights: {ndarray: {shape: [2], fill: ones}}}
            methods: {score: {kernel: score_rows, columns: [age, income], into: score, with: {weights: self.weights}}}
            placement: \(placement)
        frames:
          people:
            rows: 10
            partitions: [3, 3, 4]
            columns:
              zip:    {dtype: string, length: 5, source: {random: {seed: 3, low: 0, high: 40000}}}
              age:    {dtype: int64, source: {random: {seed: 4, low: 0, high: 100}}}
              income: {dtype: float64, source: {random: {seed: 5, low: 0, high: 100000}}}
              kind:   {dtype: category, categories: 50}
          visits: {rows: 100, partitions: 4, columns: {day: {dtype: "datetime64[ns]"}, flag: {dtype: bool}, zip: {dtype: string, length: 5}}}
        functions:
          assign_region: {params: [part, table], kernel: map_column, column: zip, into: region}
        steps:
          with_region: {map_partitions: assign_region, over: people, args: [regions]}
          scored: {map_partitions: model.score, over: with_region}
          seen: {map_partitions: assign_region, over: visits, args: [regions]}
        outputs:
          scored: persist
        """
    }

    static func export(_ yaml: String) throws -> String {
        let loaded = LoadedPipeline.load(SourceFile(path: "p.yaml", text: yaml))
        #expect(loaded.diagnostics.filter { $0.severity == .error }.map(\.message) == [])
        return try DaskExport.program(loaded, options: ExportOptions(asWritten: true))
    }

    /// The optimized program (the default) builds the `dataframe:` objects a `from_pandas` frame
    /// and a broadcast merge read, though neither has a graph edge to its object.
    @Test func optimizedProgramsBuildTheObjectsFramesReadWithoutAnEdge() throws {
        let yaml = """
        pipeline: edgeless
        version: 1.2
        cluster: {scheduler: distributed, workers: 2}
        objects:
          reference:
            dataframe: {length: 100, columns: {zip: {dtype: string, length: 5}, pop: {dtype: int64}}}
          table:
            dataframe: {length: 10, columns: {zip: {dtype: string, length: 5}, region: {dtype: int64}}}
          unused:
            dataframe: {length: 10, columns: {zip: {dtype: string, length: 5}}}
        frames:
          refs: {from_pandas: reference, partitions: 4}
        steps:
          joined: {merge: refs, with: table, on: zip, how: left}
        outputs:
          joined: persist
        """
        let loaded = LoadedPipeline.load(SourceFile(path: "p.yaml", text: yaml))
        let program = try DaskExport.program(loaded)
        let body = program.components(separatedBy: "\n").filter { $0.hasPrefix("    reference =") || $0.hasPrefix("    table =") || $0.hasPrefix("    unused =")
            || $0.hasPrefix("    refs =") || $0.hasPrefix("    joined =") }
        #expect(body == [
            "    reference = build_reference()  # placement: embed (passed directly: each task carries a copy)",
            "    table = build_table()  # placement: embed (passed directly: each task carries a copy)",
            "    refs = _from_pandas(reference, 4)  # dd.from_pandas: split on the client, the whole frame in the submitted graph",
            "    joined = refs.merge(table, on='zip', how='left')  # a pandas frame: from_pandas(npartitions=1), merged blockwise, one copy per worker",
            "    joined = hold(joined)  # persist: held on the workers; later steps build on the persisted collection",
        ])
        #expect(!program.contains("build_unused"))
    }

    @Test func generatedFramesAreFromMapOverTheirRowBounds() throws {
        let program = try Self.export(Self.yaml(placement: "embed"))
        #expect(program.contains("""
                people = _frame('people', [
                    _col('zip', 'string', length=5, source='random', seed=3, low=0, high=40000),
                    _col('age', 'int64', source='random', seed=4, low=0, high=100),
                    _col('income', 'float64', source='random', seed=5, low=0, high=100000),
                    _col('kind', 'category', categories=50),
                ], rows=10, partitions=[3, 3, 4])  # dd.from_map: each partition built on its worker

            """))
        // `partitions: 4` over 100 rows: four partitions of 25, written as the count.
        #expect(program.contains("""
                visits = _frame('visits', [
                    _col('day', 'datetime64[ns]'),
                    _col('flag', 'bool'),
                    _col('zip', 'string', length=5),
                ], rows=100, partitions=4)
            """))
    }

    @Test func aFrameOfTheLargestRowCountIsWrittenWithoutOverflow() throws {
        let yaml = """
        pipeline: t
        version: 1.2
        frames:
          e: {rows: 9223372036854775807, partitions: 2, columns: {x: {dtype: int64}}}
        steps:
          n: {reduce: count, over: e.x}
        outputs:
          e: persist
          n: compute
        """
        let program = try DaskExport.program(LoadedPipeline.load(SourceFile(path: "p.yaml", text: yaml)))
        #expect(program.contains("""
                e = _frame('e', [
                    _col('x', 'int64'),
                ], rows=9223372036854775807, partitions=2)
            """))
    }

    @Test func objectsAreBuiltFromTheirRecipes() throws {
        let program = try Self.export(Self.yaml(placement: "embed"))
        #expect(program.contains("    return _str_dict(40000, 5, 8, 50)\n"))
        #expect(program.contains("""
                return _dataframe(1000, [
                    _col('zip', 'string', length=5),
                    _col('pop', 'int64', source='random', seed=1, low=0, high=100000),
                ])
            """))
        #expect(program.contains("from pipelint_runtime import _at, _col, _csv_column, _dataframe, _import, _ndarray, _random_values, _series, _str_dict\n"))
        #expect(program.contains("PROBES = [('regions', 'dict', (40000, '00000')), ('reference', 'frame', 1000), ('model', 'class', ('__main__', 'Scorer'))]\n"))
    }

    @Test func embeddedObjectsArePassedToMapPartitionsWithTheResultsMeta() throws {
        let program = try Self.export(Self.yaml(placement: "embed"))
        #expect(program.contains("def assign_region(part, table):\n    return _k_map_column(part, table, 'zip', 'region')\n"))
        #expect(program.contains("        return _k_score_rows(block, self.weights, ['age', 'income'], 'score')\n"))
        #expect(program.contains("    with_region = people.map_partitions(assign_region, regions, meta=_with_column(people, 'region', 'string'))\n"))
        #expect(program.contains("    scored = with_region.map_partitions(model.score, meta=_with_column(with_region, 'score', 'float64'))\n"))
        #expect(program.contains("    scored = hold(scored)"))
    }

    @Test func delayedObjectsArePassedAsDelayedAndReceiversThroughAWrapper() throws {
        let program = try Self.export(Self.yaml(placement: "delayed"))
        #expect(program.contains("    with_region = people.map_partitions(assign_region, regions, meta=_with_column(people, 'region', 'string'))\n"))
        #expect(program.contains("""
            def _call_Scorer_score_on_partition(part, receiver, *args):
                \"\"\"`Scorer.score` of a delayed or scattered receiver on one partition.\"\"\"
                return receiver.score(part, *args)
            """))
        #expect(program.contains("    scored = with_region.map_partitions(_call_Scorer_score_on_partition, model, meta=_with_column(with_region, 'score', 'float64'))\n"))
    }

    @Test func scatteredObjectsGoInAsDelayedFutures() throws {
        let program = try Self.export(Self.yaml(placement: "scatter"))
        #expect(program.contains("    with_region = people.map_partitions(assign_region, dask.delayed(regions), meta=_with_column(people, 'region', 'string'))\n"))
        #expect(program.contains("    scored = with_region.map_partitions(_call_Scorer_score_on_partition, dask.delayed(model), meta=_with_column(with_region, 'score', 'float64'))\n"))
    }

    @Test func aSeriesTableGivesItsOwnDtype() throws {
        let yaml = """
            pipeline: codes
            version: 1.2
            objects:
              rates: {series: {range: 50, dtype: float64}}
            frames:
              visits: {rows: 100, partitions: 4, columns: {code: {dtype: int64, source: {random: {seed: 1, low: 0, high: 50}}}}}
            functions:
              rate: {params: [part, table], kernel: map_column, column: code, into: rate}
            steps:
              rated: {map_partitions: rate, over: visits, args: [rates]}
            outputs:
              rated: compute
            """
        let program = try Self.export(yaml)
        #expect(program.contains("    rated = visits.map_partitions(rate, rates, meta=_with_column(visits, 'rate', 'float64'))\n"))
        #expect(program.contains("        ('rated', 'compute', None, rated),\n"))
    }

    @Test func columnReductionsAreDasksOwnSeriesReductions() throws {
        let yaml = """
            pipeline: totals
            version: 1.2
            frames:
              people: {rows: 1000, partitions: 4, columns: {income: {dtype: float64}, age: {dtype: int64}}}
            steps:
              total: {reduce: sum, over: people.income}
              oldest: {reduce: max, over: people.age, split_every: 2}
            outputs:
              total: compute
              oldest: compute
            """
        let program = try Self.export(yaml)
        #expect(program.contains("    total = people['income'].sum(split_every=8)\n"))
        #expect(program.contains("    oldest = people['age'].max(split_every=2)\n"))
    }
}
