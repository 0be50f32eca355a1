/// A decision to change how one object reaches the tasks that use it.
///
/// It is the meaning of a placement fix: the text edit that adds
/// `placement: delayed` to `mapper` and the optimizer's `PlacementRewrite`
/// given `PlacementDecision(object: "mapper", placement: .delayed)` must lead
/// to the same graph (a test checks it on every sample).
public struct PlacementDecision: Sendable, Hashable, CustomStringConvertible {
    /// The object's name under `objects:`.
    public var object: String
    /// The placement it gets.
    public var placement: Placement

    public init(object: String, placement: Placement) {
        self.object = object
        self.placement = placement
    }

    public var description: String { "\(object) → \(placement.rawValue)" }
}
