import PipelineIR

/// Row-wise DataFrame steps (format 1.2) as a user writes them with dask.dataframe:
/// `people.assign(region=people['zip'].map(regions, meta=...))`, `people.assign(income2=people['income'] * 2)`,
/// `people[people['age'] >= 18]`.
extension ProgramWriter {
    /// The line of a `lookup`, `assign` or `filter` step.
    mutating func rowStepLine(_ l: Graph.Layer, _ op: RowOp, variable v: String) throws(ExportError) -> String {
        guard let e = l.inputs.first(where: { $0.role == .block(0) }), let frame = names[graph[e.source].name] else {
            throw error("step `\(l.name)` reads no frame", l.range)
        }
        func column(_ c: String) -> String { "\(frame)[\(PythonSyntax.string(c))]" }
        func assigning(_ c: String, _ value: String) -> String {
            PythonSyntax.isPlainIdentifier(c) ? "\(frame).assign(\(c)=\(value))" : "\(frame).assign(**{\(PythonSyntax.string(c)): \(value)})"
        }
        switch op {
        case .lookup(let c, _, _, _, let into, _):
            guard let t = l.inputs.first(where: { $0.role == .argument(0) }), let o = graph[t.source].object, let table = names[o.name] else {
                throw error("step `\(l.name)` looks up through no object", l.range)
            }
            // pandas 3 maps a string column through a dict of strings to its default `str` dtype.
            let dtype: String
            if case .series(let s) = o.recipe { dtype = s.dtype.rawValue } else { dtype = "str" }
            if o.placement == .embed {
                // Series.map embeds its argument in every `map` task (dask 2026.8: an Elemwise operand, never wrapped).
                let meta = "meta=(\(PythonSyntax.string(c)), \(PythonSyntax.string(dtype)))"
                return "\(v) = \(assigning(into, "\(column(c)).map(\(table), \(meta))"))  # the table is embedded in every partition's task"
            }
            // Series.map does not resolve a Delayed (a Delayed is callable: pandas would call it on every
            // value); map_partitions does, so a delayed or scattered table goes through it, mapped as above.
            let key = "_lookup_on_partition"
            if wrappers[key] == nil {
                let w = globals.fresh(key)
                wrappers[key] = """
                def \(w)(part, table, column, into):
                    \"\"\"`part.assign(into=part[column].map(table))`: a lookup on one partition, its table resolved by map_partitions.\"\"\"
                    return part.assign(**{into: part[column].map(table)})
                """
                wrapperOrder.append(key)
                names["wrapper:" + key] = w
            }
            let passed = o.placement == .scatter ? "dask.delayed(\(table))" : table
            let meta = "meta=_with_column(\(frame), \(PythonSyntax.string(into)), \(PythonSyntax.string(dtype)))"
            return "\(v) = \(frame).map_partitions(\(names["wrapper:" + key] ?? key), \(passed), \(PythonSyntax.string(c)), \(PythonSyntax.string(into)), \(meta))"
                + "  # the \(o.placement.rawValue) table: map_partitions resolves a Delayed, Series.map does not"
        case .assign(let c, _, let expr):
            return "\(v) = \(assigning(c, rowExprText(expr, top: true, column)))"
        case .filter(let c, _, let cmp, let value, _):
            return "\(v) = \(frame)[\(column(c)) \(cmp.rawValue) \(PythonSyntax.number(value))]  # keeps the partitions; their rows are unknown to Dask"
        }
    }

    /// An `assign` expression in Python: columns as `frame['c']`, operations parenthesized, `where`
    /// as `a.where(cond, b)` (`b.mask(cond, a)` when only `b` reads a column).
    func rowExprText(_ e: RowExpr, top: Bool = false, _ column: (String) -> String) -> String {
        switch e {
        case .column(let c, _):
            return column(c)
        case .number(let d, let isInteger, _):
            let text = isInteger && abs(d) < 9.0e15 ? String(Int64(d)) : PythonSyntax.float(d)
            return d < 0 && !top ? "(\(text))" : text
        case .arith(let op, let a, let b, _):
            let inner = "\(rowExprText(a, column)) \(op.symbol) \(rowExprText(b, column))"
            return top ? inner : "(\(inner))"
        case .choose(let cond, let a, let b, _):
            let test = "(\(rowExprText(cond.lhs, column)) \(cond.op.rawValue) \(rowExprText(cond.rhs, column)))"
            if a.columns.isEmpty {
                return "\(rowExprText(b, column)).mask(\(test), \(rowExprText(a, column)))"
            }
            return "\(rowExprText(a, column)).where(\(test), \(rowExprText(b, column)))"
        }
    }
}
