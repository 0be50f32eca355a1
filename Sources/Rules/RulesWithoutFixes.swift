import Lint

// The rules whose findings never carry edits (`Rule.offersFixes`): the fix loop does not run
// them on a text it is about to fix again, only on the text whose report it gives.
// `RuleFixDeclarationTests` checks each claim on the rules' examples and the samples.

extension LargeGraphRule { public static var offersFixes: Bool { false } }
extension WorkerMemoryRule { public static var offersFixes: Bool { false } }
extension BoundMethodRule { public static var offersFixes: Bool { false } }
extension ChunksTooSmallRule { public static var offersFixes: Bool { false } }
extension ChunksTooLargeRule { public static var offersFixes: Bool { false } }
extension InlineDataRule { public static var offersFixes: Bool { false } }
extension MisalignedChunksRule { public static var offersFixes: Bool { false } }
extension DuplicateComputationRule { public static var offersFixes: Bool { false } }
extension DelayedNeedsWorkerFilesRule { public static var offersFixes: Bool { false } }
extension ScatterReplicasRule { public static var offersFixes: Bool { false } }
extension UnusedSuppressionRule { public static var offersFixes: Bool { false } }
extension SuppressionWithoutReasonRule { public static var offersFixes: Bool { false } }
extension MissingFileRule { public static var offersFixes: Bool { false } }
