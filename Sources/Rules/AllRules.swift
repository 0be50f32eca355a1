import Lint

/// Every rule, in ID order. Adding a rule means adding it here.
public let allRules: [any Rule.Type] = [
    EmbeddedObjectRule.self,
    LargeGraphRule.self,
    WorkerMemoryRule.self,
    BoundMethodRule.self,
    ChunksTooSmallRule.self,
    ChunksTooLargeRule.self,
    InlineDataRule.self,
    MisalignedChunksRule.self,
    UnusedDefinitionRule.self,
    DuplicateComputationRule.self,
    DelayedNeedsWorkerFilesRule.self,
    ScatterReplicasRule.self,
    UnusedSuppressionRule.self,
    SuppressionWithoutReasonRule.self,
    MissingFileRule.self,
    ProjectionInsideTaskRule.self,
    ClientMapKeywordRule.self,
    PartitionSizeRule.self,
    CSVRowsRule.self,
]

/// A fresh instance of every rule.
public func makeAllRules() -> [any Rule] { allRules.map { $0.init() } }
