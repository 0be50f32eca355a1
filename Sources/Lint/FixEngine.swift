import Analysis
import PipelineIR
import PipelineYAML

/// Which fixes `FixEngine` applies.
public struct FixOptions: Sendable, Hashable {
    /// Also apply fixes marked unsafe (`--unsafe-fixes`).
    public var unsafeFixes: Bool
    /// Pick, among a finding's fix and its alternatives, the one that sets this
    /// placement (`--prefer scatter`); nil keeps each rule's own choice.
    public var preferredPlacement: Placement?
    /// Lint → fix rounds before giving up; a fix that keeps producing new fixes does not converge.
    public var maxIterations: Int

    public init(unsafeFixes: Bool = false, preferredPlacement: Placement? = nil, maxIterations: Int = 10) {
        self.unsafeFixes = unsafeFixes
        self.preferredPlacement = preferredPlacement
        self.maxIterations = max(1, maxIterations)
    }
}

/// A fix that was applied, with the finding it fixed.
public struct AppliedFix: Sendable, Hashable {
    public var code: CheckCode
    /// The finding's position in the text of the round that applied it (line, column).
    public var position: SourceFile.Position
    public var fix: Fix
    /// 1-based round.
    public var iteration: Int
}

/// Why a file was left untouched.
public enum FixFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The fixes of these rules made the file unparsable or invalid; `problem` is the first error, located.
    case brokeTheFile(rules: [CheckCode], problem: String)
    /// Still fixes to apply after `iterations` rounds (or the text came back to an earlier state).
    case didNotConverge(rules: [CheckCode], iterations: Int)

    public var description: String {
        switch self {
        case .brokeTheFile(let rules, let problem):
            return "the fix of \(names(rules)) made the file invalid (\(problem)); the file was left unchanged"
        case .didNotConverge(let rules, let n):
            return "the fixes of \(names(rules)) did not converge after \(n) rounds; the file was left unchanged"
        }
    }

    private func names(_ rules: [CheckCode]) -> String {
        rules.map { "\($0.id) \($0.name)" }.joined(separator: ", ")
    }
}

/// What fixing one file gave.
public struct FixOutcome: Sendable {
    /// The text as read.
    public var original: SourceFile
    /// The fixed text; the original bytes when nothing applied or on failure.
    public var fixed: [UInt8]
    /// Fixes applied, in order.
    public var applied: [AppliedFix]
    /// The edits of each round, on the text of that round (for tests and `--show-fixes`).
    public var editsByRound: [[Edit]]
    /// Findings on the final text (on the original text after a failure).
    public var remaining: FileReport
    /// Set when the file was left untouched because a fix broke it or did not converge.
    public var failure: FixFailure?

    /// Whether writing `fixed` would change the file.
    public var changed: Bool { fixed != original.bytes }
}

/// ruff-style fix loop: lint, apply the applicable fixes whose edits do not
/// overlap (in order, copying untouched bytes verbatim), re-parse and re-lint,
/// and repeat until nothing is left to fix — or give up after an iteration cap.
/// A round whose result does not parse or is no longer a valid pipeline aborts
/// the whole file, naming the rules whose fixes did it. The YAML is never
/// re-emitted from a tree.
public struct FixEngine: Sendable {
    public var linter: Linter
    public var options: FixOptions

    public init(linter: Linter, options: FixOptions = FixOptions()) {
        self.linter = linter
        self.options = options
    }

    /// The fix the options choose for a finding, if it may be applied.
    public func chosenFix(_ f: Finding) -> Fix? {
        var fix = f.fix
        if let p = options.preferredPlacement,
           let alt = ([f.fix].compactMap { $0 } + f.alternativeFixes).first(where: { !$0.placements.isEmpty && $0.placements.allSatisfy { $0.placement == p } }) {
            fix = alt
        }
        guard let fix, isApplicable(fix) else { return nil }
        return fix
    }

    /// Whether a fix may be applied under the options.
    public func isApplicable(_ fix: Fix) -> Bool {
        guard !fix.edits.isEmpty else { return false }
        switch fix.applicability {
        case .safe: return true
        case .unsafe: return options.unsafeFixes
        case .displayOnly: return false
        }
    }

    /// Fixes one file.
    ///
    /// A text that is fixed again is linted only as far as the fixes need: the front end (which
    /// must accept it) and the rules that offer fixes (`Rule.offersFixes`); the other rules run
    /// on the same front end only for the text whose report is given (the last one, or the
    /// original when the file is left untouched), so each report is exactly `lint`'s.
    public func fix(_ source: SourceFile) -> FixOutcome {
        fix(source, runningOnly: { type(of: $0).offersFixes })
    }

