import Lint
import PipelineIR

/// PL013: a suppression that suppresses nothing. (Found by the linter, which sees every suppression.)
public struct UnusedSuppressionRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: CheckCode.unusedSuppression.id,
        name: CheckCode.unusedSuppression.name,
        summary: "A suppression suppresses nothing",
        defaultSeverity: .warning,
        whatItDoes: "Finds rule IDs in `lint: {ignore: [...]}` or `# pipelint: ignore[...]` that suppress no finding.",
        whyBad: "A stale suppression hides the next real finding at that place and misleads readers about the code.",
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            arrays:
              x: {shape: [100], chunks: [10]}   # pipeline: ok
            steps:
              total: {reduce: sum, over: x}   # pipelint: ignore[↓PL005] tiny on purpose
            """,
        ],
        nonTriggeringExamples: [
            """
            pipeline: example
            version: 1
            arrays:
              x: {shape: [10000000], chunks: [1000]}  # pipelint: ignore[PL005] a benchmark of scheduling overhead
            steps:
              total: {reduce: sum, over: x}
            """,
        ],
        fixSafety: "No automatic fix."
    )

    public func check(_ ctx: RuleContext) -> [Finding] { [] }
}
