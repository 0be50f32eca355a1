import PipelineIR

/// Python source fragments built from user data. Nothing a pipeline file says
/// is pasted into the generated program unescaped: free text (the pipeline's
/// name, paths, string literals, `python:` references) becomes a string
/// literal with every quote, backslash, line break and non-ASCII character
/// escaped, and names become identifiers that are neither Python keywords nor
/// the program's own names.
public enum PythonSyntax {
    /// Python's hard keywords: never usable as identifiers.
    public static let keywords: Set<String> = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
        "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
    ]

    /// Builtins and modules the generated program uses by name: a user name
    /// equal to one of these would shadow it.
    static let usedGlobals: Set<String> = [
        "np", "pd", "da", "dask", "argparse", "contextlib", "importlib", "json", "os", "sys", "time", "zlib",
        "print", "len", "range", "int", "float", "str", "bool", "bytes", "tuple", "list", "dict", "set", "zip",
        "sorted", "open", "getattr", "setattr", "isinstance", "type", "super", "object", "repr", "round",
        "sum", "any", "all", "min", "max", "abs", "enumerate", "map", "iter", "next", "vars", "locals",
        "globals", "ValueError", "TypeError", "SystemExit", "Exception", "__import__", "__name__", "__file__",
        "client", "self", "receiver", "args",
    ]

    /// A string literal in single quotes, printable ASCII only: `'a\'b\n'`.
    public static func string(_ s: String) -> String {
        var out = "'"
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let v = u.value
                if v >= 0x20 && v < 0x7F {
                    out.unicodeScalars.append(u)
                } else if v <= 0xFF {
                    out += "\\x" + hex(v, 2)
                } else if v <= 0xFFFF {
                    out += "\\u" + hex(v, 4)
                } else {
                    out += "\\U" + hex(v, 8)
                }
            }
        }
        return out + "'"
    }

    static func hex(_ v: UInt32, _ width: Int) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    /// A float literal that reads back to the same double: Swift's description
    /// is the shortest round-trip form, as Python's `repr`.
    public static func float(_ d: Double) -> String {
        if d.isNaN { return "float('nan')" }
        if d.isInfinite { return d < 0 ? "float('-inf')" : "float('inf')" }
        return "\(d)"
    }

    /// A number written in the YAML, as the executor reads it: a whole number
    /// in Int64 range is an integer, anything else a float (docs/kernels.md).
    public static func number(_ d: Double) -> String {
        if d.isFinite, d == d.rounded(), d >= -9.223372036854775808e18, d < 9.223372036854775808e18 { return "\(Int64(d))" }
        return float(d)
    }

    /// Whether `s` is a valid Python identifier that is not a keyword (ASCII names only, as the format's).
    public static func isPlainIdentifier(_ s: String) -> Bool {
        guard let first = s.utf8.first, !keywords.contains(s) else { return false }
        func letter(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 }
        return letter(first) && s.utf8.allSatisfy { letter($0) || ($0 >= 48 && $0 <= 57) }
    }

    /// Attribute access `base.name`, or `getattr(base, 'name')` when `name` is a keyword.
    public static func attribute(_ base: String, _ name: String) -> String {
        isPlainIdentifier(name) ? "\(base).\(name)" : "getattr(\(base), \(string(name)))"
    }

    /// `base` projected through `path`: attributes, elements, slices and columns as Python writes them.
    public static func projection(_ base: String, _ path: FieldPath) -> String {
        path.segments.reduce(base) { text, segment in
            switch segment {
            case .field(let f): attribute(text, f)
            case .subscript(let axes): "\(text)[\(axes.map(\.description).joined(separator: ", "))]"
            case .iloc(let axes): "\(text).iloc[\(axes.map(\.description).joined(separator: ", "))]"
            case .column(let c): "\(text)[\(string(c))]"
            }
        }
    }

    /// A dictionary key or keyword-argument name as a string literal list: `'a', 'b'`.
    public static func strings(_ xs: [String]) -> String { xs.map(string).joined(separator: ", ") }
}

/// Hands out unique Python identifiers in one scope: the preferred name when
/// it is free, else the name with `_` appended until it is.
struct Namer {
    private(set) var taken: Set<String>

    init(reserved: Set<String>) { taken = reserved.union(PythonSyntax.keywords) }

    /// A fresh identifier for `name` (itself an identifier by the format's rules).
    mutating func fresh(_ name: String) -> String {
        var candidate = PythonSyntax.isPlainIdentifier(name) ? name : name + "_"
        while taken.contains(candidate) { candidate += "_" }
        taken.insert(candidate)
        return candidate
    }

    /// Claims `name` exactly; false when it is taken or not an identifier.
    mutating func claim(_ name: String) -> Bool {
        guard PythonSyntax.isPlainIdentifier(name), !taken.contains(name) else { return false }
        taken.insert(name)
        return true
    }
}
