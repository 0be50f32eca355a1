import Foundation

/// The runtime support every exported program carries: kernels (docs/kernels.md),
/// the counter-based random generator, array sources, object helpers, the
/// scheduler connection and the results writer. Kept in one piece so a test can
/// check it (scripts/check-kernel-vectors.py --generated runs the kernel vectors
/// through these functions).
enum DaskRuntime {
    /// The imports every program starts with.
    static let imports = """
    import argparse
    import contextlib
    import importlib
    import json
    import os
    import sys
    import time
    import zlib

    import dask
    import dask.array as da
    import numpy as np
    import pandas as pd
    from dask.delayed import Delayed
    """

    /// Python source of the runtime functions.
    static let text = #"""
# ---------------------------------------------------------------------------
# Runtime support, the same in every exported program (docs/dask.md).
# Kernels follow docs/kernels.md and pass the JSON test vectors of the Swift
# executor (scripts/check-kernel-vectors.py --generated PROGRAM).
# ---------------------------------------------------------------------------

_U = np.uint64


def _storage(a):
    """The executor computes floats as float64 and integers and bools as int64."""
    a = np.asarray(a)
    return a.astype(np.float64) if a.dtype.kind == "f" else a.astype(np.int64)


def _mix64(z):
    """The SplitMix64 finalizer, modulo 2**64 (docs/pipeline-format.md, "Random values")."""
    z = z ^ (z >> _U(30))
    z = z * _U(0xBF58476D1CE4E5B9)
    z = z ^ (z >> _U(27))
    z = z * _U(0x94D049BB133111EB)
    return z ^ (z >> _U(31))


def _random_bits(seed, index):
    """Raw 64 bits of the elements at global indices `index` (uint64 array)."""
    with np.errstate(over="ignore"):
        return _mix64(_U(seed) ^ _mix64(index + _U(1)))


def _int_bounds(low, high):
    lo, hi = int(np.clip(np.trunc(low), -2**63, 2**63 - 1)), int(np.clip(np.trunc(high), -2**63, 2**63 - 1))
    return lo, (hi - lo if hi > lo else 0)


def _random_values(seed, index, low, high, is_float):
    """Floats low + (u >> 11) * 2**-53 * (high - low); integers low + u mod (high - low)."""
    u = _random_bits(seed, index)
    if is_float:
        return low + (u >> _U(11)).astype(np.float64) * 2.0**-53 * (high - low)
    lo, span = _int_bounds(low, high)
    if span == 0:
        return np.full(u.shape, lo, dtype=np.int64)
    with np.errstate(over="ignore"):
        return np.int64(lo) + (u % _U(span)).astype(np.int64)


def _global_index(location, shape):
    """Global row-major element indices of the block at `location` ([(start, stop), ...])."""
    index = np.zeros((), dtype=np.uint64)
    for (start, stop), n in zip(location, shape):
        index = index[..., None] * _U(n) + np.arange(start, stop, dtype=np.uint64)
    return index


def _path(relative):
    """A `load:`/`save:` path of the pipeline file, made absolute on the client."""
    return os.path.normpath(os.path.join(BASE_DIR, relative))


def _source_block(kind, is_float, seed=0, low=0.0, high=1.0, path=None, block_info=None):
    """One chunk of an input array (`arrays:`), from its place in the whole array."""
    info = block_info[None]
    location, shape = info["array-location"], info["shape"]
    block_shape = tuple(stop - start for start, stop in location)
    dtype = np.float64 if is_float else np.int64
    if kind == "zeros":
        return np.zeros(block_shape, dtype)
    if kind == "ones":
        return np.ones(block_shape, dtype)
    if kind == "range":
        return _global_index(location, shape).astype(dtype)
    if kind == "random":
        return _random_values(seed, _global_index(location, shape), low, high, is_float)
    whole = np.load(path, mmap_mode="r")
    return _storage(whole[tuple(slice(start, stop) for start, stop in location)])


def _source(token, shape, chunks, dtype, kind, **source):
    """A chunked input array: one task per chunk, in the storage dtype."""
    is_float = np.dtype(dtype).kind == "f"
    if kind == "load":
        found = np.load(source["path"], mmap_mode="r").shape
        if tuple(found) != tuple(shape):
            raise SystemExit(f"{PIPELINE}: {source['path']} has shape {tuple(found)} but the array declares {tuple(shape)}")
    storage = np.float64 if is_float else np.int64
    chunks = da.core.normalize_chunks(chunks, shape)
    return da.map_blocks(_source_block, kind, is_float, **source, chunks=chunks, dtype=storage,
                         meta=np.empty((0,) * len(shape), storage), token=token)


def _series(values, dtype, explicit_index, name):
    """A pandas Series: RangeIndex, or an explicit int64 index of labels 0..n-1."""
    values = np.asarray(values).astype(dtype)
    index = pd.Index(np.arange(len(values), dtype=np.int64)) if explicit_index else pd.RangeIndex(len(values))
    return pd.Series(values, index=index, name=name)


def _csv_column(path, is_float, length):
    """One number per line, blank lines skipped (`series: {load: ...}`)."""
    values = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            text = line.strip()
            if not text:
                continue
            try:
                v = float(text) if is_float else int(text)
            except ValueError:
                v = float(text) if not is_float and float(text).is_integer() else None
                if v is None:
                    raise ValueError(f"{path} line {number}: {text!r} is not {'a number' if is_float else 'an integer'}")
                v = int(v)
            values.append(v)
    if length is not None and len(values) != length:
        raise ValueError(f"{path} has {len(values)} values but the series declares length: {length}")
    return np.array(values, dtype=np.float64 if is_float else np.int64)


def _ndarray(shape, dtype, fill, seed=0):
    """`ndarray:` with fill zeros, ones, range (row-major index) or random."""
    n = int(np.prod(shape)) if shape else 1
    if fill == "random":
        bits = _random_bits(seed, np.arange(n, dtype=np.uint64))
        values = (bits >> _U(11)).astype(np.float64) * 2.0**-53 if np.dtype(dtype).kind == "f" else (bits >> _U(1)).astype(np.int64)
    elif fill == "range":
        values = np.arange(n)
    else:
        values = np.full(n, 1 if fill == "ones" else 0)
    return values.astype(dtype).reshape(shape)


def _field(value, *path):
    """Follows a field path (`mapper.series`) through instance attributes."""
    for name in path:
        value = getattr(value, name)
    return value


def _scatter(client, value):
    """`placement: scatter`: one copy per worker up front (`client.scatter(..., broadcast=True)`).
    The local schedulers have no scatter; a delayed value is the closest (one copy in the graph)."""
    if client is None:
        return dask.delayed(value)
    return client.scatter(value, broadcast=True)


def _project(client, value, *path):
    """A field of a delayed or scattered object, taken on the worker that holds it; of a plain
    object, taken here on the client (`args: [mapper.series]` ships only the field)."""
    if isinstance(value, Delayed):
        return dask.delayed(_field, pure=True)(value, *path)
    if client is not None and type(value).__name__ == "Future":
        return client.submit(_field, value, *path)
    return _field(value, *path)


def _wait_for(collections):
    from distributed import futures_of, wait
    futures = [f for c in collections for f in futures_of(c)]
    if futures:
        wait(futures)


def _import(reference):
    """`package.module:name` (a `python:` function or factory), imported on first use."""
    module, _, qualname = reference.partition(":")
    value = importlib.import_module(module)
    for part in qualname.split("."):
        value = getattr(value, part)
    return value


def _operand(v):
    """A kernel argument: a block or table as a storage-dtype array, a number as itself."""
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        return v
    if isinstance(v, pd.Series):
        return _storage(v.to_numpy())
    return _storage(v)


def _k_identity(x):
    return _operand(x)


def _k_take(x, table):
    """table[x] by position; an invalid index gives NaN (float table) or 0 (integer table)."""
    x, table = _operand(x), _operand(table)
    n = len(table)
    with np.errstate(invalid="ignore"):
        if x.dtype.kind == "f":
            ok = np.isfinite(x) & (x > -1) & (x < n)
            index = np.trunc(np.where(ok, x, 0)).astype(np.int64)
        else:
            ok = (x >= 0) & (x < n)
            index = np.where(ok, x, 0)
    taken = table[index] if n else np.zeros(x.shape, table.dtype)
    return np.where(ok, taken, np.nan if table.dtype.kind == "f" else 0).astype(table.dtype)


def _k_arith(op, x, y):
    x, y = _operand(x), _operand(y)
    with np.errstate(all="ignore"):
        return op(x, y)


def _k_add(x, y):
    return _k_arith(np.add, x, y)


def _k_sub(x, y):
    return _k_arith(np.subtract, x, y)


def _k_mul(x, y):
    return _k_arith(np.multiply, x, y)


def _k_div(x, y):
    """True division, always float64."""
    x, y = _operand(x), _operand(y)
    with np.errstate(all="ignore"):
        return np.true_divide(x.astype(np.float64), y)


def _k_scale(x, factor):
    return _k_mul(x, factor)


def _k_clip(x, low, high):
    """minimum(maximum(x, low), high): NaN stays NaN (np.clip would keep -0.0)."""
    x, low, high = _operand(x), _operand(low), _operand(high)
    return np.minimum(np.maximum(x, low), high)


def _k_where(cond, x, y):
    """x where cond != 0 (NaN counts as true) else y."""
    cond, x, y = _operand(cond), _operand(x), _operand(y)
    return np.asarray(np.where(cond != 0, x, y))


def _k_abs(x):
    return np.abs(_operand(x))


def _k_sqrt(x):
    with np.errstate(invalid="ignore"):
        return np.sqrt(_operand(x).astype(np.float64))


def _k_searchsorted(x, edges):
    """Bin index: the number of edges before x (numpy's side='left'; NaN sorts last)."""
    x, edges = _operand(x), _operand(edges)
    return np.searchsorted(edges, x, side="left").astype(np.int64)


def _k_dot(x, weights):
    """Row-wise product, summed over j = 0..k-1 in order (BLAS may sum in another order)."""
    x, w = _operand(x), _operand(weights)
    if x.ndim not in (1, 2) or w.ndim not in (1, 2):
        raise ValueError(f"dot needs 1-D or 2-D operands, got {x.shape} and {w.shape}")
    k = x.shape[-1]
    if w.shape[0] != k:
        raise ValueError(f"dot: the block has {k} columns but the weights have {w.shape[0]} rows")
    dtype = np.int64 if x.dtype.kind != "f" and w.dtype.kind != "f" else np.float64
    total = np.zeros(x.shape[:-1] + w.shape[1:], dtype=dtype)
    with np.errstate(over="ignore"):
        for j in range(k):
            total = total + (x[..., j, None] * w[j] if w.ndim == 2 else x[..., j] * w[j])
    return total


def _count_chunk(x, axis=None, keepdims=False):
    """Non-NaN elements (every element of an integer block)."""
    return np.sum(x == x, axis=axis, keepdims=keepdims, dtype=np.int64)


def _count_combine(x, axis=None, keepdims=False):
    return np.sum(x, axis=axis, keepdims=keepdims, dtype=np.int64)


def _reduce(x, how, split_every):
    """Dask's own tree reductions (docs/kernels.md, "Reductions"); count as a da.reduction."""
    if how == "count":
        return da.reduction(x, _count_chunk, _count_combine, combine=_count_combine,
                            split_every=split_every, dtype=np.int64, name="count")
    return getattr(x, how)(split_every=split_every)


def _live_copies(probes):
    """Runs inside a worker: live instances of each probed object's class (or Series of its length)."""
    import gc
    gc.collect()
    counts = dict.fromkeys((name for name, _, _ in probes), 0)
    for obj in gc.get_objects():
        t = type(obj)
        for name, kind, what in probes:
            if kind == "class" and t.__qualname__ == what[1] and t.__module__ == what[0]:
                counts[name] += 1
            elif kind == "series" and t.__name__ == "Series" and t.__module__.startswith("pandas") and len(obj) == what:
                counts[name] += 1
    return counts


def _connect(args):
    """A distributed Client (given address, DASK_SCHEDULER_ADDRESS, or a LocalCluster shaped like
    `cluster:`), or None for the local threaded/processes schedulers."""
    address = args.scheduler_address or os.environ.get("DASK_SCHEDULER_ADDRESS")
    workers = args.workers or CLUSTER["workers"]
    threads = args.threads_per_worker or CLUSTER["threads_per_worker"]
    if address:
        from distributed import Client
        return Client(address), None
    if SCHEDULER != "distributed":
        # Local schedulers: threads pass objects by reference, processes pickle every task.
        dask.config.set(scheduler=SCHEDULER, num_workers=workers * threads if SCHEDULER == "threads" else workers)
        return None, None
    from distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                           memory_limit=CLUSTER["memory_per_worker"] or "auto", dashboard_address=None)
    return Client(cluster), cluster


