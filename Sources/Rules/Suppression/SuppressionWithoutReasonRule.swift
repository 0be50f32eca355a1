import Lint
import PipelineIR

/// PL014: a suppression that does not say why. (Found by the linter.)
public struct SuppressionWithoutReasonRule: Rule {
    public init() {}

    public static let description = RuleDescription(
        id: CheckCode.suppressionWithoutReason.id,
        name: CheckCode.suppressionWithoutReason.name,
        summary: "A suppression gives no reason",
        defaultSeverity: .warning,
        whatItDoes: "Finds suppressions without a reason: `lint:` without `reason`, or `# pipelint: ignore[...]` with nothing after the brackets.",
        whyBad: "A suppression is a decision; without its reason nobody can tell later whether it still holds.",
        triggeringExamples: [
            """
            pipeline: example
            version: 1
            arrays:
              x: {shape: [10000000], chunks: [1000]}  ↓# pipelint: ignore[PL005]
            steps:
              total: {reduce: sum, over: x}
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
