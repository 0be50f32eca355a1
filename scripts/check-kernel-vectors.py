#!/usr/bin/env python3
"""Checks Tests/ExecutorTests/Fixtures/kernel-vectors.json with numpy (and dask
for reductions, when installed): the reference implementation of docs/kernels.md.

    python3 scripts/check-kernel-vectors.py            # check; exit 1 on a mismatch
    python3 scripts/check-kernel-vectors.py --write    # regenerate the expected values (then review the diff)
    python3 scripts/check-kernel-vectors.py --generated PROGRAM.py
        # check the kernels, random values and reductions of a program written by
        # `pipelint export --to dask` (needs dask, numpy and pandas)

The Swift executor checks the same file in Tests/ExecutorTests/KernelVectorTests.swift.
"""
import json
import math
import sys
from pathlib import Path

import numpy as np

PATH = Path(__file__).resolve().parent.parent / "Tests/ExecutorTests/Fixtures/kernel-vectors.json"
U = np.uint64


def mix64(z):
    z = z ^ (z >> U(30))
    z = z * U(0xBF58476D1CE4E5B9)
    z = z ^ (z >> U(27))
    z = z * U(0x94D049BB133111EB)
    return z ^ (z >> U(31))


def random_bits(seed, start, count):
    with np.errstate(over="ignore"):
        i = np.arange(start, start + count, dtype=np.uint64)
        return mix64(U(seed) ^ mix64(i + U(1)))


def random_values(seed, start, count, low, high, dtype):
    u = random_bits(seed, start, count)
    if dtype == "float64":
        return low + (u >> U(11)).astype(np.float64) * 2.0**-53 * (high - low)
    lo, hi = int(low), int(high)
    span = hi - lo
    if span <= 0:
        return np.full(count, lo, dtype=np.int64)
    return (np.int64(lo) + (u % U(span)).astype(np.int64)).astype(np.int64)


def to_json_float(v):
    """Floats are stored as strings (Python repr: shortest round trip), so no JSON parser rounds them."""
    return repr(float(v))


def from_json_float(v):
    return float(v)


NAT = np.iinfo(np.int64).min


def array_from(spec):
    """float64 values are repr strings, complex128 ones [re, im] pairs of them, nanosecond
    ones integers with "NaT" for NaT."""
    shape = spec["shape"]
    n = int(np.prod(shape)) if shape else 1
    dtype = spec["dtype"]
    if "random" in spec:
        r = spec["random"]
        a = random_values(r["seed"], 0, n, r.get("low", 0.0), r.get("high", 1.0), dtype)
    elif dtype == "float64":
        a = np.array([from_json_float(v) for v in spec["data"]], dtype=np.float64)
    elif dtype == "complex128":
        a = np.array([complex(from_json_float(r), from_json_float(i)) for r, i in spec["data"]], dtype=np.complex128)
    elif dtype in ("datetime64[ns]", "timedelta64[ns]"):
        a = np.array([NAT if v == "NaT" else v for v in spec["data"]], dtype=np.int64).view(dtype)
    else:
        a = np.array(spec["data"], dtype=np.int64)
    return a.reshape(shape)


def array_json(a):
    a = np.asarray(a)
    dtype = {"f": "float64", "c": "complex128", "M": "datetime64[ns]", "m": "timedelta64[ns]"}.get(a.dtype.kind, "int64")
    if dtype == "float64":
        data = [to_json_float(v) for v in a.ravel()]
    elif dtype == "complex128":
        data = [[to_json_float(v.real), to_json_float(v.imag)] for v in a.ravel()]
    elif dtype in ("datetime64[ns]", "timedelta64[ns]"):
        data = ["NaT" if v == NAT else int(v) for v in a.astype(dtype).view(np.int64).ravel()]
    else:
        data = [int(v) for v in a.ravel()]
    return {"dtype": dtype, "shape": list(a.shape), "data": data}


def scalar_from(spec):
    return np.int64(spec["scalar"]) if spec.get("dtype") == "int64" else np.float64(from_json_float(spec["scalar"]))


def arg_value(a):
    if "scalar" in a:
        return scalar_from(a)
    key = next(k for k in ("block", "table", "array") if k in a)
    return array_from(a[key])