def _ship_modules(client):
    """Generated modules for importable classes, written next to this program and uploaded to
    the workers of an existing cluster (a LocalCluster's workers inherit sys.path)."""
    if not MODULES:
        return
    import tempfile
    import zipfile
    folder = tempfile.mkdtemp(prefix="pipelint-modules-")
    for relative, text in MODULES.items():
        target = os.path.join(folder, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)
    sys.path.insert(0, folder)
    if client is not None:
        archive = os.path.join(folder, "pipelint_modules.zip")
        with zipfile.ZipFile(archive, "w") as z:
            for relative in MODULES:
                z.write(os.path.join(folder, relative), relative)
        client.upload_file(archive)


def _write_npy(path, array):
    """Written under a temporary name and renamed, as `pipelint run` writes results."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    temp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.partial-{os.getpid()}")
    with open(temp, "wb") as f:
        np.save(f, array, allow_pickle=False)
    os.replace(temp, path)


def _summary_text(value):
    """A scalar as `pipelint run` prints it (Python's repr of a float is Swift's description)."""
    value = np.asarray(value)[()]
    if np.asarray(value).dtype.kind == "f":
        return repr(float(value))
    return str(int(value))


def main(argv=None):
    parser = argparse.ArgumentParser(description=f"Runs pipeline {PIPELINE!r} with Dask and writes its results.")
    parser.add_argument("--scheduler-address", help="an existing Dask scheduler (default: $DASK_SCHEDULER_ADDRESS, "
                        "else a LocalCluster shaped like the pipeline's cluster)")
    parser.add_argument("--out", "-o", default=os.path.join("pipelint-out", PIPELINE + "-dask"), help="output folder")
    parser.add_argument("--workers", type=int, help="LocalCluster workers (default: the pipeline's cluster)")
    parser.add_argument("--threads-per-worker", type=int, help="LocalCluster threads per worker")
    parser.add_argument("--memory-sampler", metavar="CSV", help="record cluster memory with distributed's MemorySampler")
    parser.add_argument("--count-copies", action="store_true",
                        help="after persisting, count live copies of each object on the workers (a gc probe)")
    args = parser.parse_args(argv)

    _ship_modules(None)
    client, cluster = _connect(args)
    try:
        if client is not None and (args.scheduler_address or os.environ.get("DASK_SCHEDULER_ADDRESS")):
            _ship_modules(client)
        outputs = build_graph(client)
        collections = [c for _, _, _, c in outputs]
        keys = {}
        for c in collections:
            keys.update(dict(c.__dask_graph__()))
        tasks = len(keys)
        sampler = None
        if args.memory_sampler and client is not None:
            from distributed.diagnostics import MemorySampler
            sampler = MemorySampler()
        start = time.perf_counter()
        with (sampler.sample(PIPELINE, interval=0.05) if sampler else contextlib.nullcontext()):
            # `persist` outputs are held in worker memory, as `pipelint run` holds them.
            held = [c.persist() if kind == "persist" else c for _, kind, _, c in outputs]
            if client is not None:
                _wait_for(held)
                if args.count_copies:
                    for worker, counts in sorted(client.run(_live_copies, PROBES).items()):
                        print("copies on " + worker + ": " + ", ".join(f"{n} {counts[n]}" for n in sorted(counts)))
            values = dask.compute(*held)
        seconds = time.perf_counter() - start
        lines, items = [], []
        for (name, kind, save, _), value in zip(outputs, values):
            value = np.asarray(value)
            dtype = "float64" if value.dtype.kind == "f" else "int64"
            value = value.astype(dtype)
            item = {"name": name, "output": kind, "dtype": dtype, "shape": list(value.shape)}
            if value.ndim == 0:
                text = _summary_text(value)
                lines.append(f"{name} = {text}")
                item["value"] = float(value) if dtype == "float64" and np.isfinite(value) else (int(value) if dtype == "int64" else text)
            else:
                relative = save or name + ".npy"
                data = np.ascontiguousarray(value).astype("<" + dtype[0] + "8")
                _write_npy(os.path.join(args.out, relative), data)
                crc = f"{zlib.crc32(data.tobytes()) & 0xFFFFFFFF:08x}"
                lines.append(f"{name}: {dtype} {tuple(value.shape)} \u2192 {args.out}/{relative} (crc32 {crc})")
                item.update(file=relative, crc32=crc)
            items.append(item)
        where = "distributed" if client is not None else SCHEDULER
        for line in lines:
            print(line)
        print(f"{tasks} tasks in {seconds:.3f} s on {where} (dask {dask.__version__})")
        document = {"version": 1, "pipeline": PIPELINE, "scheduler": where, "tasks": tasks,
                    "seconds": round(seconds, 3), "outputs": items, "dask": dask.__version__,
                    "checksum": "crc32 (zlib.crc32) of the .npy data bytes after the header: little-endian, C order"}
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
            json.dump(document, f, indent=2, sort_keys=True)
        print(f"results in {args.out}/results.json")
        if sampler is not None:
            sampler.to_pandas().to_csv(args.memory_sampler)
            print(f"memory timeline in {args.memory_sampler}")
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    return 0
"""#

    /// Top-level names the runtime defines: user names must not take them.
    static let definedNames: Set<String> = {
        var names = Set<String>()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("def ") || line.hasPrefix("class ") {
                let rest = line.drop { $0 != " " }.dropFirst()
                names.insert(String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }))
            } else if let eq = line.firstIndex(of: "="), !line.hasPrefix(" "), !line.hasPrefix("#") {
                names.insert(line[..<eq].trimmingCharacters(in: .whitespaces))
            }
        }
        return names
    }()
}
