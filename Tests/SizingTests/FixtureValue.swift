import Sizing

/// The JSON description calibration/calibrate.py writes for each calibration object
/// (see the docstring there), decoded into a `PyValue`.
indirect enum FixtureValue: Decodable {
    case value(PyValue)

    var pyValue: PyValue {
        switch self { case .value(let v): return v }
    }

    private enum Keys: String, CodingKey {
        case kind, value, count, items, `repeat`, entries, start, dtype, length, index, name, shape
        case module, qualname, methods, fields, receiver, times
    }

    private struct Entry: Decodable {
        var key: String
        var value: FixtureValue
        init(from decoder: Decoder) throws {
            var c = try decoder.unkeyedContainer()
            key = try c.decode(String.self)
            value = try c.decode(FixtureValue.self)
        }
    }

    struct BadFixture: Error, CustomStringConvertible {
        var description: String
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let kind = try c.decode(String.self, forKey: .kind)
        switch kind {
        case "none": self = .value(.none)
        case "bool": self = .value(.bool(try c.decode(Bool.self, forKey: .value)))
        case "int": self = .value(.int(try c.decode(Int64.self, forKey: .value)))
        case "float": self = .value(.float(try c.decode(Double.self, forKey: .value)))
        case "str":
            let s = try c.decode(String.self, forKey: .value)
            let times = try c.decodeIfPresent(Int.self, forKey: .times) ?? 1
            self = .value(.str(String(repeating: s, count: times)))
        case "bytes": self = .value(.bytes(count: try c.decode(Int.self, forKey: .count)))
        case "list", "tuple":
            let items: [PyValue]
            if let r = try c.decodeIfPresent(FixtureValue.self, forKey: .repeat) {
                items = Array(repeating: r.pyValue, count: try c.decode(Int.self, forKey: .count))
            } else {
                items = try c.decode([FixtureValue].self, forKey: .items).map(\.pyValue)
            }
            self = .value(kind == "list" ? .list(items) : .tuple(items))
        case "dict":
            if let r = try c.decodeIfPresent(FixtureValue.self, forKey: .repeat) {
                let n = try c.decode(Int.self, forKey: .count)
                self = .value(.dict((0..<n).map { PyDictEntry(key: "k\($0)", value: r.pyValue) }))
            } else {
                let es = try c.decode([Entry].self, forKey: .entries)
                self = .value(.dict(es.map { PyDictEntry(key: $0.key, value: $0.value.pyValue) }))
            }
        case "range_list":
            self = .value(.intRangeList(start: try c.decode(Int64.self, forKey: .start),
                                        count: try c.decode(Int.self, forKey: .count)))
        case "ndarray":
            self = .value(.ndarray(dtype: try Self.dtype(c.decode(String.self, forKey: .dtype)),
                                   shape: try c.decode([Int].self, forKey: .shape)))
        case "series":
            let idx = try c.decode(String.self, forKey: .index)
            self = .value(.series(SeriesShape(
                dtype: try Self.dtype(c.decode(String.self, forKey: .dtype)),
                length: try c.decode(Int.self, forKey: .length),
                index: idx == "range" ? .range : .int64,
                name: try c.decodeIfPresent(String.self, forKey: .name))))
        case "instance":
            let cls = PyClass(module: try c.decode(String.self, forKey: .module),
                              qualname: try c.decode(String.self, forKey: .qualname),
                              methods: try c.decode([String].self, forKey: .methods))
            let fs = try c.decode([Entry].self, forKey: .fields)
            self = .value(.instance(cls, fields: fs.map { PyDictEntry(key: $0.key, value: $0.value.pyValue) }))
        case "bound_method":
            self = .value(.boundMethod(receiver: try c.decode(FixtureValue.self, forKey: .receiver).pyValue,
                                       name: try c.decode(String.self, forKey: .name)))
        default:
            throw BadFixture(description: "unknown kind \(kind)")
        }
    }

    static func dtype(_ s: String) throws -> DType {
        guard let d = DType(rawValue: s) else { throw BadFixture(description: "unknown dtype \(s)") }
        return d
    }
}

struct CalibrationFile: Decodable {
    struct Versions: Decodable {
        var python: String
        var pickle_protocol: Int
        var cloudpickle: String
        var numpy: String
        var pandas: String
        var dask: String
        var distributed: String
    }
    struct Entry: Decodable {
        var id: String
        var value: FixtureValue
        var wire: Int64
        var flavor: String
        var distributed_wire: Int64
        var dask_sizeof: Int64
        var dask_sampled: Bool
        var resident: Int64
        var auto_delays: Bool
    }
    var versions: Versions
    var entries: [Entry]
}
