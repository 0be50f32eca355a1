import Analysis

/// Kept here so code that imports only `Lint` still finds it; it lives in `Analysis`.
public typealias ObjectValues = Analysis.ObjectValues
