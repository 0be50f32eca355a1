import PipelineIR

/// `load:` frames (format 1.2), written as a user writes them with dask.dataframe.
extension ProgramWriter {
    /// `sales = _read_csv(_path('sales.csv'), [...columns...], partitions=10)`: `dd.read_csv` with
    /// the declared dtypes, in blocks of ceil(file size / partitions) bytes.
    func readCSVLine(_ l: Graph.Layer, _ f: FrameDecl, path: String, variable v: String) -> String {
        let columns = columnsText(f.schema, indent: "        ")
        return "\(v) = _read_csv(_path(\(PythonSyntax.string(path))), \(columns), partitions=\(f.partitions.count))"
            + "  # dd.read_csv: each block of the file read on a worker"
    }
}
