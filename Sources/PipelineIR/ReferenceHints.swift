/// Where the front end found the names each step references, so that the graph builder looks none
/// of them up by name: the lowering resolves every name once, and the builder reads the position.
///
/// Hints only. A pipeline is public and can be built or changed by anyone (a test, a pass, a fix),
/// so the builder uses a hint only when the pipeline's names are unique (`Pipeline.hasUniqueNames`)
/// and the entry at the hinted position has the referenced name; otherwise it looks the name up. A
/// missing, stale or wrong hint costs a lookup, never a different graph.
public struct ReferenceHints: Sendable {
    /// The table a data reference points into.
    public enum Table: Int32, Sendable {
        case array = 1, step, frame
    }

    /// One value per reference, grouped by step: step `i`'s are `values[start[i]..<start[i + 1]]`.
    public struct PerStep: Sendable {
        public private(set) var values: [Int32] = []
        public private(set) var start: [Int32] = []
        public init() {}
        public init(values: [Int32], start: [Int32]) {
            self.values = values
            self.start = start
        }

        /// Step `step`'s values, or an empty range when there are none for it (or none at all, or
        /// the hints were made for a pipeline with another number of steps: `stepCount`).
        public func range(ofStep step: Int, stepCount: Int) -> Range<Int> {
            guard start.count == stepCount + 1, step >= 0, step < stepCount else { return 0..<0 }
            let lower = Int(start[step]), upper = Int(start[step + 1])
            return lower <= upper && upper <= values.count ? lower..<upper : 0..<0
        }
    }

    /// For each step, where each of its `Step.inputs` is declared, in order: `packed(_:_:)`, or -1.
    public var inputs = PerStep()
    /// For each step, its callee's position (a function's in `functions`, a method's or callable
    /// instance's object in `objects`), then the position in `objects` of each object argument,
    /// `args` then `kwargs` in the written order; -1 where the name was not found.
    public var calls = PerStep()
    /// For each output, where its target is declared, as `inputs` (used only when there is one per output).
    public var outputs: [Int32] = []

    public init() {}
    public init(inputs: PerStep, calls: PerStep, outputs: [Int32]) {
        self.inputs = inputs
        self.calls = calls
        self.outputs = outputs
    }

    /// An input's table and position in one value (the table in the top bits); -1 when the
    /// position does not fit.
    public static func packed(_ table: Table, _ position: Int32) -> Int32 {
        position >= 0 && position < 1 << 28 ? table.rawValue << 28 | position : -1
    }

    /// The table and position of a packed input hint, nil for -1 or a value no table has.
    public static func unpacked(_ value: Int32) -> (table: Table, position: Int)? {
        guard value >= 0, let table = Table(rawValue: value >> 28) else { return nil }
        return (table, Int(value & (1 << 28 - 1)))
    }
}
