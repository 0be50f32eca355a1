/// An immutable value kept out of line: a value type holds the reference (8 bytes) instead of
/// the value, so rare or large payloads do not widen every instance. Never mutated, so sharing
/// one box between copies keeps value semantics.
final class Box<Value: Sendable>: Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Fields that few instances set, grouped so that they can be kept out of line.
protocol RarelySet: Sendable {
    init()
    /// Whether every field has its default (then nothing is stored).
    var isEmpty: Bool { get }
}

/// Rarely set fields kept out of line: nothing while they are all empty, else one shared,
/// immutable box that a change replaces (copies made before the change keep the old one).
struct OutOfLine<Fields: RarelySet>: Sendable {
    private var box: Box<Fields>?

    init() {}
    init(_ fields: Fields) { box = fields.isEmpty ? nil : Box(fields) }

    /// The fields, nil while all are empty.
    var value: Fields? { box?.value }

    mutating func update(_ change: (inout Fields) -> Void) {
        var fields = box?.value ?? Fields()
        change(&fields)
        box = fields.isEmpty ? nil : Box(fields)
    }
}
