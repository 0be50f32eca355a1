import PipelineIR

extension ObjectValue {
    /// One subscript: a Series by label (`[i]`, labels as its index says) or by position
    /// (`.iloc[...]`, and every slice); an ndarray by numpy basic indexing (an index or a
    /// slice per axis, remaining axes whole); a list by Python's rules. Elements are numbers
    /// (a numpy scalar in Python), slices keep the kind.
    func subscripted(_ axes: [FieldPath.Subscript], positional: Bool) -> ObjectValue? {
        switch self {
        case .series(let values, let index, let name):
            guard axes.count == 1 else { return nil }
            let n = values.count
            if case .index(let i) = axes[0] {
                let p: Int?
                if positional {
                    p = axes[0].position(length: n)
                } else if let index {
                    p = index.firstIndex(of: Int64(i))
                } else {
                    p = i >= 0 && i < n ? i : nil
                }
                return p.map { Self.element(values, at: $0) }
            }
            guard let sel = axes[0].sliceSelection(length: n) else { return nil }
            let picks = (0..<sel.count).map { sel.start + $0 * sel.step }
            let labels = picks.map { p in index.map { $0[p] } ?? Int64(p) }
            // A RangeIndex stays implicit only when the labels are still 0…m-1.
            let implicit = labels.enumerated().allSatisfy { Int64($0.offset) == $0.element }
            return .series(values: Self.gather(values, picks), index: implicit ? nil : labels, name: name)
        case .ndarray(let shape, let data):
            return Self.subscriptArray(shape: shape, data: data, axes)
        case .literal(.list(let xs)):
            guard axes.count == 1 else { return nil }
            if let p = axes[0].position(length: xs.count) { return .literal(xs[p]) }
            guard let sel = axes[0].sliceSelection(length: xs.count) else { return nil }
            return .literal(.list((0..<sel.count).map { xs[sel.start + $0 * sel.step] }))
        default:
            return nil
        }
    }

    /// A numpy scalar: a number, or a 0-d ndarray for a complex or nanosecond element
    /// (it reaches a kernel as an array that broadcasts like a number).
    static func element(_ c: Column, at i: Int) -> ObjectValue {
        switch c {
        case .f64(let a): .literal(.float(a[i]))
        case .i64(let a): .literal(.int(a[i]))
        default: .ndarray(shape: [], data: c.gather([i]))
        }
    }

    static func gather(_ c: Column, _ picks: [Int]) -> Column { c.gather(picks) }

    /// numpy basic indexing of a row-major array: the selected positions per axis, then
    /// every combination in row-major order.
    static func subscriptArray(shape: [Int], data: Column, _ axes: [FieldPath.Subscript]) -> ObjectValue? {
        guard axes.count <= shape.count else { return nil }
        var picks: [[Int]] = []
        var outShape: [Int] = []
        for (d, n) in shape.enumerated() {
            guard d < axes.count else {
                picks.append(Array(0..<n))
                outShape.append(n)
                continue
            }
            if let p = axes[d].position(length: n) {
                picks.append([p])
            } else if let sel = axes[d].sliceSelection(length: n) {
                picks.append((0..<sel.count).map { sel.start + $0 * sel.step })
                outShape.append(sel.count)
            } else {
                return nil
            }
        }
        var strides = [Int](repeating: 1, count: shape.count)
        for d in shape.indices.dropLast().reversed() { strides[d] = strides[d + 1] * shape[d + 1] }
        var flat: [Int] = [0]
        for d in shape.indices {
            flat = flat.flatMap { base in picks[d].map { base + $0 * strides[d] } }
        }
        let values = gather(data, flat)
        if outShape.isEmpty, flat.count == 1 { return element(values, at: 0) }
        return .ndarray(shape: outShape, data: values)
    }
}
