/// The pipeline model: what a pipeline file says, checked and typed, with the
/// source range of every part. Built by the front end's lowering; turned into
/// a `Graph` by `GraphBuilder`.
public struct Pipeline: Sendable {
    public var name: String
    /// The format's major version (`1`).
    public var version: Int
    /// The format's minor version: 0 for `version: 1`, 1 for `version: 1.1` (docs/pipeline-format.md, "Versions").
    public var minorVersion: Int = 0
    public var cluster: Cluster
    public var objects: [PipelineObject]
    public var functions: [PipelineFunction]
    public var arrays: [ArrayDecl]
    public var steps: [Step]
    public var outputs: [Output]
    /// Dask DataFrame collections (format 1.2, `frames:`); see Frames.swift.
    public var frames: [FrameDecl] = []
    /// File-wide suppressions (`lint:` at the top level).
    public var suppressions: Suppressions?
    /// Where the front end found the names each step references (`ReferenceHints`): hints the graph
    /// builder checks against the names, so it looks none of them up by name. Empty: no hints.
    public var referenceHints = ReferenceHints()

    /// `positions` is the name index when the caller already has it (each name's first position
    /// in each section, as `reindex()` would build it); without it the index is built here.
    public init(name: String, version: Int, cluster: Cluster, objects: [PipelineObject] = [], functions: [PipelineFunction] = [],
                arrays: [ArrayDecl] = [], steps: [Step] = [], outputs: [Output] = [], suppressions: Suppressions? = nil,
                positions: [String: Positions]? = nil) {
        self.name = name
        self.version = version
        self.cluster = cluster
        self.objects = objects
        self.functions = functions
        self.arrays = arrays
        self.steps = steps
        self.outputs = outputs
        self.suppressions = suppressions
        if let positions {
            positionsByName = positions
            uniquelyIndexedCount = positions.count == entryCount ? entryCount : -1
        } else {
            reindex()
        }
    }

    /// Where a name is declared: its first position in each section, -1 where it is not.
    public struct Positions: Sendable {
        public var object: Int32 = -1
        public var function: Int32 = -1
        public var array: Int32 = -1
        public var step: Int32 = -1
        public var frame: Int32 = -1
        public init(object: Int32 = -1, function: Int32 = -1, array: Int32 = -1, step: Int32 = -1, frame: Int32 = -1) {
            self.object = object
            self.function = function
            self.array = array
            self.step = step
            self.frame = frame
        }
    }

    /// Positions by name, so lookups stay O(1) on pipelines with 100,000 entries:
    /// one table for every section, so each lookup hashes the name once.
    /// Checked on use: a stale entry falls back to a scan.
    private var positionsByName: [String: Positions] = [:]
    /// The number of entries in every section when the index was built, if every name was then
    /// unique across sections (-1 otherwise): what makes a checked hint as good as a lookup.
    private var uniquelyIndexedCount = -1

    /// The number of entries in every section.
    private var entryCount: Int { objects.count + functions.count + arrays.count + steps.count + frames.count }

    /// Whether every name is declared once across all sections, as of the last `reindex()` (and no
    /// entry was added or removed since). Then the entry of a section at some position whose name is
    /// `name` is where `positions(of: name)` points, the only one (`ReferenceHints` rely on it).
    public var hasUniqueNames: Bool { uniquelyIndexedCount >= 0 && uniquelyIndexedCount == entryCount }

    /// Rebuilds the name index after adding or removing entries.
    public mutating func reindex() {
        var index: [String: Positions] = [:]
        index.reserveCapacity(objects.count + functions.count + arrays.count + steps.count)
        // Last to first, so the first occurrence is written last: one probe per name.
        for i in objects.indices.reversed() { index[objects[i].name, default: Positions()].object = Int32(i) }
        for i in functions.indices.reversed() { index[functions[i].name, default: Positions()].function = Int32(i) }
        for i in arrays.indices.reversed() { index[arrays[i].name, default: Positions()].array = Int32(i) }
        for i in steps.indices.reversed() { index[steps[i].name, default: Positions()].step = Int32(i) }
        for i in frames.indices.reversed() { index[frames[i].name, default: Positions()].frame = Int32(i) }
        positionsByName = index
        uniquelyIndexedCount = index.count == entryCount ? entryCount : -1
    }

    /// The first position of `name` in each section, as of the last `reindex()`.
    public func positions(of name: String) -> Positions { positionsByName[name] ?? Positions() }

