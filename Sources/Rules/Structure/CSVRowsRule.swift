import FileAccess
import Lint
import PipelineIR

/// PL019: a `load:` frame's declared `rows` against the CSV file's data rows (format 1.2).
public struct CSVRowsRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: "PL019",
        name: "csv-rows",
        summary: "A `load:` frame declares another row count than its CSV file has",
        defaultSeverity: .info,
        whatItDoes: """
            Counts the data rows of each `load:` frame's CSV file (the records after the header; quoted fields \
            may hold line breaks; blank lines are not rows) and reports a count other than the frame's `rows:`, at \
            that value. The file is streamed, at most 256 MiB of it; a larger file, a binary one or one that is \
            not UTF-8 is reported as not counted. A missing file is PL015's.
            """,
        whyBad: """
            Sizing never reads the file: partition sizes, worker memory and every figure over the frame come from \
            the declared `rows`. A count that no longer matches the file makes them wrong without a sign.
            """,
        triggeringExamples: [],
        nonTriggeringExamples: [
            """
            pipeline: example
            version: 1.2
            frames:
              sales: {load: sales.csv, rows: 1000, partitions: 2, columns: {store: {dtype: int64}, amount: {dtype: float64}}}
            outputs:
              sales: persist
            steps: {}
            """,
        ],
        fixSafety: "No fix: the file or the declaration may be the one to change.",
        exampleFiles: ["sales.csv"]
    )

    public static var offersFixes: Bool { false }

    /// `1234567` as `1,234,567`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    public func check(_ ctx: RuleContext) -> [Finding] {
        var out: [Finding] = []
        for f in ctx.pipeline.frames {
            guard case .csv(let path, let pathRange) = f.source, let outcome = ctx.csvRows(path) else { continue }
            let at = f.rowsRange ?? f.nameRange
            switch outcome {
            case .rows(let n) where n != f.rows:
                out.append(finding("`\(path)` has \(Self.grouped(n)) data row\(n == 1 ? "" : "s"); the frame declares \(Self.grouped(f.rows))", at: at,
                                   help: "write `rows: \(n)` (sizing uses the declared rows), or fix the file", subjects: [f.name]))
            case .rows, .failure:
                break
            case .tooLarge(let limit):
                out.append(finding("`\(path)` is over \(Self.grouped(limit)) bytes: its rows are not counted", at: pathRange, subjects: [f.name]))
            case .notText(let why):
                out.append(finding("`\(path)` \(why): it is not a CSV text file, its rows are not counted", at: pathRange, subjects: [f.name]))
            }
        }
        return out
    }
}
