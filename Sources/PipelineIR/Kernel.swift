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

    /// Whether a value of `kind` can be passed here.
    public func accepts(_ kind: ValueKind) -> Bool {
        switch (self, kind) {
        case (.block, .block), (.scalar, .scalar), (.blockOrScalar, .block), (.blockOrScalar, .scalar): true
        case (.table, .series), (.table, .ndarray1D): true
        case (.array, .ndarray1D), (.array, .ndarray): true
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
    case other = "object"
    /// Opaque Python: anything may be accepted.
    case unknown
}

/// The built-in kernels: what `pipelint run` executes and `export` writes as numpy.
public enum Kernel: String, Sendable, CaseIterable {
    case identity, take, add, sub, mul, div, scale, clip, `where`, abs, sqrt, searchsorted, dot

    /// Parameters in order, with the kind each accepts.
    public var params: [(name: String, kind: ParamKind)] {
        switch self {
        case .identity, .abs, .sqrt: [("x", .block)]
        case .take: [("x", .block), ("table", .table)]
        case .add, .sub, .mul, .div: [("x", .block), ("y", .blockOrScalar)]
        case .scale: [("x", .block), ("factor", .scalar)]
        case .clip: [("x", .block), ("low", .scalar), ("high", .scalar)]
        case .where: [("cond", .block), ("x", .blockOrScalar), ("y", .blockOrScalar)]
        case .searchsorted: [("x", .block), ("edges", .table)]
        case .dot: [("x", .block), ("weights", .array)]
        }
    }
}