    public func object(named n: String) -> PipelineObject? {
        let i = Int(positions(of: n).object)
        if i >= 0, i < objects.count, objects[i].name == n { return objects[i] }
        return objects.first { $0.name == n }
    }
    public func function(named n: String) -> PipelineFunction? {
        let i = Int(positions(of: n).function)
        if i >= 0, i < functions.count, functions[i].name == n { return functions[i] }
        return functions.first { $0.name == n }
    }
    public func array(named n: String) -> ArrayDecl? {
        let i = Int(positions(of: n).array)
        if i >= 0, i < arrays.count, arrays[i].name == n { return arrays[i] }
        return arrays.first { $0.name == n }
    }
    public func frame(named n: String) -> FrameDecl? {
        let i = Int(positions(of: n).frame)
        if i >= 0, i < frames.count, frames[i].name == n { return frames[i] }
        return frames.first { $0.name == n }
    }
    public func step(named n: String) -> Step? {
        let i = Int(positions(of: n).step)
        if i >= 0, i < steps.count, steps[i].name == n { return steps[i] }
        return steps.first { $0.name == n }
    }
}

/// `lint: {ignore: [...], reason: ...}` on a pipeline, object, function, array or step.
public struct Suppressions: Sendable, Hashable {
    public var ids: [String]
    public var reason: String?
    public var range: SourceRange
    public init(ids: [String], reason: String?, range: SourceRange) {
        self.ids = ids
        self.reason = reason
        self.range = range
    }
}

/// Which Dask scheduler runs the graph.
public enum SchedulerKind: String, Sendable, CaseIterable {
    case distributed, processes, threads

    /// Whether each task's definition is serialized (so embedded objects are copied per task).
    public var serializesTasks: Bool { self != .threads }
}

/// `cluster:`
public struct Cluster: Sendable, Hashable {
    public var scheduler: SchedulerKind
    public var workers: Int
    public var threadsPerWorker: Int
    /// Bytes; nil when not declared.
    public var memoryPerWorker: Int64?
    public var range: SourceRange?
    public init(scheduler: SchedulerKind = .distributed, workers: Int = 1, threadsPerWorker: Int = 1, memoryPerWorker: Int64? = nil, range: SourceRange? = nil) {
        self.scheduler = scheduler
        self.workers = workers
        self.threadsPerWorker = threadsPerWorker
        self.memoryPerWorker = memoryPerWorker
        self.range = range
    }
}

/// A numeric element type, named as numpy names it.
public enum NumericType: String, Sendable, CaseIterable {
    case bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64
    /// Complex dtypes (format 1.1): pairs of float32 or float64.
    case complex64, complex128
    /// Nanosecond datetimes and durations (format 1.1): int64 counts of nanoseconds.
    case datetime64 = "datetime64[ns]", timedelta64 = "timedelta64[ns]"

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .bool, .int8, .uint8: 1
        case .int16, .uint16: 2
        case .int32, .uint32, .float32: 4
        case .int64, .uint64, .float64, .complex64, .datetime64, .timedelta64: 8
        case .complex128: 16
        }
    }

    public var isFloat: Bool { self == .float32 || self == .float64 }
    public var isComplex: Bool { self == .complex64 || self == .complex128 }
    /// `datetime64[ns]` or `timedelta64[ns]`.
    public var isTemporal: Bool { self == .datetime64 || self == .timedelta64 }
    /// Whether the dtype came with format 1.1 (complex and nanosecond dtypes).
    public var needsFormat11: Bool { isComplex || isTemporal }
    public var isInteger: Bool { !isFloat && !isComplex && !isTemporal && self != .bool }
    /// numpy's `.npy` descr (`<f8`, `<c16`, `<M8[ns]` …).
    public var npyDescr: String {
        switch self {
        case .bool: "|b1"
        case .int8: "|i1"
        case .uint8: "|u1"
        case .int16: "<i2"
        case .uint16: "<u2"
        case .int32: "<i4"
        case .uint32: "<u4"
        case .int64: "<i8"
        case .uint64: "<u8"
        case .float32: "<f4"
        case .float64: "<f8"
        case .complex64: "<c8"
        case .complex128: "<c16"
        case .datetime64: "<M8[ns]"
        case .timedelta64: "<m8[ns]"
        }
    }
}

/// How an object reaches the tasks that use it.
public enum Placement: String, Sendable, CaseIterable {
    /// Passed directly: each task's definition carries a copy.
    case embed
    /// Built (or held) by one task; chunk tasks reference its key.
    case delayed
    /// `client.scatter(..., broadcast=True)`: one copy per worker up front.
    case scatter
}

/// An object under `objects:`.
public struct PipelineObject: Sendable {
    public var name: String
    public var nameRange: SourceRange
    /// The object's whole value node.
    public var range: SourceRange
    public var recipe: Recipe
    public var placement: Placement
    /// The `placement:` value, when written.
    public var placementRange: SourceRange?
    public var suppressions: Suppressions?

