/// A `map_blocks` layer's call, resolved once by the front end: what is called
/// and where each of its parameters gets its value. The executor, the
/// exporter, the estimator and the rules read it instead of working the
/// calling convention out again from the step as written.
///
/// For `f(block, table)` bound as `{kernel: take, with: {table: table.series}}`
/// and called as `{map_blocks: f, over: [x], args: [mapper]}`:
///
///     layer.inputs    = [x as .block(0), mapper as .argument(0)]
///     call.arguments  = [(.block(0), .input(0)), (.argument(0), .input(1))]
///     call.operand(ofKernelParameter: 1) = .object(edge: 1, inside: [.series])
public struct CallSite: Sendable {
    /// Where a parameter's value comes from.
    public enum Source: Sendable, Hashable {
        /// The layer's input `inputs[i]`: a block, an object argument or keyword, or the
        /// receiver (the edge's role says which; an object edge's path is applied on the client).
        case input(Int)
        /// A number written in the step.
        case literal(Double, range: SourceRange)
        /// The task's item in a per-item step (format 1.1).
        case item(range: SourceRange)
    }

    /// One parameter's value and how the step passes it.
    public struct Argument: Sendable, Hashable {
        /// How the value is passed as written: receiver, `over` block, `args` entry or `kwargs` entry.
        public var role: Graph.EdgeRole
        public var source: Source
        public init(role: Graph.EdgeRole, source: Source) {
            self.role = role
            self.source = source
        }
    }

    /// What a kernel parameter receives inside the task.
    public enum Operand: Sendable, Hashable {
        /// A chunk of the layer's input `edge`.
        case block(edge: Int)
        /// The object of input `edge`, then `inside` evaluated in the task (a `with:` field path).
        case object(edge: Int, inside: FieldPath)
        case literal(Double)
        /// The task's item in a per-item step: a number, seen by the kernel as a one-element block.
        case item
    }

    /// The function or method called (read from the pipeline's functions when it is one of them).
    public var function: PipelineFunction {
        get {
            switch functionRef {
            case .shared(let t, let i): t.functions[i]
            case .boxed(let b): b.value
            }
        }
        set { functionRef = .boxed(Box(newValue)) }
    }

    /// Where the function is kept: a position in the pipeline's functions (no copy), or a box.
    enum FunctionRef: Sendable {
        case shared(ModelTables, Int)
        case boxed(Box<PipelineFunction>)
    }

    var functionRef: FunctionRef
    /// The callee as written (`f`, or `mapper.lookup` for a bound method).
    public var range: SourceRange
    /// One per parameter of `function`, in its order (`self` first for a method).
    public var arguments: [Argument]
    /// The storage type of the result's chunks, from the kernel's dtype table.
    public var resultStorage: StorageType

    public init(function: PipelineFunction, range: SourceRange, arguments: [Argument], resultStorage: StorageType) {
        self.init(functionRef: .boxed(Box(function)), range: range, arguments: arguments, resultStorage: resultStorage)
    }

    init(functionRef: FunctionRef, range: SourceRange, arguments: [Argument], resultStorage: StorageType) {
        self.functionRef = functionRef
        self.range = range
        self.arguments = arguments
        self.resultStorage = resultStorage
    }

    /// Whether the call is a bound method (`map_blocks: mapper.lookup`).
    public var isMethod: Bool { arguments.first?.role == .receiver }
    /// Whether the call is a callable instance (`map_blocks: scorer`, format 1.1): `self` is the function.
    public var isCallableInstance: Bool { arguments.first?.role == .carried(.instance, name: "self") }

    /// The built-in kernel and its bindings, when the function is one.
    public var kernel: (kernel: Kernel, bindings: [Binding])? {
        let body = switch functionRef {
        case .shared(let t, let i): t.functions[i].body
        case .boxed(let b): b.value.body
        }
        if case .kernel(let k, let b) = body { return (k, b) }
        return nil
    }

    /// What kernel parameter `k` receives, or nil for a `python:` function or an unbound parameter.
    public func operand(ofKernelParameter k: Int, inputs: [Graph.Edge]) -> Operand? {
        guard let (_, bindings) = kernel, k < bindings.count else { return nil }
        switch bindings[k] {
        case .literal(let d): return .literal(d)
        case .param(let index, let inside):
            guard index < arguments.count else { return nil }
            switch arguments[index].source {
            case .literal(let d, _): return .literal(d)
            case .item: return .item
            case .input(let e):
                guard e >= 0, e < inputs.count else { return nil }
                if case .block = inputs[e].role { return .block(edge: e) }
                return .object(edge: e, inside: inside)
            }
        }
    }
}

/// The storage types of docs/kernels.md, "Dtypes": every float dtype as Float64, every
/// integer or bool dtype as Int64, both complex dtypes as Complex128, and the two
/// nanosecond dtypes as their own Int64-backed types. Raw values are numpy's names.
public enum StorageType: String, Sendable, Hashable {
    case int64, float64, complex128
    case datetime64 = "datetime64[ns]", timedelta64 = "timedelta64[ns]"

    public init(_ dtype: NumericType) {
        self = dtype.isFloat ? .float64 : dtype.isComplex ? .complex128 : dtype == .datetime64 ? .datetime64
            : dtype == .timedelta64 ? .timedelta64 : .int64
    }