def kernel(name, args):
    """docs/kernels.md, in numpy."""
    with np.errstate(all="ignore"):
        if name == "identity":
            return args[0]
        if name == "take":
            x, t = args
            n = len(t)
            if x.dtype.kind == "f":
                ok = np.isfinite(x) & (x > -1) & (x < n)
                idx = np.where(ok, np.trunc(np.where(ok, x, 0)), 0).astype(np.int64)
            else:
                ok = (x >= 0) & (x < n)
                idx = np.where(ok, x, 0)
            fill = {"f": np.nan, "c": np.nan, "M": np.datetime64("NaT", "ns"), "m": np.timedelta64("NaT", "ns")}.get(t.dtype.kind, 0)
            return np.where(ok, t[idx] if n else np.zeros(x.shape, t.dtype), fill).astype(t.dtype)
        if name in ("add", "sub", "mul", "div", "scale"):
            x, y = args
            if name == "div":
                return np.true_divide(x.astype(np.float64) if x.dtype.kind in "iub" else x, y)
            op = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "scale": np.multiply}[name]
            return op(x, y)
        if name == "clip":
            x, lo, hi = args
            r = np.minimum(np.maximum(x, lo), hi)
            return r
        if name == "where":
            c, x, y = args
            return np.where(c != 0, x, y)
        if name == "abs":
            return np.abs(args[0])
        if name == "sqrt":
            x = args[0]
            return np.sqrt(x if x.dtype.kind == "c" else x.astype(np.float64))
        if name == "searchsorted":
            x, e = args
            return np.searchsorted(e, x, side="left").astype(np.int64)
        if name == "dot":
            x, w = args
            return np.asarray(np.dot(x, w))
    raise ValueError(name)


def reduce_expected(v):
    """What Dask computes: from_array with the vector's chunks, contiguous blocks, split_every."""
    a = array_from(v["array"])
    r = v["reduction"]
    if r == "count":
        n = int(np.sum(~np.isnan(a))) if a.dtype.kind == "f" else a.size
        return {"dtype": "int64", "value": n}
    try:
        import dask.array as da
    except ImportError:
        return None
    x = da.from_array(a, chunks=tuple(tuple(c) for c in v["chunks"])).map_blocks(np.ascontiguousarray)
    f = {"sum": x.sum, "mean": x.mean, "min": x.min, "max": x.max}[r]
    with np.errstate(all="ignore"):
        out = f(split_every=v["split_every"]).compute(scheduler="sync")
    out = np.asarray(out)
    if out.dtype.kind == "f":
        return {"dtype": "float64", "value": to_json_float(out)}
    return {"dtype": "int64", "value": int(out)}


def compute(v):
    k = v["kind"]
    if k == "kernel":
        return array_json(kernel(v["kernel"], [arg_value(a) for a in v["args"]]))
    if k == "random":
        return array_json(random_values(v["seed"], v["start"], v["count"], v.get("low", 0.0), v.get("high", 1.0), v["dtype"]))
    if k == "reduce":
        return reduce_expected(v)
    raise ValueError(k)


def canonical(x):
    """Any NaN equals any NaN (numpy and Swift may differ in NaN sign and payload)."""
    if isinstance(x, str) and x.lstrip("-") == "nan":
        return "nan"
    if isinstance(x, list):
        return [canonical(v) for v in x]
    if isinstance(x, dict):
        return {k: canonical(v) for k, v in x.items()}
    return x


def same(a, b):
    if a is None:
        return True
    return json.dumps(canonical(a), sort_keys=True) == json.dumps(canonical(b), sort_keys=True)


def generated_compute(program):
    """The same vectors through an exported program's own functions (_k_*, _random_values, _reduce)."""
    import dask.array as da

    def compute_with(v):
        k = v["kind"]
        if k == "kernel":
            f = getattr(program, "_k_" + v["kernel"])
            with np.errstate(all="ignore"):
                return array_json(f(*[arg_value(a) for a in v["args"]]))
        if k == "random":
            index = np.arange(v["start"], v["start"] + v["count"], dtype=np.uint64)
            return array_json(program._random_values(v["seed"], index, v.get("low", 0.0), v.get("high", 1.0), v["dtype"] == "float64"))
        if k == "reduce":
            a = array_from(v["array"])
            x = da.from_array(a, chunks=tuple(tuple(c) for c in v["chunks"])).map_blocks(np.ascontiguousarray)
            with np.errstate(all="ignore"):
                out = np.asarray(program._reduce(x, v["reduction"], v["split_every"]).compute(scheduler="sync"))
            if out.dtype.kind == "f":
                return {"dtype": "float64", "value": to_json_float(out)}
            return {"dtype": "int64", "value": int(out)}
        raise ValueError(k)
    return compute_with


def load_program(path):
    import importlib.util
    spec = importlib.util.spec_from_file_location("exported_program", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    doc = json.loads(PATH.read_text())
    write = "--write" in sys.argv
    compute = globals()["compute"]
    label = "numpy"
    if "--generated" in sys.argv:
        path = sys.argv[sys.argv.index("--generated") + 1]
        compute = generated_compute(load_program(path))
        label = path
    bad = 0
    for v in doc["vectors"]:
        got = compute(v)
        if write:
            if got is not None:
                v["expected"] = got
            continue
        if not same(got, v["expected"]):
            bad += 1
            print(f"MISMATCH {v['name']}: {label} {json.dumps(got)[:200]} vs file {json.dumps(v['expected'])[:200]}")
    if write:
        PATH.write_text(json.dumps(doc, indent=1) + "\n")
        print(f"wrote {len(doc['vectors'])} vectors to {PATH}")
        return 0
    print(f"{len(doc['vectors']) - bad} of {len(doc['vectors'])} vectors agree with {label}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
