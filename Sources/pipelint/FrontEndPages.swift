import Lint
import PipelineIR
import Rules

/// `pipelint explain PL900` and `PL901`: the front end's own checks are not rules, but they
/// appear in every output format, so they have pages too (the shape of a rule's page, with
/// the tool's real output on the example).
enum FrontEndPages {
    struct Page {
        var code: CheckCode
        var summary: String
        var whatItDoes: String
        var why: String
        var example: String
        var instead: String
    }

    static let pages: [Page] = [
        Page(code: .invalidYAML,
             summary: "The file cannot be read as YAML",
             whatItDoes: "Reports what stops the file from being read: a syntax error, an encoding other than UTF-8 (UTF-16, invalid bytes, NUL), a custom tag, a duplicate key, several documents, or a limit of `limits:` in `.pipelint.yml` (file size, alias expansion, nesting depth, scalar length).",
             why: "Nothing in the file can be checked, run or exported until it parses; CI shows the error where it shows the other findings.",
             example: "pipeline: broken\nversion: 1\nsteps: {a: [1, 2}\n",
             instead: "pipeline: fixed\nversion: 1\nsteps: {a: [1, 2]}\n"),
        Page(code: .invalidPipeline,
             summary: "The YAML is not a valid pipeline",
             whatItDoes: "Reports every problem of the pipeline format at once: unknown keys (with a suggestion), values of the wrong type, missing keys, references to undefined objects, functions, arrays or steps, cycles, argument counts, field paths, kernel parameter kinds and shapes that do not broadcast (docs/pipeline-format.md).",
             why: "An invalid pipeline is not analysed: the rules, `estimate`, `run` and `export` need the whole graph.",
             example: "pipeline: example\nversion: 1\narrays:\n  x: {shape: [100], chunks: [10], dtype: int64, source: range}\nsteps:\n  y: {map_blocks: f, over: [x]}\noutputs: {y: compute}\n",
             instead: "pipeline: example\nversion: 1\nfunctions:\n  f: {params: [block], kernel: sqrt}\narrays:\n  x: {shape: [100], chunks: [10], dtype: int64, source: range}\nsteps:\n  y: {map_blocks: f, over: [x]}\noutputs: {y: compute}\n"),
    ]

    /// The page for `id` (`PL900`) or name (`invalid-yaml`), or nil.
    static func page(_ idOrName: String) -> String? {
        guard let p = pages.first(where: { $0.code.id == idOrName.uppercased() || $0.code.name == idOrName }) else { return nil }
        let source = SourceFile(path: "example.yaml", text: p.example)
        let output = Linter(rules: makeAllRules()).lint(source).findings.map { TextReporter().render($0, in: source) }.joined()
        return """
            # \(p.code.id) \(p.code.name)

            \(p.summary). Severity: **error**; a check of the front end, not a rule: it cannot be turned off or suppressed.

            ## What it does

            \(p.whatItDoes)

            ## Why is this bad?

            \(p.why)

            ## Example

            ```yaml
            \(p.example)```

            `pipelint check example.yaml` says:

            ```text
            \(output)```

            ## Use instead

            ```yaml
            \(p.instead)```

            ## Fix safety

            No automatic fix: the file says something pipelint cannot guess.

            """
    }
}
