import PipelineIR

/// DataFrame pipelines (format 1.2): `frames:`, the `dataframe:` and `dict:` object recipes,
/// frame kernels' `column`/`columns`/`into`, and `map_partitions` steps
/// (docs/pipeline-format.md, "DataFrames").
extension Lowerer {
    static let frameKeys: [KnownKey] = [.rows, .partitions, .columns, .lint]
    static let fromPandasKeys: [KnownKey] = [.fromPandas, .partitions, .lint]
    /// Reserved by the format's design, not read yet: a located "not supported yet".
    static let plannedFrameKeys: [KnownKey] = []
    static let columnKeys: [KnownKey] = [.dtype, .source, .length, .categories]
    static let columnDTypes = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
                               "float32", "float64", "datetime64[ns]", "string", "category"]
    static let mapPartitionsKeys: [KnownKey] = [.mapPartitions, .over, .args, .kwargs, .lint]
    static let frameKernelKeys: [KnownKey] = [.column, .columns, .into]
    /// Planned step kinds of format 1.2 (docs/pipeline-format.md, "DataFrames"): reported as not supported yet.
    static let plannedFrameSteps: [String] = []
    static let mergeKeys: [KnownKey] = [.merge, .with, .on, .how, .lint]
    /// The longest string column pipelint sizes (`length:`), and the most categories.
    static let maxStringLength = 64
    static let maxCategories = 1_000_000
    /// The most columns of a frame, declared or made by a merge (every step over a frame copies its columns).
    static let maxColumns = 10_000

    /// Whether the file's version has what `what` needs (1.2); reports at `range` otherwise.
    mutating func requireVersion12(_ what: @autoclosure () -> String, _ range: SourceRange) -> Bool {
        guard minorVersion < 2 else { return true }
        let declared = minorVersion == 1 ? "1.1" : "1"
        error("\(what()) needs format version 1.2; this file declares `version: \(declared)`", range,
              help: "write `version: 1.2` (every version 1 and 1.1 file means the same under 1.2)")
        return false
    }

    // MARK: frames

    mutating func lowerFrame(_ name: String, _ nameRange: SourceRange, _ v: WrittenValue, objects: [PipelineObject]) -> FrameDecl? {
        guard let es = mapping(v, "frame `\(name)`") else { return nil }
        for e in es where Self.plannedFrameKeys.containsKey(e.code) {
            error("`\(keyText(e))` frames are not supported yet; declare the frame's `rows`, `partitions` and `columns`", e.keyRange)
            return nil
        }
        if let load = es.first(.load) {
            return lowerLoadFrame(name, nameRange, v, entries: es, load: load)
        }
        if let fp = es.first(.fromPandas) {
            return lowerFromPandas(name, nameRange, v, entries: es, fromPandas: fp, objects: objects)
        }
        checkKeys(es, allowed: Self.frameKeys, in: "frame `\(name)`")
        func get(_ k: KnownKey) -> Entry? { es.first(k) }
        guard let rowsEntry = get(.rows) else {
            error("frame `\(name)` needs `rows` (its number of rows)", v.at)
            return nil
        }
        guard let partsEntry = get(.partitions) else {
            error("frame `\(name)` needs `partitions` (a number of partitions, or a list of row counts)", v.at)
            return nil
        }
        guard let columnsEntry = get(.columns) else {
            error("frame `\(name)` needs `columns`", v.at)
            return nil
        }
        guard let rows = int(rowsEntry.value, "`rows`", min: 1) else { return nil }
        let schema = lowerColumns(columnsEntry.value)
        guard let parts = partitions(partsEntry.value, rows: rows), let schema else { return nil }
        let supp = get(.lint).flatMap { suppressions($0.value) }
        return FrameDecl(name: name, nameRange: nameRange, range: v.at, rows: rows, partitions: parts,
                         partitionsRange: partsEntry.value.at, schema: schema, suppressions: supp)
    }

    /// `{from_pandas: OBJECT, partitions: N}`: `dd.from_pandas(object, npartitions=N)` of a `dataframe:` object.
    mutating func lowerFromPandas(_ name: String, _ nameRange: SourceRange, _ v: WrittenValue,
                                  entries es: [Entry],
                                  fromPandas fp: Entry, objects: [PipelineObject]) -> FrameDecl? {
        checkKeys(es, allowed: Self.fromPandasKeys, in: "`from_pandas` frame `\(name)`")
        guard let objectName = string(fp.value, "`from_pandas`") else { return nil }
        let at = textRange(fp.value)
        guard let obj = objects.first(where: { $0.name == objectName }) else {
            if !isDeclared(objectName, in: .objects) {
                error("`\(objectName)` is not an object", at, help: suggestion(for: objectName, among: declaredNames(in: .objects)).map { "did you mean `\($0)`?" })
            }
            return nil
        }
        guard case .dataframe(let df) = obj.recipe else {
            error("`from_pandas` needs a `dataframe` object, but `\(objectName)` is \(kindArticle(obj.recipe))", at)
            return nil
        }
        guard df.length > 0 else {
            error("`\(objectName)` has no rows; `dd.from_pandas` needs at least one", at)
            return nil
        }
        guard let partsEntry = es.first(.partitions) else {
            error("frame `\(name)` needs `partitions` (`dd.from_pandas`'s `npartitions`)", v.at)
            return nil
        }
        guard tree[partsEntry.value.id].kind != .sequence else {
            error("a `from_pandas` frame takes `partitions: N` (`npartitions`), not a list", partsEntry.value.at)
            return nil
        }
        guard let parts = partitions(partsEntry.value, rows: df.length) else { return nil }
        let supp = es.first(.lint).flatMap { suppressions($0.value) }
        return FrameDecl(name: name, nameRange: nameRange, range: v.at, rows: df.length, partitions: parts,
                         partitionsRange: partsEntry.value.at, schema: df.schema, source: .fromPandas(object: objectName, range: at), suppressions: supp)
    }

    /// `partitions: N` (dd.from_pandas's rule: partitions of ceil(rows/N) rows, the last takes the
    /// remainder) or an explicit list of row counts summing to `rows`.
    mutating func partitions(_ v: WrittenValue, rows: Int) -> DimChunks? {
        if tree[v.id].kind == .sequence {
            var sizes: [Int] = []
            for x in list(v, "`partitions`") ?? [] {
                guard let n = int(x, "a partition's row count", min: 1) else { return nil }
                sizes.append(n)
            }
            if sizes.isEmpty {
                error("`partitions` needs at least one row count", v.at)
                return nil
            }
            // Summed with overflow checks: a saturated sum equal to `Int.max` would pass for a frame of 2^63 − 1 rows.
            var total = 0, overflow = false
            for n in sizes where !overflow { (total, overflow) = total.addingReportingOverflow(n) }
            guard !overflow, total == rows else {
                error("the partitions hold \(overflow ? "more than 2^63 − 1" : String(total)) rows but the frame has \(rows)", v.at,
                      help: "the row counts in `partitions` must sum to `rows`")
                return nil
            }
            return .explicit(sizes)
        }
        guard let n = int(v, "`partitions`", min: 1) else { return nil }
        let size = rows / n + (rows % n == 0 ? 0 : 1)
        let made = DimChunks.uniform(size: size, length: rows)
        guard made.count == n else {
            error("\(rows) rows in partitions of \(size) rows (ceil(\(rows) / \(n))) make \(made.count) partitions, not \(n)", textRange(v),
                  help: "write `partitions: \(made.count)`, or list the row counts (`partitions: [...]`)")
            return nil
        }
        return made
    }

    /// `columns:` — a mapping of column name → spec, in order.
    mutating func lowerColumns(_ v: WrittenValue) -> FrameSchema? {
        guard let es = mapping(v, "`columns`", keysAreNames: true) else { return nil }
        guard !es.isEmpty else {
            error("`columns` needs at least one column", v.at)
            return nil
        }
        guard es.count <= Self.maxColumns else {
            error("`columns` declares \(es.count) columns; pipelint models frames of at most \(Self.maxColumns)", v.at)
            return nil
        }
        var columns: [FrameColumn] = []
        var ok = true
        for e in es {
            if let c = lowerColumn(keyText(e), e.keyRange, e.value) { columns.append(c) } else { ok = false }
        }
        return ok ? FrameSchema(columns: columns) : nil
    }

    mutating func lowerColumn(_ name: String, _ nameRange: SourceRange, _ v: WrittenValue) -> FrameColumn? {
        guard let es = mapping(v, "column `\(name)`") else { return nil }
        checkKeys(es, allowed: Self.columnKeys, in: "column `\(name)`")
        func get(_ k: KnownKey) -> Entry? { es.first(k) }
        guard let d = get(.dtype) else {
            error("column `\(name)` needs `dtype`", v.at, help: "one of: \(Self.columnDTypes.map { "`\($0)`" }.joined(separator: ", "))")
            return nil
        }
        guard let text = string(d.value, "`dtype`") else { return nil }
        let type: ColumnType
        switch text {
        case "string":
            guard let l = get(.length) else {
                error("a `string` column needs `length` (its values are `str(v).zfill(length)`)", d.value.at)
                return nil
            }
            guard let n = int(l.value, "`length`", min: 1) else { return nil }
            guard n <= Self.maxStringLength else {
                error("`length` must be at most \(Self.maxStringLength), not \(n)", l.value.at)
                return nil
            }
            type = .string(length: n)
        case "category":
            guard let k = get(.categories) else {
                error("a `category` column needs `categories` (its number of categories)", d.value.at)
                return nil
            }
            guard let n = int(k.value, "`categories`", min: 1) else { return nil }
            guard n <= Self.maxCategories else {
                error("`categories` must be at most \(Self.maxCategories), not \(n)", k.value.at)
                return nil
            }
            type = .category(count: n)
        default:
            guard let t = NumericType(rawValue: text), Self.columnDTypes.contains(text) else {
                let hint = suggestion(for: text, among: Self.columnDTypes).map { "did you mean `\($0)`?" }
                error("unknown column dtype `\(text)`", textRange(d.value),
                      help: hint ?? "one of: \(Self.columnDTypes.map { "`\($0)`" }.joined(separator: ", "))")
                return nil
            }
            type = .numeric(t)
        }
        for code in [KnownKey.length, .categories] {
            guard let e = get(code) else { continue }
            let k = code.rawValue
            if (k == "length") != (text == "string") && (k == "categories") != (text == "category") {
                error("`\(k)` applies to \(k == "length" ? "`string`" : "`category`") columns, not `\(text)`", e.keyRange)
            }
        }
        guard let src = columnSource(get(.source)?.value, type: type) else { return nil }
        return FrameColumn(name: name, nameRange: nameRange, type: type, source: src)
    }

    /// `source: range` (the default) or `{random: {seed, low, high}}`; integers for every dtype but floats.
    mutating func columnSource(_ v: WrittenValue?, type: ColumnType) -> ColumnSource? {
        guard let v else { return .range }
        if case .string("range")? = scalar(v) { return .range }
        guard let es = mapping(v, "`source`") else { return nil }
        checkKeys(es, allowed: [.random], in: "`source`")
        guard let r = es.first(.random), let rs = mapping(r.value, "`random`") else {
            error("`source` must be `range` or `{random: {seed, low, high}}`", v.at)
            return nil
        }
        checkKeys(rs, allowed: Self.arrayRandomKeys, in: "`random`")
        let isFloat: Bool
        if case .numeric(let t) = type { isFloat = t.isFloat } else { isFloat = false }
        let isBool = type == .numeric(.bool)
        if !isFloat && !isBool {
            for k in [KnownKey.low, .high] where !rs.has(k) {
                error("`random` of a `\(type.name)` column needs `\(k.rawValue)` (an integer)", r.value.at)
                return nil
            }
        }
        let p = randomParameters(rs, at: r.value.at)
        if !isFloat {
            for e in rs where e.code == .low || e.code == .high {
                if case .float? = scalar(e.value) {
                    error("`\(keyText(e))` of a `\(type.name)` column's `random` must be an integer", e.value.at)
                    return nil
                }
            }
        }
        let high = !isFloat && isBool && !rs.has(.high) ? 2 : p.high
        return .random(seed: p.seed, low: p.low, high: high)
    }

    // MARK: objects

    /// `dataframe: {length, columns}`.
    mutating func lowerDataFrameRecipe(_ v: WrittenValue, at key: SourceRange) -> Recipe? {
        guard requireVersion12("a `dataframe` object", key) else { return nil }
        guard let es = mapping(v, "`dataframe`") else { return nil }
        checkKeys(es, allowed: [.length, .columns], in: "`dataframe`")
        guard let l = es.first(.length) else {
            error("`dataframe` needs `length` (its number of rows)", v.at)
            return nil
        }
        guard let c = es.first(.columns) else {
            error("`dataframe` needs `columns`", v.at)
            return nil
        }
        let length = int(l.value, "`length`")
        guard let schema = lowerColumns(c.value), let length else { return nil }
        return .dataframe(DataFrameRecipe(length: length, schema: schema))
    }

    /// `dict: {length, keys: {string: L}, values: {string: L, distinct: D}}`.
    mutating func lowerStringDict(_ v: WrittenValue, at key: SourceRange) -> Recipe? {
        guard requireVersion12("a `dict` object", key) else { return nil }
        guard let es = mapping(v, "`dict`") else { return nil }
        checkKeys(es, allowed: [.length, .keys, .values], in: "`dict`")
        func get(_ k: KnownKey) -> Entry? { es.first(k) }
        guard let l = get(.length), let k = get(.keys), let vals = get(.values) else {
            error("`dict` needs `length`, `keys: {string: L}` and `values: {string: L}`", v.at)
            return nil
        }
        guard let length = int(l.value, "`length`"),
              let keys = stringSpec(k.value, what: "`keys`", allowDistinct: false),
              let values = stringSpec(vals.value, what: "`values`", allowDistinct: true, entries: length) else { return nil }
        return .stringDict(StringDictRecipe(length: length, keyLength: keys.length, valueLength: values.length,
                                            distinct: max(1, values.distinct ?? length)))
    }

    /// `{string: L}` (and `distinct: D` for values).
    mutating func stringSpec(_ v: WrittenValue, what: String, allowDistinct: Bool, entries: Int = 0) -> (length: Int, distinct: Int?)? {
        guard let es = mapping(v, what) else { return nil }
        checkKeys(es, allowed: allowDistinct ? [.string, .distinct] : [.string], in: what)
        guard let s = es.first(.string) else {
            error("\(what) needs `string: LENGTH` (the strings are `str(i).zfill(LENGTH)`)", v.at)
            return nil
        }
        guard let n = int(s.value, "`string`", min: 1) else { return nil }
        guard n <= Self.maxStringLength else {
            error("`string` must be at most \(Self.maxStringLength), not \(n)", s.value.at)
            return nil
        }
        var distinct: Int?
        if let d = es.first(.distinct) {
            guard let k = int(d.value, "`distinct`", min: 1) else { return nil }
            if k > max(entries, 1) {
                // Reported, and clamped: the dict is still an object, so calls are checked as usual.
                error("`distinct` must be at most the dict's `length` (\(entries)), not \(k)", d.value.at)
            }
            distinct = min(k, max(entries, 1))
        }
        return (n, distinct)
    }
}
