/// Sizes of Python values as Dask moves them: on the wire (pickle protocol 5),
/// resident in a worker after unpickling, and as `dask.sizeof` sees them.
/// Every function is O(structure) — never O(elements) for ranges, arrays or
/// Series — and saturates instead of overflowing.
public enum SizeModel {
    /// Bytes of `pickle.dumps(v, protocol=5)`, or of `cloudpickle.dumps(v, protocol=5)`
    /// when any class in `v` lives in `__main__` (distributed's `pickle.dumps` falls back
    /// to cloudpickle when the pickle mentions `__main__`). Opcode-level simulation of
    /// PROTO, FRAME (9 B per ~64 KiB frame), the memo and every opcode; `.exact` when
    /// the stream fits one frame, `.modelled` past that or with a class pickled by value.
    public static func wireSize(_ v: PyValue) -> SizeEstimate { WireModel.size(v) }

    /// Which pickler distributed uses for `v`.
    public static func wireFlavor(_ v: PyValue) -> PickleFlavor { WireModel.flavor(v) }

    /// Bytes the unpickled object occupies in a worker process (deep): e.g.
    /// `list(range(30000))` pickles to ~90 KB but occupies ~1.2 MB (a pointer array
    /// plus one 32-byte int object per value outside the small-int cache).
    public static func residentSize(_ v: PyValue) -> SizeEstimate { ResidentModel.size(v) }

    /// What `dask.sizeof.sizeof(v)` returns on the client (dask 2026.8.0, CPython 3.11).
    public static func daskSizeof(_ v: PyValue) -> SizeEstimate { DaskSizeofModel.size(v) }

    /// Whether `dask.array.core.normalize_arg` would wrap `v` in `delayed` when it is a
    /// map_blocks/blockwise argument (never the function): a list of ≥ 10 items, a str
    /// matching `_\d+` at its start, or `sizeof(v) > 1e6`.
    /// `client.map(f, items, **kwargs)` (distributed 2026.8) wraps a keyword argument into one
    /// graph node when `sizeof(value) > 1e5` — not normalize_arg's 1e6; positional iterables and
    /// the function are never wrapped. Measured: a 12,500-float64 ndarray (sizeof 100,000) is not
    /// wrapped, 12,501 (100,008) is.
    public static let clientMapWrapBytes: Int64 = 100_000

    public static func daskAutoDelays(_ v: PyValue) -> Bool {
        switch v {
        case .list(let xs) where xs.count >= 10: return true
        case .intRangeList(_, let n) where n >= 10: return true
        case .str(let s):
            let u = Array(s.unicodeScalars.prefix(2))
            if u.count == 2, u[0] == "_", ("0"..."9").contains(u[1]) { return true }
        default: break
        }
        return daskSizeof(v).bytes > 1_000_000
    }
}
