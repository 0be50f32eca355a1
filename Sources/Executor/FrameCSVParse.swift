import Foundation
import PipelineIR

/// pandas' C tokenizer (pandas 3.1, `sep=","`, default quoting) over the bytes of one block: a `"`
/// at a field's start opens a quoted field (`""` inside is a quote, text after the closing quote is
/// kept), a `"` elsewhere is text; `\n`, `\r` and `\r\n` end a record; empty lines and lines of
/// spaces and tabs only are skipped; a UTF-8 byte-order mark at the very start is dropped.
struct CSVTokenizer {
    /// The current record's field texts, one after another, and where each ends.
    var text: [UInt8] = []
    var ends: [Int] = []
    /// 0 field start, 1 unquoted field, 2 quoted, 3 a quote inside a quoted field.
    var state = 0
    var quotedSeen = false
    var line = 1
    var recordLine = 1

    /// Calls `record` with each record's fields (texts and ends) and the line it starts on.
    mutating func parse(_ bytes: ArraySlice<UInt8>, record: (CSVTokenizer) throws(CSVBlockLayout.Problem) -> Void) throws(CSVBlockLayout.Problem) -> Bool {
        var start = bytes.startIndex
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { start += 3 }
        for i in start..<bytes.endIndex {
            let b = bytes[i]
            switch state {
            case 2:
                if b == 34 { state = 3 } else { text.append(b) }
                if b == 10 { line += 1 }
                continue
            case 3:
                if b == 34 {
                    text.append(b)
                    state = 2
                    continue
                }
                state = 1
            default: break
            }
            if b == 44 {
                ends.append(text.count)
                state = 0
            } else if b == 10 || b == 13 {
                try endRecord(record)
                if b == 10 { line += 1 }
                recordLine = line
            } else if b == 34 && state == 0 {
                state = 2
                quotedSeen = true
            } else {
                text.append(b)
                state = 1
            }
        }
        if state == 2 { return false }
        try endRecord(record)
        return true
    }

    mutating func endRecord(_ record: (CSVTokenizer) throws(CSVBlockLayout.Problem) -> Void) throws(CSVBlockLayout.Problem) {
        defer {
            text.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            state = 0
            quotedSeen = false
        }
        let blank = ends.isEmpty && !quotedSeen && text.allSatisfy { $0 == 32 || $0 == 9 }
        if blank { return }
        ends.append(text.count)
        try record(self)
    }

    /// Field `k` of the current record (nil past its last field).
    func field(_ k: Int) -> ArraySlice<UInt8>? {
        guard k < ends.count else { return nil }
        return text[(k == 0 ? 0 : ends[k - 1])..<ends[k]]
    }

    /// The names of a header record.
    static func headerNames(_ header: [UInt8]) -> [String] {
        var t = CSVTokenizer()
        var names: [String] = []
        _ = try? t.parse(header[...]) { r throws(CSVBlockLayout.Problem) in
            if names.isEmpty { names = (0..<r.ends.count).map { String(decoding: r.field($0)!, as: UTF8.self) } }
        }
        return names
    }
}

/// One block parsed into the declared columns, as `pandas.read_csv(block, usecols=…, dtype=…)`.
struct CSVBlockParser {
    let layout: CSVBlockLayout
    let block: Int

