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

    /// The function or method called.
    public var function: PipelineFunction
    /// The callee as written (`f`, or `mapper.lookup` for a bound method).
    public var range: SourceRange
    /// One per parameter of `function`, in its order (`self` first for a method).
    public var arguments: [Argument]
    /// The storage type of the result's chunks, from the kernel's dtype table.
    public var resultStorage: StorageType

    public init(function: PipelineFunction, range: SourceRange, arguments: [Argument], resultStorage: StorageType) {
        self.function = function
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
        if case .kernel(let k, let b) = function.body { return (k, b) }
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
                guard e < inputs.count else { return nil }
                if case .block = inputs[e].role { return .block(edge: e) }
                return .object(edge: e, inside: inside)
            }
        }
    }
}

/// The two storage types the executor computes in (docs/kernels.md, "Dtypes"):
/// every float dtype as Float64, every integer or bool dtype as Int64.
public enum StorageType: String, Sendable, Hashable {
    case int64, float64

    public init(_ dtype: NumericType) { self = dtype.isFloat ? .float64 : .int64 }

    /// A number written in the pipeline: Int64 when it is integral and fits, as the export writes it.
    public init(literal d: Double) {
        self = d.isFinite && d == d.rounded() && d >= -9.223372036854775808e18 && d < 9.223372036854775808e18 ? .int64 : .float64
    }
}

extension Kernel {
    /// The result's storage type from its operands' (nil: unknown, taken as Float64) — the
    /// "dtype" column of docs/kernels.md, written once.
    public func resultStorage(_ operand: (Int) -> StorageType?) -> StorageType {
        func isFloat(_ i: Int) -> Bool { (operand(i) ?? .float64) == .float64 }
        let float: Bool = switch self {
        case .identity, .abs: isFloat(0)
        case .take: isFloat(1)
        case .add, .sub, .mul, .scale, .dot: isFloat(0) || isFloat(1)
        case .div, .sqrt: true
        case .clip: isFloat(0) || isFloat(1) || isFloat(2)
        case .where: isFloat(1) || isFloat(2)
        case .searchsorted: false
        }
        return float ? .float64 : .int64
    }
}
