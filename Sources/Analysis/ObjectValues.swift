import PipelineIR
import Sizing

/// Describes pipeline objects as the Python values Dask would ship, so the
/// size model can price them without building anything.
public enum ObjectValues {
    /// The Python value an object recipe builds.
    public static func pyValue(_ r: Recipe) -> PyValue {
        switch r {
        case .value(let l): return pyValue(l)
        case .intList(let start, let count): return .intRangeList(start: start, count: count)
        case .series(let s):
            guard let count = s.source.count else {
                return .opaque(declaredBytes: nil, reason: "the length of the loaded series is not declared (add `length:`)")
            }
            guard let dtype = DType(rawValue: s.dtype.rawValue) else {
                return .opaque(declaredBytes: nil, reason: "dtype \(s.dtype.rawValue) is not modelled")
            }
            var shape = SeriesShape(dtype: dtype, length: count, index: s.index == .range ? .range : .int64, name: s.name)
            shape.stridedValues = s.isStridedView
            shape.rangeStart = Int64(s.rangeStart)
            shape.rangeStep = Int64(s.rangeStep)
            return .series(shape)
        case .ndarray(let a):
            guard let dtype = DType(rawValue: a.dtype.rawValue) else {
                return .opaque(declaredBytes: nil, reason: "dtype \(a.dtype.rawValue) is not modelled")
            }
            return a.isStridedView ? .stridedArray(dtype: dtype, shape: a.shape) : .ndarray(dtype: dtype, shape: a.shape)
        case .bytes(let n): return .bytes(count: Int(clamping: n))
        case .instance(let i):
            let cls = PyClass(module: i.module ?? "__main__", qualname: i.className, methods: i.methods.map(\.name))
            return .instance(cls, fields: i.fields.map { PyDictEntry(key: $0.name, value: pyValue($0.recipe)) })
        case .element(let t, let boxed):
            guard let dtype = DType(rawValue: t.rawValue) else {
                return .opaque(declaredBytes: nil, reason: "dtype \(t.rawValue) is not modelled")
            }
            return boxed && dtype.isTemporal ? .pandasScalar(dtype) : .numpyScalar(dtype)
        case .dataframe(let d):
            return .dataFrame(FrameCosts.shape(d.schema, rows: d.length))
        case .stringDict(let d):
            return .stringDict(StringDictShape(length: d.length, keyLength: d.keyLength, valueLength: d.valueLength, distinct: d.distinct))
        case .python(let factory, let size):
            return .opaque(declaredBytes: size.map { Int(clamping: $0) },
                           reason: size == nil ? "`\(factory)` builds an opaque object; declare its `size`" : "declared size of `\(factory)`")
        }
    }

    /// The module an exported program builds its objects in (docs/dask.md).
    public static let builderModule = "pipelint_objects"
    /// The pipeline's folder as a delayed builder receives it (an absolute path, known only
    /// where the program runs): a typical length is assumed, so figures do not depend on
    /// where the pipeline is checked out.
    static let assumedFolder = String(repeating: "x", count: 40)

    /// What a delayed object's task calls, as the export writes it: the object's builder,
    /// by reference, with the `__main__` classes it instantiates (pickled by value) and,
    /// when it reads a file, the pipeline's folder.
    /// A class already in the pickle (`shipped`, by top-level name) is a memo reference: it is
    /// left out here and costs `memoReferenceBytes` instead. A nested class (`Outer.Inner`) is
    /// handed over as its top-level class, priced with the methods declared for it.
    public static func builderCall(_ o: PipelineObject, shipped: Set<String> = []) -> (call: PyValue, references: Int) {
        var items: [PyValue] = [.function(module: builderModule, name: "build_" + o.name)]
        var references = 0
        for c in o.recipe.mainClasses {
            if shipped.contains(c.topLevelName) {
                references += 1
                continue
            }
            let methods = c.className == c.topLevelName ? c.methods.map(\.name) : []
            items.append(.classObject(PyClass(module: "__main__", qualname: c.topLevelName, methods: methods)))
        }
        if o.recipe.readsFile { items.append(.str(assumedFolder)) }
        return (.tuple(items), references)
    }

    /// BINGET: a reference to an object pickled earlier in the same pickle.
    public static let memoReferenceBytes: Int64 = 2

    /// What a `__main__` class's by-value blob costs beyond the memo reference that replaces it
    /// when the same pickle carried the class already (PROTO, FRAME and STOP are the pickle's).
    public static func classByValueSavedByReference(_ c: InstanceRecipe) -> Int64 {
        let cls = PyClass(module: "__main__", qualname: c.className, methods: c.methods.map(\.name))
        let framing: Int64 = 2 + 9 + 1
        return max(0, SizeModel.wireSize(.classObject(cls)).bytes - framing - memoReferenceBytes)
    }

    /// A literal as a Python value.
    public static func pyValue(_ l: Literal) -> PyValue {
        switch l {
        case .none: .none
        case .bool(let b): .bool(b)
        case .int(let i): .int(i)
        case .float(let d): .float(d)
        case .string(let s): .str(s)
        case .list(let xs): .list(xs.map(pyValue))
        case .map(let es): .dict(es.map { PyDictEntry(key: $0.key, value: pyValue($0.value)) })
        }
    }

    /// The recipe reached by following `path` through instance fields.
    public static func project(_ r: Recipe, _ path: FieldPath) -> Recipe? { r.projected(through: path) }

    /// What one task of `layer` carries for `edge`: the object, a projected
    /// field, or — for a receiver — the bound method, which drags the instance.
    public static func shippedValue(for edge: Graph.Edge, of object: PipelineObject, layer: Graph.Layer) -> PyValue? {
        guard let recipe = project(object.recipe, edge.path) else { return nil }
        let value = pyValue(recipe)
        if edge.role == .receiver, let f = layer.function {
            return .boundMethod(receiver: value, name: f.name)
        }
        return value
    }
}
