import PipelineIR

/// The text of an object path: a name, then attributes (`.series`), subscripts (`[0]`,
/// `[-1]`, `[1:10:2]`, `[:, 0]`) and positional subscripts (`.iloc[0]`), in any order
/// (docs/pipeline-format.md, "Projections"). Parsing is purely textual; what a segment
/// means on the value it reaches is checked against the recipe.
struct PathSyntax {
    /// A path that does not parse, with the byte offset in the text where it goes wrong.
    struct Failure: Error, Equatable {
        var message: String
        var help: String?
        var offset: Int
        var length: Int
    }

    /// The leading name (an object or parameter) and the projection after it.
    var head: String
    var path: FieldPath

    /// Parses `text`; identifiers are checked by `isIdentifier`.
    static func parse(_ text: String, isIdentifier: (String) -> Bool) -> Result<PathSyntax, Failure> {
        var malformed: Failure {
            Failure(message: "field path `\(text)` is malformed", help: "write fields separated by dots, e.g. `mapper.series`",
                    offset: 0, length: text.utf8.count)
        }
        // Most paths are a bare name: no segments, no copy of the bytes.
        if !text.utf8.contains(where: { $0 == 0x2E || $0 == 0x5B }) {
            return isIdentifier(text) ? .success(PathSyntax(head: text, path: FieldPath([]))) : .failure(malformed)
        }
        let bytes = Array(text.utf8)
        var i = 0
        func name() -> String {
            let start = i
            while i < bytes.count, bytes[i] != 0x2E, bytes[i] != 0x5B { i += 1 }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }
        let head = name()
        guard isIdentifier(head) else { return .failure(malformed) }
        var segments: [FieldPath.Segment] = []
        while i < bytes.count {
            if bytes[i] == 0x2E {
                i += 1
                let f = name()
                guard isIdentifier(f) else { return .failure(malformed) }
                if f == "iloc", i < bytes.count, bytes[i] == 0x5B {
                    switch subscriptAxes(bytes, &i, text: text) {
                    case .success(let axes): segments.append(.iloc(axes))
                    case .failure(let e): return .failure(e)
                    }
                } else {
                    segments.append(.field(f))
                }
            } else {
                // After a name or a subscript only `.` or `[` may follow (`e[0]]`, `e[0]x` are malformed).
                guard bytes[i] == 0x5B else { return .failure(malformed) }
                switch subscriptAxes(bytes, &i, text: text) {
                case .success(let axes): segments.append(.subscript(axes))
                case .failure(let e): return .failure(e)
                }
            }
        }
        return .success(PathSyntax(head: head, path: FieldPath(segments)))
    }

    /// `[axis, axis, …]` starting at the `[` at `i`; leaves `i` after the `]`.
    static func subscriptAxes(_ bytes: [UInt8], _ i: inout Int, text: String) -> Result<[FieldPath.Subscript], Failure> {
        let open = i
        guard let close = bytes[open...].firstIndex(of: 0x5D), close > open else {
            return .failure(Failure(message: "`[` in `\(text)` is never closed", help: "write a subscript as `[0]`, `[1:10:2]` or `[:, 0]`",
                                    offset: open, length: bytes.count - open))
        }
        var axes: [FieldPath.Subscript] = []
        var start = open + 1
        for end in (open + 1)...close where end == close || bytes[end] == 0x2C {
            switch axis(bytes, start..<end, text: text) {
            case .success(let a): axes.append(a)
            case .failure(let e): return .failure(e)
            }
            start = end + 1
        }
        i = close + 1
        return .success(axes)
    }

    /// One axis: an integer, or `start:stop` / `start:stop:step` with each part optional.
    static func axis(_ bytes: [UInt8], _ r: Range<Int>, text: String) -> Result<FieldPath.Subscript, Failure> {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi, bytes[lo] == 0x20 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 0x20 { hi -= 1 }
        let written = String(decoding: bytes[lo..<hi], as: UTF8.self)
        func bad(_ what: String) -> Failure {
            Failure(message: "`\(text)`: \(what)", help: "an axis is an integer (`0`, `-1`) or a slice (`1:10:2`, `:`)",
                    offset: lo, length: max(1, hi - lo))
        }
        guard lo < hi else { return .failure(bad("a subscript axis is empty")) }
        let parts = written.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 3 else { return .failure(bad("`\(written)` has more than two `:`")) }
        var numbers: [Int?] = []
        for p in parts {
            let t = p.trimmingSpaces
            if t.isEmpty { numbers.append(nil); continue }
            guard let n = Int(t) else {
                return .failure(bad(t.utf8.allSatisfy { $0 == 0x2D || ($0 >= 0x30 && $0 <= 0x39) }
                                    ? "index `\(t)` is out of range for a 64-bit integer" : "`\(t)` is not an integer"))
            }
            numbers.append(n)
        }
        if parts.count == 1, let n = numbers[0] { return .success(.index(n)) }
        if parts.count == 3, numbers[2] == 0 { return .failure(bad("a slice step cannot be zero")) }
        return .success(.slice(start: numbers[0], stop: numbers.count > 1 ? numbers[1] : nil, step: numbers.count > 2 ? numbers[2] : nil))
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