    public init(name: String, nameRange: SourceRange, range: SourceRange, recipe: Recipe, placement: Placement = .embed,
                placementRange: SourceRange? = nil, suppressions: Suppressions? = nil) {
        self.name = name
        self.nameRange = nameRange
        self.range = range
        self.recipe = recipe
        self.placement = placement
        self.placementRange = placementRange
        self.suppressions = suppressions
    }
}

/// A literal Python value written in YAML.
public indirect enum Literal: Sendable, Hashable {
    case none
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case list([Literal])
    case map([LiteralEntry])

    /// Number of scalar leaves and containers (how much data is inlined).
    public var nodeCount: Int {
        switch self {
        case .list(let xs): xs.reduce(1) { $0 &+ $1.nodeCount }
        case .map(let es): es.reduce(1) { $0 &+ $1.value.nodeCount }
        default: 1
        }
    }
}

/// A `key: value` of a literal mapping.
public struct LiteralEntry: Sendable, Hashable {
    public var key: String
    public var value: Literal
    public init(key: String, value: Literal) {
        self.key = key
        self.value = value
    }
}

/// How the object is made: the tool sizes it from this, never building it.
public indirect enum Recipe: Sendable {
    case value(Literal)
    /// `list(range(start, start + count))`
    case intList(start: Int64, count: Int)
    case series(SeriesRecipe)
    case ndarray(NDArrayRecipe)
    case bytes(size: Int64)
    case instance(InstanceRecipe)
    /// An opaque object built by `module:factory`, with a declared wire size.
    case python(factory: String, size: Int64?)
    /// A numpy scalar (`np.int64`, `np.float64`…): an element of a Series or ndarray. Never
    /// written in a file; what a projection (`edges[-1]`, `mapper.series.iloc[0]`) yields.
    case element(NumericType, boxed: Bool = false)
    /// A pandas DataFrame (format 1.2).
    case dataframe(DataFrameRecipe)
    /// A `dict` of strings (format 1.2).
    case stringDict(StringDictRecipe)

    /// A short name of the kind, for messages.
    public var kindName: String {
        switch self {
        case .value: "literal"
        case .intList: "list"
        case .series: "series"
        case .ndarray: "ndarray"
        case .bytes: "bytes"
        case .instance(let i): i.isMain ? "`__main__` class" : "instance"
        case .python: "Python object"
        case .element(let t, let boxed): Recipe.scalarName(t, boxed: boxed)
        case .dataframe: "DataFrame"
        case .stringDict: "dict"
        }
    }

    /// What an element is in Python: a numpy scalar, or the pandas `Timestamp` / `Timedelta`
    /// a datetime or timedelta Series boxes its elements in.
    public static func scalarName(_ t: NumericType, boxed: Bool) -> String {
        guard boxed, t.isTemporal else { return "numpy \(t.rawValue) scalar" }
        return t == .datetime64 ? "pandas Timestamp" : "pandas Timedelta"
    }

    /// The `__main__` classes it instantiates, one per top-level class name, in order of
    /// first use: what a builder must be handed, as workers cannot import them.
    public var mainClasses: [InstanceRecipe] {
        var found: [InstanceRecipe] = []
        func visit(_ r: Recipe) {
            guard case .instance(let i) = r else { return }
            if i.isMain, !found.contains(where: { $0.topLevelName == i.topLevelName }) { found.append(i) }
            for f in i.fields { visit(f.recipe) }
        }
        visit(self)
        return found
    }

    /// The recipe of the value reached by following `path`, nil when the path does not apply
    /// (docs/pipeline-format.md, "Projections"). An element is a numpy scalar of the dtype (a
    /// Python value for a list); a slice keeps the recipe's kind with the selected length or
    /// shape — what sizes it exactly — while its values stand for the selected ones (the
    /// executor computes those: `ObjectValue.project`).
    public func projected(through path: FieldPath) -> Recipe? {
        var cur = self
        for segment in path.segments {
            switch segment {
            case .field(let f):
                guard case .instance(let i) = cur, let field = i.field(f) else { return nil }
                cur = field.recipe
            case .subscript(let axes):
                guard let next = cur.subscripted(axes, positional: false) else { return nil }
                cur = next
            case .iloc(let axes):
                guard case .series = cur, let next = cur.subscripted(axes, positional: true) else { return nil }
                cur = next
            case .column:
                return nil
            }
        }
        return cur
    }

    /// One subscript applied: nil when the value cannot be subscripted so, or an index is out of range.
    func subscripted(_ axes: [FieldPath.Subscript], positional: Bool) -> Recipe? {
        switch self {
        case .series(var s):
            guard axes.count == 1 else { return nil }
            guard let n = s.source.count else {
                // A loaded Series of undeclared length: nothing to check against, nothing to resize.
                if case .index = axes[0] { return .element(s.dtype, boxed: s.dtype.isTemporal) }
                return axes[0].sliceSelection(length: 0) == nil ? nil : .series(s)
            }
            if case .index(let i) = axes[0] {
                // `[i]` is a label (labels are 0…n-1), `.iloc[i]` a position.
                guard positional ? axes[0].position(length: n) != nil : (i >= 0 && i < n) else { return nil }
                return .element(s.dtype, boxed: s.dtype.isTemporal)
            }
            guard let sel = axes[0].sliceSelection(length: n) else { return nil }
            if case .values(let v) = s.source {
                s.source = .values((0..<sel.count).map { v[sel.start + $0 * sel.step] })
            } else {
                s.source = s.source.resized(sel.count)
            }
            s.isStridedView = s.isStridedView || (sel.step != 1 && sel.count > 1)
            s.rangeStart = s.rangeStart &+ sel.start &* s.rangeStep
            s.rangeStep = s.rangeStep &* sel.step
            return .series(s)
        case .ndarray(var a):
            guard axes.count <= a.shape.count else { return nil }
            // Element strides of the (C-ordered, or already strided) base, then of the view.
            var strides = [Int](repeating: 1, count: a.shape.count)
            for d in a.shape.indices.dropLast().reversed() { strides[d] = strides[d + 1].multipliedReportingOverflow(by: Swift.max(1, a.shape[d + 1])).partialValue }
            var shape: [Int] = [], viewStrides: [Int] = []
            for (d, axis) in axes.enumerated() {
                if case .index = axis {
                    guard axis.position(length: a.shape[d]) != nil else { return nil }
                } else {
                    guard let sel = axis.sliceSelection(length: a.shape[d]) else { return nil }
                    shape.append(sel.count)
                    viewStrides.append(strides[d].multipliedReportingOverflow(by: sel.step).partialValue)
                }
            }
            shape += a.shape[axes.count...]
            viewStrides += strides[axes.count...]
            if shape.isEmpty { return .element(a.dtype) }
            a.isStridedView = a.isStridedView || !Self.isContiguous(shape: shape, strides: viewStrides)
            a.shape = shape
            return .ndarray(a)
        case .intList(let start, let count):
            guard axes.count == 1 else { return nil }
            if let p = axes[0].position(length: count) { return .value(.int(start &+ Int64(p))) }
            guard let sel = axes[0].sliceSelection(length: count) else { return nil }
            return .intList(start: start &+ Int64(sel.start), count: sel.count)
        case .value(.list(let xs)):
            guard axes.count == 1 else { return nil }
            if let p = axes[0].position(length: xs.count) { return .value(xs[p]) }
            guard let sel = axes[0].sliceSelection(length: xs.count) else { return nil }
            return .value(.list((0..<sel.count).map { xs[sel.start + $0 * sel.step] }))
        default:
            return nil
        }
    }

    /// numpy's contiguity flags (relaxed strides: axes of length 1 do not count; an empty
    /// array is contiguous): C- or F-ordered, strides in elements.
    static func isContiguous(shape: [Int], strides: [Int]) -> Bool {
        if shape.contains(0) { return true }
        func ordered(_ axes: [Int]) -> Bool {
            var expected = 1
            for d in axes where shape[d] != 1 {
                guard strides[d] == expected else { return false }
                expected = expected.multipliedReportingOverflow(by: shape[d]).partialValue
            }
            return true
        }
        return ordered(Array(shape.indices.reversed())) || ordered(Array(shape.indices))
    }

    /// The shape of array-like data (an `ndarray`, a series, a list), when known.
    public var shape: [Int]? {
        switch self {
        case .ndarray(let a): a.shape
        case .intList(_, let count): [count]
        case .series(let s): s.source.count.map { [$0] }
        case .dataframe(let d): [d.length, d.schema.columns.count]
        default: nil
        }
    }

    /// The storage type a kernel sees for this value, when it is numeric data.
    public var storage: StorageType? {
        switch self {
        case .series(let s): StorageType(s.dtype)
        case .ndarray(let a): StorageType(a.dtype)
        case .intList, .value(.int), .value(.bool): .int64
        case .value(.float): .float64
        case .element(let t, _): StorageType(t)
        default: nil
        }
    }

    /// Whether building it reads a file (`load:`) relative to the pipeline's folder.
    public var readsFile: Bool {
        switch self {
        case .value, .intList, .bytes, .python, .element, .dataframe, .stringDict: false
        case .series(let s): if case .load = s.source { true } else { false }
        case .ndarray(let a): a.load != nil
        case .instance(let i): i.fields.contains { $0.recipe.readsFile }
        }
    }

    /// Whether a worker can build it from the YAML alone: no data file, no
    /// factory package. (An importable class counts: unpickling an embedded
    /// instance already needs its module on the worker.)
    public var isSelfContained: Bool {
        switch self {
        case .value, .intList, .bytes, .element, .dataframe, .stringDict: true
        case .series(let s): if case .load = s.source { false } else { true }
        case .ndarray(let a): a.load == nil
        case .instance(let i): i.fields.allSatisfy { $0.recipe.isSelfContained }
        case .python: false
        }
    }
}

