import PipelineIR

/// `groupby` steps (format 1.2): `per_region: {groupby: with_region, by: region, sum: income}` —
/// a groupby-sum on an integer, bool, string or category key (docs/pipeline-format.md, "Groupby").
extension Lowerer {
    static let groupbyKeys: [KnownKey] = [.groupby, .by, .sum, .splitEvery, .lint]

    mutating func lowerGroupbyStep(_ name: String, _ nameRange: SourceRange, _ v: WrittenValue,
                                   kindEntry: Entry,
                                   entries es: [Entry], suppressions supp: Suppressions?) -> Step? {
        checkKeys(es, allowed: Self.groupbyKeys, in: "`groupby` step `\(name)`")
        guard requireVersion12("a `groupby` step", kindEntry.keyRange) else { return nil }
        guard let over = dataRef(kindEntry.value) else { return nil }
        guard let b = es.first(.by), let s = es.first(.sum) else {
            error("`groupby` step `\(name)` needs `by` (the key column) and `sum` (the column summed per group)", v.at)
            return nil
        }
        guard let by = string(b.value, "`by`"), let column = string(s.value, "`sum`") else { return nil }
        var split = 8
        if let e = es.first(.splitEvery), let n = int(e.value, "`split_every`", min: 2) { split = n }
        let spec = GroupbySpec(over: over, by: by, byRange: textRange(b.value), column: column, columnRange: textRange(s.value), splitEvery: split)
        return Step(name: name, nameRange: nameRange, range: v.at, kind: .groupby(spec), suppressions: supp)
    }

    /// A groupby against the frame it groups: the key (not a float or a datetime), the summed
    /// column (a number), and the bound of the number of groups.
    mutating func checkGroupby(_ s: Step, _ g: GroupbySpec, in p: Pipeline, schemas: [String: FrameSchema]) -> GroupbySpec? {
        guard let schema = schemas[g.over.name] else {
            if stepsWithErrors.contains(g.over.name) {
                stepsWithErrors.insert(s.name)
            } else if !isDeclared(g.over.name, in: .frames) {
                error("`\(g.over.name)` is not a frame; `groupby` groups a frame or a frame-valued step", g.over.range)
            }
            return nil
        }
        let key = knownColumn(g.by, g.byRange, of: g.over.name, step: s.name, schema)
        let value = knownColumn(g.column, g.columnRange, of: g.over.name, step: s.name, schema)
        guard let key, let value else { return nil }
        if case .numeric(let t) = key.type, t.isFloat || t.isTemporal {
            error("step `\(s.name)` groups by `\(g.by)`, which is \(t.rawValue): pipelint models groupby keys of integers, bools, strings and categories", g.byRange,
                  help: "group by an integer, string or category column")
            return nil
        }
        guard value.type.isNumeric else {
            error("`sum` of column `\(g.column)` of `\(g.over.name)`, which is \(value.type.name): Dask sums numbers", g.columnRange)
            return nil
        }
        guard g.by != g.column else {
            error("step `\(s.name)` sums its key column `\(g.by)`; sum another column", g.columnRange)
            return nil
        }
        var out = g
        out.key = key
        out.value = value
        return out
    }

    /// A groupby's result is a pandas Series of per-group sums in one partition: outputs read it,
    /// steps do not (yet).
    mutating func readsNoGroupby(_ s: Step, in p: Pipeline) -> Bool {
        for r in s.inputs {
            guard let dep = p.step(named: r.name), case .groupby = dep.kind else { continue }
            error("`\(r.name)` is the result of a `groupby` (a Series of per-group sums); steps cannot read it yet, only `outputs`", r.range)
            return false
        }
        return true
    }
}
