/// Files written to hurt a YAML linter: alias bombs, deep nesting, broken
/// encodings, tags that other loaders execute, huge scalars, sizes and shapes
/// at the edge of 64-bit arithmetic, paths that leave the pipeline's folder.
///
/// Generated, never committed (the 64 MB scalar would be a 64 MB file), and
/// shared by `Tests/HostileInputTests` (exact findings, hang guard) and
/// `pipelint-bench hostile` (peak memory per case).
public enum HostileInputs {
    /// One hostile file.
    public struct Case: Sendable {
        /// Short kebab-case name, used in test and benchmark output.
        public var name: String
        /// The file's bytes.
        public var bytes: [UInt8]
    }

    /// Every case, in a fixed order. `scratchPath` is a file the tag cases try
    /// to create through `!!python/object/apply:os.system` (a loader that
    /// executes tags would create it).
    public static func all(scratchPath: String = "/tmp/pipelint-hostile-pwned") -> [Case] {
        [
            Case(name: "billion-laughs", bytes: utf8(billionLaughs)),
            Case(name: "flow-nesting-20000", bytes: utf8(flowNesting(depth: 20_000))),
            Case(name: "block-nesting-3000", bytes: utf8(blockNesting(depth: 3_000))),
            Case(name: "invalid-utf8", bytes: utf8("pipeline: t\nversion: 1\nsteps: {}\nname: caf") + [0xC3, 0x28] + utf8("\n")),
            Case(name: "utf16-bom", bytes: [0xFF, 0xFE] + Array(seed.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }),
            Case(name: "nul-bytes", bytes: utf8("pipeline: t\nversion: 1\nsteps: {}\n# a\u{0}b\n")),
            Case(name: "python-tags", bytes: utf8(pythonTags(scratchPath: scratchPath))),
            Case(name: "duplicate-keys", bytes: utf8(duplicateKeys)),
            Case(name: "several-documents", bytes: utf8(seed + "---\n" + seed)),
            Case(name: "scalar-64MB", bytes: utf8("pipeline: t\nversion: 1\nsteps: {}\nnote: ") + [UInt8](repeating: 0x61, count: 64_000_000) + utf8("\n")),
            Case(name: "bytes-1GB", bytes: utf8(declaredGigabyte)),
            Case(name: "bytes-1GB-in-instance", bytes: utf8(declaredGigabyteInInstance)),
            Case(name: "shape-overflow", bytes: utf8(shapeOverflow)),
            Case(name: "chunks-billions", bytes: utf8(chunksInTheBillions)),
            Case(name: "alias-cycle", bytes: utf8(aliasCycle)),
            Case(name: "load-outside-folder", bytes: utf8(loadOutside)),
        ]
    }

    static func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// The seed pipeline: one `Mapper` object passed as an argument to 100 tasks.
    public static let seed = """
        pipeline: seed
        version: 1
        cluster: {scheduler: distributed, workers: 2}
        objects:
          mapper:
            class: Mapper
            fields: {series: {series: {range: 30000, dtype: int64}}}
        functions:
          f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
        arrays:
          x: {shape: [100000], chunks: [1000], dtype: int64}
        steps:
          looked_up: {map_blocks: f, over: [x], args: [mapper]}
        outputs:
          looked_up: persist

        """

    /// A function defined twice (YAML keeps the last; a linter must not guess).
    public static let duplicateKeys = """
        pipeline: dup
        version: 1
        functions:
          f: {params: [block], kernel: identity}
          f: {params: [block], kernel: abs}
        arrays:
          x: {shape: [10], chunks: [5]}
        steps:
          s: {map_blocks: f, over: [x]}

        """

    /// Nine levels of nine aliases each: 9^9 ≈ 387 million nodes when expanded.
    public static let billionLaughs = """
        pipeline: lol
        version: 1
        a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
        g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
        h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
        i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
        steps: {}

        """

    /// `steps: [[[…]]]` nested `depth` deep in flow style.
    public static func flowNesting(depth: Int) -> String {
        "pipeline: deep\nversion: 1\nsteps: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
    }