/// `series:` values.
public enum SeriesSource: Sendable, Hashable {
    case range(count: Int)
    case values([Literal])
    case random(count: Int, seed: UInt64, low: Double, high: Double)
    case load(path: String, length: Int?)

    /// The same kind of source with `n` values (a slice's length; the values stand for the selected ones).
    public func resized(_ n: Int) -> SeriesSource {
        switch self {
        case .range: .range(count: n)
        case .values(let v): .values(Array(v.prefix(n)))
        case .random(_, let seed, let low, let high): .random(count: n, seed: seed, low: low, high: high)
        case .load(let path, _): .load(path: path, length: n)
        }
    }

    public var count: Int? {
        switch self {
        case .range(let n): n
        case .values(let v): v.count
        case .random(let n, _, _, _): n
        case .load(_, let n): n
        }
    }
}

/// `series:`: a numeric pandas Series.
public struct SeriesRecipe: Sendable, Hashable {
    public enum Index: String, Sendable, Hashable, CaseIterable { case range, int64 }
    public var source: SeriesSource
    public var dtype: NumericType
    public var index: Index
    public var name: String?
    /// A projection's slice whose values are a strided view (`s.iloc[::2]`, `s.iloc[::-1]`).
    public var isStridedView = false
    /// The first label and step of a sliced `RangeIndex` (`s.iloc[100:200]`: 100, 1).
    public var rangeStart = 0
    public var rangeStep = 1
    public init(source: SeriesSource, dtype: NumericType, index: Index = .range, name: String? = nil) {
        self.source = source
        self.dtype = dtype
        self.index = index
        self.name = name
    }
}

