import PipelineIR
import Testing
@testable import Executor

/// `ObjectValue.project`: the values a projection yields, with numpy and pandas semantics.
@Suite struct ProjectionValueTests {
    let matrix = ObjectValue.ndarray(shape: [3, 4], data: .i64((0..<12).map { Int64($0) }))
    let series = ObjectValue.series(values: .f64([10, 11, 12, 13, 14]), index: nil, name: nil)

    func ints(_ v: ObjectValue?) -> [Int64]? {
        switch v {
        case .ndarray(_, .i64(let a))?: a
        case .literal(.int(let i))?: [i]
        default: nil
        }
    }

    @Test func ndarraysFollowBasicIndexing() {
        #expect(ints(matrix.project([.subscript([.slice(start: nil, stop: nil, step: nil), .index(0)])])) == [0, 4, 8])
        #expect(ints(matrix.project([.subscript([.index(-1)])])) == [8, 9, 10, 11])
        #expect(ints(matrix.project([.subscript([.index(-1), .index(-1)])])) == [11])
        #expect(ints(matrix.project([.subscript([.slice(start: nil, stop: nil, step: -2), .slice(start: 1, stop: nil, step: 2)])])) == [9, 11, 1, 3])
        if case .ndarray(let shape, _)? = matrix.project([.subscript([.slice(start: 1, stop: nil, step: nil)])]) {
            #expect(shape == [2, 4])
        } else {
            Issue.record("a slice of rows is an ndarray")
        }
        #expect(matrix.project([.subscript([.index(3)])]) == nil)
        #expect(matrix.project([.iloc([.index(0)])]) == nil)
    }

    @Test func seriesReadLabelsWithBracketsAndPositionsWithIloc() {
        guard case .literal(.float(let last))? = series.project([.iloc([.index(-1)])]),
              case .literal(.float(let first))? = series.project([.subscript([.index(0)])]) else {
            Issue.record("elements of a Series are numbers")
            return
        }
        #expect(last == 14 && first == 10)
        // `[-1]` is a label, and the RangeIndex has none.
        #expect(series.project([.subscript([.index(-1)])]) == nil)
        guard case .series(.f64(let values), let index, _)? = series.project([.iloc([.slice(start: 1, stop: nil, step: 2)])]) else {
            Issue.record("a slice of a Series is a Series")
            return
        }
        #expect(values == [11, 13])
        #expect(index == [1, 3])
        // Labels of an explicit index are looked up, not counted.
        let labelled = ObjectValue.series(values: .i64([7, 8]), index: [5, 9], name: nil)
        #expect(ints(labelled.project([.subscript([.index(9)])])) == [8])
        #expect(labelled.project([.subscript([.index(1)])]) == nil)
    }
}
