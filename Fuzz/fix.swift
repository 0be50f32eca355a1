// libFuzzer entry: the fix engine (every rule, unsafe fixes on) on arbitrary
// bytes, checking the properties `pipelint fix` promises:
// - a fixed file parses and is a valid pipeline;
// - fixing is idempotent (a second run changes nothing);
// - bytes outside the edits are unchanged (the edits are re-applied here by
//   an independent splice and must give exactly the engine's output);
// - a file that is not fixed, or fails, comes back byte for byte.
// Built and run by scripts/fuzz.sh.
import Lint
import PipelineIR
import PipelineYAML
import Rules

private let linter = Linter(rules: makeAllRules())
private let byDefault = FixEngine(linter: linter, options: FixOptions(unsafeFixes: true))
private let preferScatter = FixEngine(linter: linter, options: FixOptions(unsafeFixes: true, preferredPlacement: .scatter))

/// Splices non-overlapping edits into `bytes`, copying everything else verbatim; nil when they overlap.
private func splice(_ edits: [Edit], into bytes: [UInt8]) -> [UInt8]? {
    var unique: [Edit] = []
    for e in edits where !unique.contains(e) { unique.append(e) }
    let sorted = unique.sorted { ($0.range.start, $0.range.end) < ($1.range.start, $1.range.end) }
    var out: [UInt8] = []
    var cursor = 0
    for e in sorted {
        guard e.range.start >= cursor, e.range.end <= bytes.count else { return nil }
        out += bytes[cursor..<e.range.start]
        out += Array(e.replacement.utf8)
        cursor = e.range.end
    }
    out += bytes[cursor...]
    return out
}

private func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFix(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let source = SourceFile(path: "fuzz.yaml", bytes: bytes)
    // Odd lengths prefer scatter, so both fix alternatives are exercised.
    let engine = size % 2 == 1 ? preferScatter : byDefault
    let outcome = engine.fix(source)
    guard outcome.failure == nil else {
        require(outcome.fixed == bytes, "a failed fix changed the text")
        return 0
    }
    guard outcome.changed else { return 0 }
    require(!linter.lint(source).findings.contains { $0.severity == .error && ($0.code == .invalidYAML || $0.code == .invalidPipeline) },
                 "an invalid file was changed")

    // Bytes outside the edits are unchanged: replaying the rounds by an independent splice gives the same text.
    var replay = bytes
    for round in outcome.editsByRound {
        let next = splice(round, into: replay)
        require(next != nil, "overlapping edits in one round: \(round)")
        replay = next ?? replay
    }
    require(replay == outcome.fixed, "the fixed text is not the original with its edits:\n\(text(outcome.fixed))")

    // The result parses and is still a valid pipeline.
    let after = linter.lint(SourceFile(path: "fuzz.yaml", bytes: outcome.fixed))
    if let broken = after.findings.first(where: { $0.severity == .error && ($0.code == .invalidYAML || $0.code == .invalidPipeline) }) {
        require(false, "the fix broke the file: \(broken.message)\n--- original\n\(text(bytes))\n--- fixed\n\(text(outcome.fixed))")
    }

    // Idempotent.
    let again = engine.fix(SourceFile(path: "fuzz.yaml", bytes: outcome.fixed))
    require(again.failure == nil && !again.changed,
                 "fixing is not idempotent\n--- original\n\(text(bytes))\n--- fixed\n\(text(outcome.fixed))\n--- again\n\(text(again.fixed)) \(String(describing: again.failure))")
    return 0
}