    /// `k:` mappings nested `depth` deep in block style, one more space per level.
    public static func blockNesting(depth: Int) -> String {
        var s = "pipeline: deep\nversion: 1\nsteps:\n"
        for i in 1...depth { s += String(repeating: " ", count: i) + "k:\n" }
        return s + String(repeating: " ", count: depth + 1) + "v\n"
    }

    /// Tags that PyYAML's unsafe loader would turn into a shell command and an object.
    public static func pythonTags(scratchPath: String) -> String {
        """
        pipeline: t
        version: 1
        objects:
          run: !!python/object/apply:os.system ["touch \(scratchPath)"]
          obj: !!python/object:__main__.Mapper {series: 1}
          mine: !custom {a: 1}
        steps: {}

        """
    }

    /// A `bytes` object declared 1 GB, passed to 100 tasks; nothing may allocate it.
    public static let declaredGigabyte = """
        pipeline: gigabyte
        version: 1
        cluster: {scheduler: distributed, workers: 2, memory_per_worker: 4GiB}
        objects:
          blob: {bytes: {size: 1GB}}
        functions:
          f: {params: [block, blob], kernel: identity}
        arrays:
          x: {shape: [100000], chunks: [1000]}
        steps:
          s: {map_blocks: f, over: [x], args: [blob]}
        outputs:
          s: persist

        """

    /// The same gigabyte as a field of a `__main__` class instance, which
    /// `dask.sizeof` sees as 56 bytes, so Dask copies it into every task.
    public static let declaredGigabyteInInstance = """
        pipeline: gigabyte
        version: 1
        cluster: {scheduler: distributed, workers: 2, memory_per_worker: 4GiB}
        objects:
          holder:
            class: Holder
            fields: {blob: {bytes: {size: 1GB}}}
        functions:
          f: {params: [block, holder], kernel: identity}
        arrays:
          x: {shape: [100000], chunks: [1000]}
        steps:
          s: {map_blocks: f, over: [x], args: [holder]}
        outputs:
          s: persist

        """

    /// An ndarray whose byte size overflows 64 bits, an array whose chunks do,
    /// and an array of 2^126 one-element chunks (valid: counts saturate).
    public static let shapeOverflow = """
        pipeline: overflow
        version: 1
        objects:
          huge: {ndarray: {shape: [4294967296, 4294967296, 4294967296], dtype: float64}}
        functions:
          f: {params: [block, huge], kernel: identity}
        arrays:
          x: {shape: [9223372036854775807, 9223372036854775807], chunks: [4611686018427387904, 4611686018427387904]}
          y: {shape: [9223372036854775807, 9223372036854775807], chunks: [1, 1]}
        steps:
          s: {map_blocks: f, over: [x], args: [huge]}
          t: {reduce: sum, over: y}
        outputs:
          s: persist

        """

    /// 100 billion one-element chunks: the graph must never expand its tasks.
    public static let chunksInTheBillions = """
        pipeline: billions
        version: 1
        objects:
          mapper: {series: {range: 30000}}
        functions:
          f: {params: [block, mapper], kernel: take}
        arrays:
          x: {shape: [100000000000], chunks: [1]}
        steps:
          s: {map_blocks: f, over: [x], args: [mapper]}
          total: {reduce: sum, over: s, split_every: 2}
        outputs:
          total: compute

        """

    /// An anchored mapping that aliases itself.
    public static let aliasCycle = """
        pipeline: cycle
        version: 1
        objects:
          m: &m {class: Mapper, fields: {self: *m}}
        steps: {}

        """

    /// Every `load:` and `save:` path form that leaves the pipeline's folder.
    public static let loadOutside = """
        pipeline: escape
        version: 1
        objects:
          a: {series: {load: ../../etc/passwd, length: 3}}
          b: {ndarray: {shape: [3], load: /etc/shadow}}
          c: {series: {load: data/../../x.npy, length: 3}}
        arrays:
          x: {shape: [3], chunks: [1], source: {load: ~/x.npy}}
        steps:
          s: {rechunk: x, chunks: [3]}
        outputs:
          s: {save: ../out.npy}

        """
}
