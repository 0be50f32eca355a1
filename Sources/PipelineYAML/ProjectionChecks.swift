import PipelineIR

extension Lowerer {
    /// A subscript (`[...]` or `.iloc[...]`) on the value `base` reaches: the value can be
    /// subscripted so, with as many axes as it has, and an index of a known length is in range.
    /// Returns the projected recipe, or nil after one located error.
    mutating func checkSubscript(_ segment: FieldPath.Segment, on value: Recipe, base: String, shown: String, at: SourceRange) -> Recipe? {
        guard let axes = segment.axes else { return nil }
        let positional: Bool
        if case .iloc = segment { positional = true } else { positional = false }
        let dims: Int
        switch value {
        case .series: dims = 1
        case .ndarray(let a): dims = a.shape.count
        case .intList, .value(.list): dims = 1
        case .value(.int), .value(.float), .value(.bool), .element:
            error("`\(shown)`: `\(base)` is \(kindArticle(value)), a single number: it has no elements to take", at,
                  help: "use `\(base)` itself")
            return nil
        default:
            error("`\(shown)`: `\(base)` is \(kindArticle(value)), which cannot be subscripted", at,
                  help: "subscripts apply to a Series, an ndarray or a list")
            return nil
        }
        if positional, case .series = value {} else if positional {
            error("`\(shown)`: `.iloc` is a pandas Series indexer, but `\(base)` is \(kindArticle(value))", at,
                  help: "subscript it directly: `\(base)[\(axes.map(\.description).joined(separator: ", "))]`")
            return nil
        }
        guard axes.count <= dims else {
            let what = switch value {
            case .ndarray: "a \(dims)-D ndarray"
            case .series: "a 1-D Series"
            default: "a list (1-D)"
            }
            error("`\(shown)`: `\(base)` is \(what), but the subscript has \(axes.count) axes", at,
                  help: dims == 1 ? "take one axis: `\(base)[\(axes[0])]`" : "give at most \(dims) axes")
            return nil
        }
        let lengths = value.shape
        for (d, axis) in axes.enumerated() {
            guard case .index(let i) = axis, let lengths, d < lengths.count else { continue }
            let n = lengths[d]
            if isSeries(value), !positional {
                if i < 0 || i >= n {
                    error("`\(shown)`: label \(i) is not in the index of `\(base)` (labels 0…\(n - 1)): `[…]` on a Series reads labels", at,
                          help: i < 0 ? "for a position counted from the end write `\(base).iloc[\(i)]`" : "its labels are 0…\(n - 1)")
                    return nil
                }
            } else if axis.position(length: n) == nil {
                error("`\(shown)`: index \(i) is out of range for \(dims > 1 ? "axis \(d) of " : "")`\(base)`, of length \(n)", at,
                      help: n == 0 ? "it is empty" : "indices run from \(-n) to \(n - 1)")
                return nil
            }
        }
        guard let next = value.projected(through: [segment]) else {
            error("`\(shown)`: the subscript does not apply to `\(base)`", at)
            return nil
        }
        return next
    }

    func isSeries(_ r: Recipe) -> Bool {
        if case .series = r { return true }
        return false
    }
}

extension Lowerer {
    /// The path written in `v` (text `s`) parsed: nil after a located error. `malformedHelp`
    /// keeps each place's own advice for a malformed field name. A subscript needs 1.1.
    mutating func parsedPath(_ s: String, _ v: WrittenValue, malformedHelp: String?) -> PathSyntax? {
        let r = textRange(v)
        switch PathSyntax.parse(s, isIdentifier: Self.isIdentifier) {
        case .success(let p):
            if p.path.hasSubscript, !requireVersion11("a subscript in a path (`\(s)`)", r) { return nil }
            return p
        case .failure(let f):
            let whole = f.offset == 0 && f.length == s.utf8.count
            let at = whole || r.end - r.start != s.utf8.count ? r
                : SourceRange(start: r.start + f.offset, end: r.start + f.offset + f.length)
            error(f.message, at, help: whole ? malformedHelp : f.help)
            return nil
        }
    }

    /// The name a path starts with (`edges` of `edges[-1]`, `mapper` of `mapper.series`).
    func pathHead(_ s: String) -> String {
        // A bare name (no `.` or `[` byte) is its own head.
        guard s.utf8.contains(where: { $0 == 0x2E || $0 == 0x5B }) else { return s }
        return String(s.prefix { $0 != "." && $0 != "[" })
    }
}