/// `ndarray:`
public struct NDArrayRecipe: Sendable, Hashable {
    public enum Fill: String, Sendable, Hashable, CaseIterable { case zeros, ones, range, random }
    public var shape: [Int]
    public var dtype: NumericType
    public var fill: Fill
    public var seed: UInt64
    public var load: String?
    /// A projection's view that is neither C- nor F-contiguous (`weights[:, 0]` of a 2-D
    /// array): pickled with a copy of its own elements, through `ndarray.__reduce__`.
    public var isStridedView = false
    public init(shape: [Int], dtype: NumericType, fill: Fill = .zeros, seed: UInt64 = 0, load: String? = nil) {
        self.shape = shape
        self.dtype = dtype
        self.fill = fill
        self.seed = seed
        self.load = load
    }
    /// Number of elements (saturating).
    public var count: Int { saturatingProduct(shape) }
}

/// `class:` with `fields` and `methods`.
public struct InstanceRecipe: Sendable {
    /// The class name (qualified name within its module).
    public var className: String
    /// The importable module, or nil for `__main__` (pickled by value).
    public var module: String?
    public var fields: [Field]
    public var methods: [Method]
    public var isMain: Bool { module == nil }
    /// The first component of the class name (`Outer` of `Outer.Inner`).
    public var topLevelName: String { className.split(separator: ".").first.map(String.init) ?? className }

    public init(className: String, module: String?, fields: [Field], methods: [Method]) {
        self.className = className
        self.module = module
        self.fields = fields
        self.methods = methods
    }

    /// A field of an instance.
    public struct Field: Sendable {
        public var name: String
        public var nameRange: SourceRange
        public var recipe: Recipe
        public init(name: String, nameRange: SourceRange, recipe: Recipe) {
            self.name = name
            self.nameRange = nameRange
            self.recipe = recipe
        }
    }

    /// A method: a function whose implicit first parameter is `self`.
    public struct Method: Sendable {
        public var name: String
        public var nameRange: SourceRange
        public var function: PipelineFunction
        public init(name: String, nameRange: SourceRange, function: PipelineFunction) {
            self.name = name
            self.nameRange = nameRange
            self.function = function
        }
    }

    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }
    public func method(_ name: String) -> Method? { methods.first { $0.name == name } }
}

