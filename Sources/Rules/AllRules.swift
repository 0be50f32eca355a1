import Lint

/// Every rule, in ID order. Adding a rule means adding it here.
public let allRules: [any Rule.Type] = [
    EmbeddedObjectRule.self,
    LargeGraphRule.self,
    WorkerMemoryRule.self,
]

/// A fresh instance of every rule.
public func makeAllRules() -> [any Rule] { allRules.map { $0.init() } }
