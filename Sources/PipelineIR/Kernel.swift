/// What a kernel parameter accepts.
public enum ParamKind: String, Sendable, Hashable {
    /// A chunk of an array (one block of an `over` input).
    case block
    /// A Series or a 1-D ndarray.
    case table
    /// Any ndarray.
    case array
    /// A number.
    case scalar
    /// A block or a number.
    case blockOrScalar = "block or scalar"
    /// A DataFrame partition (format 1.2: the `over` input of a `map_partitions` step).
    case partition
    /// What `Series.map` looks values up in: a `dict` or a Series (format 1.2).
    case lookupTable = "lookup table"

    /// Whether a value of `kind` can be passed here.
    public func accepts(_ kind: ValueKind) -> Bool {
        switch (self, kind) {
        case (.block, .block), (.scalar, .scalar), (.blockOrScalar, .block), (.blockOrScalar, .scalar): true
        // (1.1) A whole ndarray, broadcast against each block as numpy does.
        case (.blockOrScalar, .ndarray1D), (.blockOrScalar, .ndarray): true
        case (.table, .series), (.table, .ndarray1D): true
        case (.array, .ndarray1D), (.array, .ndarray): true
        case (.partition, .block), (.lookupTable, .dict), (.lookupTable, .series): true
        case (_, .unknown): true
        default: false
        }
    }
}

/// The kind of value a binding delivers to a kernel parameter.
public enum ValueKind: String, Sendable, Hashable {
    case block, scalar, series
    case ndarray1D = "1-D ndarray"
    case ndarray
    /// A `dict` (format 1.2: `dict:` of strings).
    case dict
    /// A pandas DataFrame (format 1.2).
    case dataframe = "DataFrame"
    case other = "object"
    /// Opaque Python: anything may be accepted.
    case unknown
}

/// The built-in kernels: what `pipelint run` executes and `export` writes as numpy.
public enum Kernel: String, Sendable, CaseIterable {
    case identity, take, add, sub, mul, div, scale, clip, `where`, abs, sqrt, searchsorted, dot
    /// Frame kernels (format 1.2), mapped over partitions: `part.assign(into=part[column].map(table))`
    /// and `part.assign(into=part[columns].to_numpy("float64") @ weights)`.
    case mapColumn = "map_column", scoreRows = "score_rows"

    /// Whether it takes a DataFrame partition (a `map_partitions` step) rather than an array block.
    public var isFrameKernel: Bool { self == .mapColumn || self == .scoreRows }

    /// Parameters in order, with the kind each accepts.
    public var params: [(name: String, kind: ParamKind)] {
        switch self {
        case .identity, .abs, .sqrt: Self.unaryParams
        case .take: Self.takeParams
        case .add, .sub, .mul, .div: Self.binaryParams
        case .scale: Self.scaleParams
        case .clip: Self.clipParams
        case .where: Self.whereParams
        case .searchsorted: Self.searchsortedParams
        case .dot: Self.dotParams
        case .mapColumn: Self.mapColumnParams
        case .scoreRows: Self.scoreRowsParams
        }
    }

    // Built once: `params` is read for every function and every call site.
    private static let unaryParams: [(name: String, kind: ParamKind)] = [("x", .block)]
    private static let takeParams: [(name: String, kind: ParamKind)] = [("x", .block), ("table", .table)]
    private static let binaryParams: [(name: String, kind: ParamKind)] = [("x", .block), ("y", .blockOrScalar)]
    private static let scaleParams: [(name: String, kind: ParamKind)] = [("x", .block), ("factor", .scalar)]
    private static let clipParams: [(name: String, kind: ParamKind)] = [("x", .block), ("low", .scalar), ("high", .scalar)]
    private static let whereParams: [(name: String, kind: ParamKind)] = [("cond", .block), ("x", .blockOrScalar), ("y", .blockOrScalar)]
    private static let searchsortedParams: [(name: String, kind: ParamKind)] = [("x", .block), ("edges", .table)]
    private static let dotParams: [(name: String, kind: ParamKind)] = [("x", .block), ("weights", .array)]
    private static let mapColumnParams: [(name: String, kind: ParamKind)] = [("part", .partition), ("table", .lookupTable)]
    private static let scoreRowsParams: [(name: String, kind: ParamKind)] = [("part", .partition), ("weights", .array)]
}