/// A parameter name with its position.
public struct Param: Sendable, Hashable {
    public var name: String
    public var range: SourceRange
    public init(name: String, range: SourceRange) {
        self.name = name
        self.range = range
    }
}

/// What a kernel parameter is bound to (`with:`).
public enum Binding: Sendable, Hashable {
    /// A function parameter, optionally projected through a field path evaluated inside the task.
    case param(index: Int, path: FieldPath)
    case literal(Double)
}

/// A function under `functions:` (or a method body).
public struct PipelineFunction: Sendable {
    public enum Body: Sendable {
        /// A built-in kernel with each of its parameters bound, in the kernel's order.
        case kernel(Kernel, bindings: [Binding])
        /// `python: module:function` — linted and exported, not run locally.
        case python(String)
    }
    public var name: String
    public var nameRange: SourceRange
    public var range: SourceRange
    /// Parameters; for a method, `self` is the first.
    /// Parameters; for a method, `self` is the first. The objects the function carries come
    /// last, one parameter each (`carried[i]` is parameter `params.count - carried.count + i`).
    public var params: [Param]
    public var body: Body
    public var isMethod: Bool
    public var suppressions: Suppressions?
    /// Objects the function carries itself (format 1.1: `partial`, `closure`, `globals`).
    public var carried: [CarriedObject]
    /// For a frame kernel (format 1.2: `map_column`, `score_rows`): the columns it reads and writes.
    public var frameOptions: FrameKernelOptions?

    public init(name: String, nameRange: SourceRange, range: SourceRange, params: [Param], body: Body, isMethod: Bool = false,
                suppressions: Suppressions? = nil, carried: [CarriedObject] = []) {
        self.carried = carried
        self.name = name
        self.nameRange = nameRange
        self.range = range
        self.params = params
        self.body = body
        self.isMethod = isMethod
        self.suppressions = suppressions
    }

    /// The parameters a call passes (blocks, `args`, `kwargs`): all but the carried ones.
    public var calledParamCount: Int { params.count - carried.count }
}

/// An object a function carries (`partial: {table: lookup}`): bound to the parameter `name`
/// (usable in `with:` like any parameter), reaching the task inside the pickled function.
public struct CarriedObject: Sendable, Hashable {
    /// The name the function's body reads (the partial's keyword, the closure or global variable).
    public var name: String
    public var nameRange: SourceRange
    public var route: Graph.CarryRoute
    /// The object, and the projection taken on the client before the function captures it.
    public var object: String
    public var path: FieldPath
    /// The value as written (`lookup`, `model.weights`).
    public var range: SourceRange
    public init(name: String, nameRange: SourceRange, route: Graph.CarryRoute, object: String, path: FieldPath, range: SourceRange) {
        self.name = name
        self.nameRange = nameRange
        self.route = route
        self.object = object
        self.path = path
        self.range = range
    }
}

/// Chunk sizes along one dimension, stored compactly: a 10-million-chunk array costs two integers.
public enum DimChunks: Sendable, Hashable {
    /// Chunks of `size` over `length` elements; the last takes the remainder.
    case uniform(size: Int, length: Int)
    /// Explicit sizes.
    case explicit([Int])

    public var length: Int {
        switch self {
        case .uniform(_, let l): l
        case .explicit(let s): saturatingSum(s)
        }
    }
    /// Number of chunks.
    public var count: Int {
        switch self {
        case .uniform(let s, let l): s <= 0 ? 0 : l / s + (l % s == 0 ? 0 : 1)
        case .explicit(let s): s.count
        }
    }
    /// Size of chunk `i`.
    public func size(_ i: Int) -> Int {
        switch self {
        case .uniform(let s, let l): min(s, l - i * s)
        case .explicit(let xs): xs[i]
        }
    }
    /// Largest chunk.
    public var maxSize: Int {
        switch self {
        case .uniform(let s, let l): min(s, l)
        case .explicit(let xs): xs.max() ?? 0
        }
    }
}

/// The chunk grid of an array-valued layer.
public struct ChunkGrid: Sendable, Hashable {
    public var dims: [DimChunks]
    public init(dims: [DimChunks]) { self.dims = dims }
    /// A single scalar chunk.
    public static let scalar = ChunkGrid(dims: [])
    public var shape: [Int] { dims.map(\.length) }
    /// Number of chunks (tasks), saturating.
    public var chunkCount: Int { saturatingProduct(dims.map(\.count)) }
    /// Elements in the largest chunk, saturating.
    public var maxChunkElements: Int { saturatingProduct(dims.map(\.maxSize)) }
}