    /// A number written in the pipeline: Int64 when it is integral and fits, as the export writes it.
    public init(literal d: Double) {
        self = d.isFinite && d == d.rounded() && d >= -9.223372036854775808e18 && d < 9.223372036854775808e18 ? .int64 : .float64
    }

    /// Whether the executor's storage is a plain number (Int64 or Float64).
    public var isReal: Bool { self == .int64 || self == .float64 }
}

extension Kernel {
    /// The result's storage type from its operands' (nil: unknown, taken as Float64) — the
    /// "dtype" column of docs/kernels.md, written once. A combination numpy refuses gives Float64
    /// here; `resultType` says why.
    public func resultStorage(_ operand: (Int) -> StorageType?) -> StorageType {
        (try? resultType(operand).get()) ?? .float64
    }

    /// The result's storage type, or the message for operands numpy refuses
    /// (`datetime64[ns] + datetime64[ns]`, `sqrt` of a datetime, ...), as numpy 2.4 decides.
    public func resultType(_ operand: (Int) -> StorageType?) -> Result<StorageType, DTypeRefusal> {
        func t(_ i: Int) -> StorageType { operand(i) ?? .float64 }
        let r: StorageType?
        switch self {
        case .identity: r = t(0)
        case .take: r = t(0) == .int64 || t(0) == .float64 ? t(1) : nil
        case .add, .sub, .mul, .div: r = Self.binary(self, t(0), t(1))
        case .scale: r = Self.binary(.mul, t(0), t(1))
        case .dot: r = t(0).isReal && t(1).isReal ? Self.binary(.mul, t(0), t(1)) : nil
        case .abs: r = t(0) == .complex128 ? .float64 : t(0) == .datetime64 ? nil : t(0)
        case .sqrt: r = t(0).isReal ? .float64 : t(0) == .complex128 ? .complex128 : nil
        case .clip: r = t(0).isReal && t(1).isReal && t(2).isReal ? ((t(0) == .float64 || t(1) == .float64 || t(2) == .float64) ? .float64 : .int64) : nil
        case .where: r = Self.common(t(1), t(2))
        case .searchsorted:
            let (x, e) = (t(0), t(1))
            r = (x.isReal && e.isReal) || (x == e && (x == .datetime64 || x == .timedelta64)) ? .int64 : nil
        case .mapColumn, .scoreRows:
            // A frame's result is a partition, not a chunk of one storage type (FrameSchema says its columns).
            r = .float64
        }
        if let r { return .success(r) }
        let operands = params.indices.map { t($0) }
        return .failure(DTypeRefusal(kernel: self, operands: operands))
    }

    /// numpy's result kind for add/sub/mul/div over two storage types (nil: numpy raises).
    static func binary(_ k: Kernel, _ a: StorageType, _ b: StorageType) -> StorageType? {
        switch (a, b) {
        case (.int64, .int64): return k == .div ? .float64 : .int64
        case (.int64, .float64), (.float64, .int64), (.float64, .float64): return .float64
        case (.complex128, let o) where o.isReal || o == .complex128: return .complex128
        case (let o, .complex128) where o.isReal: return .complex128
        default: break
        }
        switch (k, a, b) {
        case (.add, .datetime64, .timedelta64), (.add, .timedelta64, .datetime64), (.add, .datetime64, .int64),
             (.add, .int64, .datetime64), (.sub, .datetime64, .timedelta64), (.sub, .datetime64, .int64):
            return .datetime64
        case (.sub, .datetime64, .datetime64), (.add, .timedelta64, .timedelta64), (.sub, .timedelta64, .timedelta64),
             (.add, .timedelta64, .int64), (.add, .int64, .timedelta64), (.sub, .timedelta64, .int64), (.sub, .int64, .timedelta64),
             (.mul, .timedelta64, .int64), (.mul, .timedelta64, .float64), (.mul, .int64, .timedelta64), (.mul, .float64, .timedelta64),
             (.div, .timedelta64, .int64), (.div, .timedelta64, .float64):
            return .timedelta64
        case (.div, .timedelta64, .timedelta64): return .float64
        default: return nil
        }
    }

    /// `where`'s common type of `x` and `y` (numpy's `result_type`; nil: no common type).
    static func common(_ a: StorageType, _ b: StorageType) -> StorageType? {
        if a == b { return a }
        switch (a, b) {
        case (.int64, .float64), (.float64, .int64): return .float64
        case (.complex128, let o) where o.isReal: return .complex128
        case (let o, .complex128) where o.isReal: return .complex128
        case (.int64, .timedelta64), (.timedelta64, .int64): return .timedelta64
        case (.datetime64, .timedelta64), (.timedelta64, .datetime64): return .datetime64
        default: return nil
        }
    }
}

/// Operands numpy refuses for a kernel: the message names the kernel and the operand types.
public struct DTypeRefusal: Error, Sendable, Equatable {
    public var kernel: Kernel
    public var operands: [StorageType]

    public var message: String {
        let named = zip(kernel.params, operands).map { "`\($0.name)` \($1.rawValue)" }.joined(separator: ", ")
        // numpy defines `clip` and `dot` over complex and timedelta values; pipelint does not.
        let why = (kernel == .clip || kernel == .dot) && !operands.contains(.datetime64) ? "pipelint defines it for real numbers only"
            : "numpy refuses these operand types"
        return "kernel `\(kernel.rawValue)` is not defined for \(named): \(why)"
    }
}