    /// The fix loop, running only the rules `fixing` selects on the texts it fixes again. When a
    /// whole report has a fix anyway (a rule that wrongly says it offers none), the file is fixed
    /// again from the start with every rule, so the outcome is the same as with every rule.
    func fix(_ source: SourceFile, runningOnly fixing: @escaping (any Rule) -> Bool) -> FixOutcome {
        // Each round's text differs from the last by a few edits: its objects are sized once.
        let sizes = ObjectSizeMemo()
        var first = linter.begin(source, rules: fixing, sizes: sizes)
        var findings = linter.findingsSoFar(&first)
        var current = first
        var report: FileReport?
        var applied: [AppliedFix] = []
        var rounds: [[Edit]] = []
        // The texts met so far, to stop on a cycle (a handful: compared only to texts of the same length).
        var seen: [[UInt8]] = [source.bytes]
        func failed(_ failure: FixFailure) -> FixOutcome {
            FixOutcome(original: source, fixed: source.bytes, applied: [], editsByRound: [], remaining: linter.finish(first).report, failure: failure)
        }
        for round in 1...options.maxIterations {
            let candidates = findings.compactMap { f in chosenFix(f).map { (finding: f, fix: $0) } }
            if candidates.isEmpty {
                // The whole report; a fix from a rule that does not declare `offersFixes` still counts.
                let whole = linter.finish(current).report
                report = whole
                if whole.findings.contains(where: { chosenFix($0) != nil }) {
                    return fix(source, runningOnly: { _ in true })
                }
                break
            }
            let chosen = choose(candidates, in: current.source, round: round)
            guard let bytes = YAMLEdits.apply(chosen.edits, to: current.source.bytes) else {
                return failed(.brokeTheFile(rules: codes(chosen.applied), problem: "its edits overlap or fall outside the text"))
            }
            var next = linter.begin(SourceFile(path: source.path, bytes: bytes), rules: fixing, sizes: sizes)
            let nextFindings = linter.findingsSoFar(&next)
            if let broken = nextFindings.first(where: { $0.severity == .error && ($0.code == .invalidYAML || $0.code == .invalidPipeline) }) {
                let pos = next.source.position(of: broken.range.start)
                return failed(.brokeTheFile(rules: codes(chosen.applied), problem: "\(pos.line):\(pos.column): \(broken.message)"))
            }
            if seen.contains(bytes) {
                return failed(.didNotConverge(rules: codes(chosen.applied), iterations: round))
            }
            seen.append(bytes)
            applied += chosen.applied
            rounds.append(chosen.edits)
            (current, findings, report) = (next, nextFindings, nil)
        }
        let remaining = report ?? linter.finish(current).report
        let left = remaining.findings.filter { chosenFix($0) != nil }
        if !left.isEmpty {
            return failed(.didNotConverge(rules: codes(left.map(\.code)), iterations: options.maxIterations))
        }
        return FixOutcome(original: source, fixed: current.source.bytes, applied: applied, editsByRound: rounds, remaining: remaining, failure: nil)
    }

    /// The fixes of one round: in text order, each whose edits do not overlap those already
    /// taken (a fix that does waits for the next round); the same edit offered by several
    /// findings (one object used by several steps) is applied once.
    func choose(_ candidates: [(finding: Finding, fix: Fix)], in text: SourceFile, round: Int) -> (edits: [Edit], applied: [AppliedFix]) {
        let ordered = candidates.map { c in (start: c.fix.edits.map(\.range.start).min() ?? 0, c) }
            .sorted { a, b in (a.start, a.1.finding.code.id, a.1.finding.range.start) < (b.start, b.1.finding.code.id, b.1.finding.range.start) }
            .map(\.1)
        var taken = TakenEdits()
        var applied: [AppliedFix] = []
        for c in ordered {
            let new = c.fix.edits.filter { !taken.contains($0) }
            if new.contains(where: { taken.conflicts(with: $0) }) { continue }
            taken.add(new)
            applied.append(AppliedFix(code: c.finding.code, position: text.position(of: c.finding.range.start), fix: c.fix, iteration: round))
        }
        WorkCounter.count(.fixConflictProbes, taken.probes)
        return (taken.edits, applied)
    }

    func codes(_ fixes: [AppliedFix]) -> [CheckCode] { codes(fixes.map(\.code)) }

    func codes(_ all: [CheckCode]) -> [CheckCode] {
        var out: [CheckCode] = []
        for c in all where !out.contains(c) { out.append(c) }
        return out.sorted()
    }
}

/// The edits chosen in one round of the fix loop. Besides the edits in the order they
/// were taken, it keeps them sorted by start: taken edits never conflict with each
/// other, so their starts are distinct and their ranges disjoint, and an edit can only
/// conflict with its two neighbours in that order — found by binary search, where a
/// scan of every taken edit would make a round quadratic in its fixes.
struct TakenEdits {
    /// In the order taken (duplicates within one fix kept, as `YAMLEdits.apply` counts them once).
    private(set) var edits: [Edit] = []
    private var byStart: [Edit] = []
    private var known = Set<Edit>()
    /// False once one fix brought edits that conflict with each other: then the
    /// neighbour argument no longer holds, and the round falls back to scanning.
    private var disjoint = true
    /// Edit comparisons made, reported to `WorkCounter`.
    private(set) var probes = 0

    /// Whether this very edit was taken already.
    func contains(_ e: Edit) -> Bool { known.contains(e) }

    /// Whether `e` conflicts with a taken edit (`YAMLEdits.conflict`).
    mutating func conflicts(with e: Edit) -> Bool {
        guard disjoint else {
            probes += edits.count
            return edits.contains { YAMLEdits.conflict($0, e) }
        }
        let i = firstIndex(startingAtOrAfter: e.range.start)
        probes += 2
        if i < byStart.count, YAMLEdits.conflict(byStart[i], e) { return true }
        return i > 0 && YAMLEdits.conflict(byStart[i - 1], e)
    }

    /// Takes the edits of one fix (none of which conflicts with an edit taken before).
    mutating func add(_ new: [Edit]) {
        for (n, e) in new.enumerated() {
            if new[..<n].contains(where: { YAMLEdits.conflict($0, e) }) { disjoint = false }
            edits.append(e)
            if known.insert(e).inserted {
                byStart.insert(e, at: firstIndex(startingAtOrAfter: e.range.start))
            }
        }
    }

    /// The position of the first sorted edit starting at or after `offset`.
    private mutating func firstIndex(startingAtOrAfter offset: Int) -> Int {
        var lo = 0, hi = byStart.count
        while lo < hi {
            probes += 1
            let mid = (lo + hi) / 2
            if byStart[mid].range.start < offset { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