/// Sum that saturates at `Int.max` instead of wrapping (explicit chunk sizes are user input).
public func saturatingSum(_ xs: [Int]) -> Int {
    var s = 0
    for x in xs {
        let (r, o) = s.addingReportingOverflow(x)
        if o { return Int.max }
        s = r
    }
    return s
}

/// Product that saturates at `Int.max` instead of trapping.
public func saturatingProduct(_ xs: [Int]) -> Int {
    var p = 1
    for x in xs {
        if x == 0 { return 0 }
        let (r, o) = p.multipliedReportingOverflow(by: x)
        if o || r < 0 { return Int.max }
        p = r
    }
    return p
}

/// An input array under `arrays:`.
public struct ArrayDecl: Sendable {
    public enum Source: Sendable, Hashable {
        case zeros, ones, range
        case random(seed: UInt64, low: Double, high: Double)
        case load(String)
    }
    public var name: String
    public var nameRange: SourceRange
    public var range: SourceRange
    public var grid: ChunkGrid
    public var dtype: NumericType
    public var source: Source
    public var suppressions: Suppressions?
    /// The `chunks:` value.
    public var chunksRange: SourceRange?
    public init(name: String, nameRange: SourceRange, range: SourceRange, grid: ChunkGrid, dtype: NumericType, source: Source, suppressions: Suppressions? = nil) {
        self.name = name
        self.nameRange = nameRange
        self.range = range
        self.grid = grid
        self.dtype = dtype
        self.source = source
        self.suppressions = suppressions
    }
}

/// A reference by name to an array or step, with the token's range.
public struct Ref: Sendable, Hashable {
    public var name: String
    public var range: SourceRange
    public init(name: String, range: SourceRange) {
        self.name = name
        self.range = range
    }
}

/// An argument of a `map_blocks` call.
public enum CallArgument: Sendable, Hashable {
    /// An object, or a field of it (`mapper.series` ships only the field).
    case object(name: String, path: FieldPath, range: SourceRange)
    case literal(Double, range: SourceRange)
    /// `item` in a per-item step (format 1.1): the loop's current item.
    case item(range: SourceRange)

    public var range: SourceRange {
        switch self {
        case .object(_, _, let r), .literal(_, let r), .item(let r): r
        }
    }
}

/// How a per-item step calls its function once per item (format 1.1), as Dask's docs write the loop.
public enum PerItemForm: String, Sendable, Hashable, CaseIterable {
    /// `[dask.delayed(f)(args…) for item in items]`
    case delayed
    /// `[client.submit(f, args…) for item in items]`
    case submit
    /// `client.map(f, items, *iterables, **kwargs)`
    case map
}

/// The items a per-item step loops over: `{range: N}`, `{range: [START, STOP]}` or a list of numbers.
public enum ItemList: Sendable, Hashable {
    case range(start: Int64, count: Int)
    /// Integers written in the file, each exactly (Python ints).
    case integers([Int64])
    /// Numbers written in the file, one of them at least not an integer (Python floats).
    case values([Double])

    public var count: Int {
        switch self {
        case .range(_, let n): n
        case .integers(let v): v.count
        case .values(let v): v.count
        }
    }
    /// Item `i` as a number.
    public func value(_ i: Int) -> Double {
        switch self {
        case .range(let start, _): Double(start &+ Int64(i))
        case .integers(let v): Double(v[i])
        case .values(let v): v[i]
        }
    }
    /// Item `i` of an integral list, exactly (nil for `.values`).
    public func integer(_ i: Int) -> Int64? {
        switch self {
        case .range(let start, _): start &+ Int64(i)
        case .integers(let v): v[i]
        case .values: nil
        }
    }
    /// Whether every item is an integer (a Python int; the results' storage follows).
    public var isIntegral: Bool {
        if case .values = self { false } else { true }
    }
}

/// A per-item step's loop (format 1.1): the form, the items and where each is written.
public struct PerItem: Sendable, Hashable {
    public var form: PerItemForm
    public var items: ItemList
    /// The form's key (`delayed:`, `submit:`, `map:`) and the `items:` value.
    public var formRange: SourceRange
    public var itemsRange: SourceRange
    public init(form: PerItemForm, items: ItemList, formRange: SourceRange, itemsRange: SourceRange) {
        self.form = form
        self.items = items
        self.formRange = formRange
        self.itemsRange = itemsRange
    }
}

/// What a `map_blocks` step calls.
public enum Callee: Sendable, Hashable {
    case function(name: String, range: SourceRange)
    /// `object.method`: the object is the receiver, shipped like an argument.
    case method(object: String, objectRange: SourceRange, method: String, methodRange: SourceRange)
    /// `object`, an instance whose class declares `__call__` (format 1.1): the instance is the function.
    case instance(object: String, range: SourceRange)
}

