import PipelineIR

/// `save:` of a frame or a groupby's result (format 1.2): written by the workers with
/// `to_parquet` (a folder of one file per partition) or `to_csv(single_file=True)`.
extension Lowerer {
    static let frameSaveFormats = [".parquet", ".csv"]

    mutating func checkFrameSaves(_ p: Pipeline, schemas: [String: FrameSchema]) {
        for o in p.outputs {
            guard case .save(let path) = o.kind else { continue }
            var isGroupby = false
            if let s = p.step(named: o.target.name), case .groupby = s.kind { isGroupby = true }
            guard schemas[o.target.name] != nil || isGroupby else { continue }
            let lower = path.lowercased()
            guard Self.frameSaveFormats.contains(where: { lower.hasSuffix($0) && lower.count > $0.count }) else {
                error("`\(o.target.name)` is \(isGroupby ? "a groupby's result" : "a frame"): `save:` writes it as Parquet (`.parquet`) or CSV (`.csv`), not `\(path)`", o.range,
                      help: "`save: \(o.target.name).parquet` (a folder of one file per partition) or `save: \(o.target.name).csv` (one file)")
                continue
            }
        }
    }
}
