/// Resource limits for reading untrusted YAML. Every limit is reported as a
/// located error, never a crash or a hang.
public struct ParseLimits: Sendable, Hashable {
    /// Largest file accepted, in bytes (default 64 MiB).
    public var maxFileBytes: Int
    /// Nodes that alias expansion may add across the file (default 100,000): the
    /// billion-laughs file fails at the first alias that crosses it, while ordinary
    /// `*ref` reuse stays far below.
    public var aliasExpansionBudget: Int
    /// Deepest nesting of collections (default 64; values over `maxDepthCeiling` act as the ceiling).
    public var maxDepth: Int
    /// Longest scalar, in bytes (default 16 MiB).
    public var maxScalarBytes: Int
    /// Most YAML nodes in a file: scalars, collections and aliases (default 1,000,000). A
    /// pipeline holds a few hundred; a 10-million-entry `partitions:` or `chunks:` list
    /// (30 MB, 16 s to parse and analyse) stops at the first node past it.
    public var maxNodes: Int

    public init(
        maxFileBytes: Int = 64 << 20,
        aliasExpansionBudget: Int = 100_000,
        maxDepth: Int = 64,
        maxScalarBytes: Int = 16 << 20,
        maxNodes: Int = 1_000_000
    ) {
        self.maxFileBytes = maxFileBytes
        self.aliasExpansionBudget = aliasExpansionBudget
        self.maxDepth = maxDepth
        self.maxScalarBytes = maxScalarBytes
        self.maxNodes = maxNodes
    }

    /// The highest nesting limit honoured: lowering and sizing recurse once per
    /// level, and a 20,000-deep literal exhausts a thread's stack.
    public static let maxDepthCeiling = 1000
    /// The largest `max-file-bytes` a configuration may ask for: the syntax tree keeps offsets
    /// and payload positions in 32 bits.
    public static let maxFileBytesCeiling = Int(Int32.max)

    /// The documented defaults.
    public static let `default` = ParseLimits()
}