/// A reduction kind.
public enum Reduction: String, Sendable, CaseIterable {
    case sum, mean, min, max, count
}

/// A step under `steps:`.
public struct Step: Sendable {
    public enum Kind: Sendable {
        case mapBlocks(callee: Callee, over: [Ref], args: [CallArgument], kwargs: [(name: String, nameRange: SourceRange, value: CallArgument)], dtype: NumericType?)
        case reduce(Reduction, over: Ref, splitEvery: Int)
        case rechunk(Ref, grid: [ChunkSpec])
        /// `left.merge(right, on=column, how=how)` (format 1.2).
        case merge(Ref, with: MergeRight, on: String, onRange: SourceRange, how: MergeHow)
        /// A row-wise step over one frame (format 1.2): `lookup`, `assign`, `filter`.
        /// Indirect, as `groupby`: their payloads are the largest and the rarest, and every step pays
        /// for the largest case inline.
        indirect case rows(Ref, RowOp)
        /// `over.groupby(by)[column].sum(split_every=…)` (format 1.2).
        indirect case groupby(GroupbySpec)
    }
    public var name: String
    public var nameRange: SourceRange
    public var range: SourceRange
    public var kind: Kind
    /// The step's own `lint:` suppressions.
    public var suppressions: Suppressions? {
        get { extras.value?.suppressions }
        set { extras.update { $0.suppressions = newValue } }
    }
    /// For a valid `map_blocks` step: how each parameter of the function is passed (receiver,
    /// block, argument or keyword), in the function's parameter order — resolved once by the front end.
    public var parameterRoles: [Graph.EdgeRole]?
    /// For a per-item step (format 1.1): its loop. The step's kind is then a `map_blocks` call
    /// with no `over`, one task per item; `item` in its arguments is the task's item.
    public var perItem: PerItem? {
        get { extras.value?.perItem }
        set { extras.update { $0.perItem = newValue } }
    }
    /// A `map_partitions` step (format 1.2): the kind is a `map_blocks` call over one frame, one
    /// task per partition; Dask wraps none of its arguments but Delayed ones.
    public var mapsPartitions = false
    /// For a valid `map_partitions` step: the columns of its result, resolved once by the front end.
    public var frameSchema: FrameSchema?
    /// For a reduction of a frame (format 1.2): the column it reduces (`over: people.income`).
    public var reducedColumn: ReducedColumn? {
        get { extras.value?.reducedColumn }
        set { extras.update { $0.reducedColumn = newValue } }
    }
    /// The fields few steps set, out of line: a step stays small in a pipeline of 100,000 steps.
    private var extras = OutOfLine<Extras>()

    struct Extras: RarelySet {
        var suppressions: Suppressions?
        var perItem: PerItem?
        var reducedColumn: ReducedColumn?
        var isEmpty: Bool { suppressions == nil && perItem == nil && reducedColumn == nil }
    }

    public init(name: String, nameRange: SourceRange, range: SourceRange, kind: Kind, suppressions: Suppressions? = nil) {
        self.name = name
        self.nameRange = nameRange
        self.range = range
        self.kind = kind
        if let suppressions { self.suppressions = suppressions }
    }

    /// Names of the arrays and steps this step reads.
    public var inputs: [Ref] {
        switch kind {
        case .mapBlocks(_, let over, _, _, _): over
        case .reduce(_, let over, _): [over]
        case .rechunk(let r, _): [r]
        case .merge(let l, .frame(let r), _, _, _): [l, r]
        case .merge(let l, .object, _, _, _): [l]
        case .rows(let r, _): [r]
        case .groupby(let g): [g.over]
        }
    }
}

/// A chunk size as written for one dimension: a size, or explicit sizes.
public enum ChunkSpec: Sendable, Hashable {
    case size(Int)
    case explicit([Int])
    /// The chunks of a dimension of `length` elements.
    public func chunks(length: Int) -> DimChunks {
        switch self {
        case .size(let s): .uniform(size: s, length: length)
        case .explicit(let xs): .explicit(xs)
        }
    }
}

/// What happens to a result.
public enum OutputKind: Sendable, Hashable {
    case compute
    case persist
    case save(path: String)
}

/// An entry of `outputs:`.
public struct Output: Sendable, Hashable {
    public var target: Ref
    public var kind: OutputKind
    public var range: SourceRange
    public init(target: Ref, kind: OutputKind, range: SourceRange) {
        self.target = target
        self.kind = kind
        self.range = range
    }
}