    func parse(_ bytes: [UInt8]) throws(CSVBlockLayout.Problem) -> FramePart {
        let rstripped = Array(layout.header.reversed().drop { [32, 9, 10, 13, 11, 12].contains($0) }.reversed())
        // Dask prepends the header unless the block already starts with its text (pandas then takes
        // the block's first line as the header).
        var headerNames: [String]? = block == 0 || bytes.starts(with: rstripped) ? nil : layout.names
        var fields: [(field: Int, column: FrameColumn)] = []
        var columns = layout.columns.map { ColumnBuilder(column: $0.column) }
        var rows = 0
        var t = CSVTokenizer()
        t.line = layout.firstLines[block]
        t.recordLine = t.line
        if headerNames != nil { fields = layout.columns }
        let closed = try t.parse(bytes[...]) { r throws(CSVBlockLayout.Problem) in
            if headerNames == nil {
                let names = (0..<r.ends.count).map { String(decoding: r.field($0)!, as: UTF8.self) }
                headerNames = names
                fields = try fieldIndices(names, line: r.recordLine)
                columns = fields.map { ColumnBuilder(column: $0.column) }
                return
            }
            for (k, f) in fields.enumerated() { columns[k].append(r.field(f.field), line: r.recordLine, display: layout.display) }
            rows += 1
        }
        guard closed else {
            throw CSVBlockLayout.Problem(message: "`\(layout.display)` line \(t.recordLine): a quoted field is not closed before the end of the block (pandas: \"EOF inside string\")")
        }
        var out: [FrameColumnData] = []
        for k in columns.indices { out.append(try columns[k].finish(display: layout.display)) }
        return FramePart(start: 0, rows: rows, names: fields.map(\.column.name), columns: out)
    }

    /// The declared columns' positions in a block's own header line, in its order.
    func fieldIndices(_ names: [String], line: Int) throws(CSVBlockLayout.Problem) -> [(field: Int, column: FrameColumn)] {
        var out: [(field: Int, column: FrameColumn)] = []
        for (_, c) in layout.columns {
            guard let i = names.firstIndex(of: c.name) else {
                throw CSVBlockLayout.Problem(message: "`\(layout.display)` line \(line) starts a block with the header's text but has no column `\(c.name)` (pandas: \"Usecols do not match columns\")")
            }
            out.append((i, c))
        }
        return out.sorted { $0.field < $1.field }
    }
}

/// pandas' default missing-value strings (`pandas._libs.parsers.STR_NA_VALUES`).
let pandasNAValues: Set<[UInt8]> = Set(["", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                                        "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"].map { Array($0.utf8) })

/// One column's values collected as text, then converted as pandas converts a block's column.
struct ColumnBuilder {
    let column: FrameColumn
    var strings = FrameStrings()
    var codes: [Int32] = []
    /// Numeric and bool columns: each value's line (their texts are in `strings`), converted at the end.
    var lines: [Int32] = []

    init(column: FrameColumn) { self.column = column }

    mutating func append(_ f: ArraySlice<UInt8>?, line: Int, display: String) {
        let value = f.flatMap { Self.isMissing($0) ? nil : $0 }
        switch column.type {
        case .string: strings.append(value)
        case .category(let k): codes.append(value.flatMap { Self.categoryCode($0, count: k) } ?? -1)
        case .numeric:
            strings.append(value)
            lines.append(Int32(clamping: line))
        }
    }

    /// Whether a field is one of pandas' missing-value strings (none is longer than 8 bytes, each
    /// starts with one of `#-1<NnN`).
    static func isMissing(_ f: ArraySlice<UInt8>) -> Bool {
        guard let b = f.first else { return true }
        guard f.count <= 8, b == 35 || b == 45 || b == 49 || b == 60 || b == 78 || b == 110 else { return false }
        return pandasNAValues.contains(Array(f))
    }

    /// `c0 … c{k-1}` → its code; any other text is not a category (NaN).
    static func categoryCode(_ v: ArraySlice<UInt8>, count k: Int) -> Int32? {
        guard v.count >= 2, v.first == UInt8(ascii: "c"), v.count <= 11 else { return nil }
        let digits = v.dropFirst()
        guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }), digits.count == 1 || digits.first != 48 else { return nil }
        let n = digits.reduce(0) { $0 * 10 + Int($1 - 48) }
        return n < k ? Int32(n) : nil
    }

    func finish(display: String) throws(CSVBlockLayout.Problem) -> FrameColumnData {
        switch column.type {
        case .string: return .string(strings)
        case .category(let k): return .category(codes: codes, count: k)
        case .numeric(let t):
            do { return try CSVValues.convert(strings, t) } catch {
                let line = error.row.map { Int(lines[$0]) } ?? 0
                throw CSVBlockLayout.Problem(message: "`\(display)` line \(line), column `\(column.name)`: \(error.message)")
            }
        }
    }
}
