import PipelineIR

/// `load:` frames (format 1.2): `sales: {load: sales.csv, rows: 1000000, partitions: 10, columns: {...}}`
/// is `dd.read_csv` of a CSV file with a header row, relative to the pipeline's folder. Sizing uses
/// the declared `rows` and `partitions`; `check` compares `rows` with the file (PL019).
extension Lowerer {
    static let loadFrameKeys: [KnownKey] = [.load, .rows, .partitions, .columns, .lint]

    mutating func lowerLoadFrame(_ name: String, _ nameRange: SourceRange, _ v: WrittenValue,
                                 entries es: [Entry],
                                 load: Entry) -> FrameDecl? {
        checkKeys(es, allowed: Self.loadFrameKeys, in: "`load` frame `\(name)`")
        guard let path = string(load.value, "`load`") else { return nil }
        let pathRange = textRange(load.value)
        guard path.lowercased().hasSuffix(".csv"), path.count > 4 else {
            error("a `load` frame reads a CSV file (`.csv`), not `\(path)`", pathRange)
            return nil
        }
        func get(_ k: KnownKey) -> Entry? { es.first(k) }
        guard let rowsEntry = get(.rows), let partsEntry = get(.partitions), let columnsEntry = get(.columns) else {
            error("`load` frame `\(name)` needs `rows` (its data rows), `partitions` and `columns` (each column's dtype)", v.at)
            return nil
        }
        guard tree[partsEntry.value.id].kind != .sequence else {
            error("a `load` frame takes `partitions: N` (`dd.read_csv` splits the file into N blocks of bytes), not a list", partsEntry.value.at)
            return nil
        }
        guard let rows = int(rowsEntry.value, "`rows`", min: 1) else { return nil }
        if tree[columnsEntry.value.id].kind == .mapping, let cs = mapping(columnsEntry.value, "`columns`", keysAreNames: true) {
            for c in cs where tree[c.value.id].kind == .mapping {
                let column = keyText(c)
                guard let spec = mapping(c.value, "column `\(column)`"), let s = spec.first(.source) else { continue }
                error("column `\(column)` of a `load` frame comes from the file; `source` does not apply", s.keyRange)
                return nil
            }
        }
        let schema = lowerColumns(columnsEntry.value)
        guard let parts = partitions(partsEntry.value, rows: rows), let schema else { return nil }
        let supp = get(.lint).flatMap { suppressions($0.value) }
        var frame = FrameDecl(name: name, nameRange: nameRange, range: v.at, rows: rows, partitions: parts, partitionsRange: partsEntry.value.at,
                              schema: schema, source: .csv(path: path, range: pathRange), suppressions: supp)
        frame.rowsRange = textRange(rowsEntry.value)
        return frame
    }
}
