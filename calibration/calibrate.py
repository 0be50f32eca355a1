#!/usr/bin/env python3
"""Calibrate pipelint's Sizing model against real pickle / cloudpickle / dask.

Run from the repository root (the fixture path is relative to this file):

    python3 -m venv /work/venv-cal
    /work/venv-cal/bin/pip install -r calibration/requirements.txt
    /work/venv-cal/bin/python calibration/calibrate.py

Every calibration object is *described* in a small JSON shape (the same shape
the Swift tests decode into a `PyValue`), built for real from that description,
and measured:

* ``wire``        len(pickle.dumps(obj, protocol=5)), or cloudpickle.dumps when a
                  class of the object lives in ``__main__`` (``flavor``), exactly
                  as distributed.protocol.pickle.dumps chooses (cross-checked:
                  ``distributed_wire``).
* ``dask_sizeof`` dask.sizeof.sizeof(obj) with random.seed(0); ``dask_sampled`` is
                  true when a second seed gives another answer (list sampling).
* ``resident``    bytes that stay allocated after pickle.loads(wire bytes), measured
                  with tracemalloc (numpy and pandas report their buffers to it),
                  after one warm-up load (so a __main__ class rebuilt by cloudpickle
                  is already in cloudpickle's class tracker, as on a worker after its
                  first task), minimum over 3 runs, gc.collect() before reading.
                  This is what a worker's memory grows by per unpickled copy; a deep
                  sys.getsizeof would miss allocator-level buffers (a bytearray
                  owning an ndarray's data) and double count interned objects.
* ``auto_delays`` whether dask.array.core.normalize_arg wraps it in delayed.

Description JSON shape ("kind" selects the case):
  {"kind":"none"} {"kind":"bool","value":b} {"kind":"int","value":i}
  {"kind":"float","value":x} {"kind":"bytes","count":n}
  {"kind":"str","value":s}  or  {"kind":"str","value":s,"times":n}   (s * n)
  {"kind":"list"|"tuple","items":[d...]}            explicit items
  {"kind":"list"|"tuple","repeat":d,"count":n}      n fresh copies of d
  {"kind":"dict","entries":[[key,d]...]}
  {"kind":"dict","repeat":d,"count":n}              keys "k0".."k{n-1}"
  {"kind":"range_list","start":a,"count":n}         list(range(a, a+n))
  {"kind":"series","dtype":t,"length":n,"index":"range"|"int64","name":s|null}
  {"kind":"ndarray","dtype":t,"shape":[...]}
  {"kind":"instance","module":m,"qualname":q,"methods":[...],"fields":[[k,d]...]}
  {"kind":"bound_method","receiver":d,"name":method}
"""
from __future__ import annotations

import gc
import json
import os
import pickle
import platform
import random
import sys
import tracemalloc

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import cloudpickle  # noqa: E402
import dask  # noqa: E402
import dask.sizeof  # noqa: E402
import distributed  # noqa: E402
import distributed.protocol.pickle as dpickle  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from dask.array.core import normalize_arg  # noqa: E402

import calibmod  # noqa: E402

FIXTURE = os.path.join(HERE, "..", "Tests", "SizingTests", "Fixtures", "calibration.json")


# --- __main__ classes: pickled by value by cloudpickle --------------------------
class Mapper:
    def __init__(self, series):
        self.series = series

    def lookup(self, block):
        return self.series.to_numpy()[block]


class Bare:
    pass


class OnlyInit:
    def __init__(self, series):
        self.series = series


class Wide:
    def __init__(self, series):
        self.series = series

    def lookup(self, block):
        return self.series.to_numpy()[block]

    def total(self):
        return self.series.sum()

    def describe(self, prefix):
        return prefix + str(len(self.series))


MAIN_CLASSES = {c.__name__: c for c in (Mapper, Bare, OnlyInit, Wide)}


# --- building real objects from descriptions -----------------------------------
def fresh_str(s: str) -> str:
    # A new str object (equal strings in a PyValue are distinct objects).
    return s.encode("utf-8").decode("utf-8")


def build(d):
    k = d["kind"]
    if k == "none":
        return None
    if k == "bool":
        return bool(d["value"])
    if k == "int":
        return int(str(d["value"]))  # a fresh int object
    if k == "float":
        return float(repr(float(d["value"])))
    if k == "str":
        return fresh_str(d["value"] * d.get("times", 1))
    if k == "bytes":
        return bytes(d["count"])
    if k in ("list", "tuple"):
        if "repeat" in d:
            items = [build(d["repeat"]) for _ in range(d["count"])]
        else:
            items = [build(x) for x in d["items"]]
        # list(list) allocates exactly len() slots, like a literal or list(range()).
        return list(items) if k == "list" else tuple(items)
    if k == "dict":
        out = {}
        if "repeat" in d:
            for i in range(d["count"]):
                out[sys.intern(f"k{i}")] = build(d["repeat"])
        else:
            for key, v in d["entries"]:
                out[sys.intern(key)] = build(v)
        return out
    if k == "range_list":
        return list(range(d["start"], d["start"] + d["count"]))
    if k == "ndarray":
        return np.zeros(d["shape"], dtype=d["dtype"])
    if k == "series":
        n = d["length"]
        values = np.arange(n).astype(d["dtype"])
        if d["index"] == "range":
            index = pd.RangeIndex(n)
        else:
            index = pd.Index(np.arange(n, dtype=np.int64))
        return pd.Series(values, index=index, name=d.get("name"))
    if k == "instance":
        cls = MAIN_CLASSES[d["qualname"]] if d["module"] == "__main__" else getattr(
            __import__(d["module"]), d["qualname"])
        obj = cls.__new__(cls)
        for key, v in d["fields"]:
            setattr(obj, sys.intern(key), build(v))
        return obj
    if k == "bound_method":
        return getattr(build(d["receiver"]), d["name"])
    raise ValueError(k)


def has_main(d) -> bool:
    if isinstance(d, dict):
        if d.get("kind") == "instance" and d.get("module") == "__main__":
            return True
        return any(has_main(v) for v in d.values())
    if isinstance(d, list):
        return any(has_main(v) for v in d)
    return False


# --- measuring ------------------------------------------------------------------
def measure_resident(data: bytes) -> int:
    keep = pickle.loads(data)  # warm-up: class tracker, interned names, caches
    del keep
    best = None
    for _ in range(3):
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        obj = pickle.loads(data)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        del obj
        size = after - before
        best = size if best is None else min(best, size)
    return max(best, 0)


def measure(eid, desc):
    obj = build(desc)
    # dask.sizeof first: normalize_arg runs on the client before anything is
    # pickled (pickling caches a str's UTF-8 form, which sys.getsizeof counts).
    random.seed(0)
    ds = int(dask.sizeof.sizeof(obj))
    random.seed(12345)
    ds2 = int(dask.sizeof.sizeof(obj))
    random.seed(0)
    try:
        auto = normalize_arg(obj) is not obj
    except Exception:  # pragma: no cover
        auto = False
    flavor = "cloudpickle" if has_main(desc) else "pickle"
    dumps = cloudpickle.dumps if flavor == "cloudpickle" else pickle.dumps
    data = dumps(obj, protocol=5)
    dist = dpickle.dumps(obj, protocol=5)
    entry = {
        "id": eid,
        "value": desc,
        "wire": len(data),
        "flavor": flavor,
        "distributed_wire": len(dist),
        "dask_sizeof": ds,
        "dask_sampled": ds != ds2,
        "resident": measure_resident(data),
        "auto_delays": bool(auto),
    }
    return entry


# --- the calibration set --------------------------------------------------------
def I(v):
    return {"kind": "int", "value": v}


def S(s):
    return {"kind": "str", "value": s}


def entries():
    E = []
    add = lambda eid, d: E.append((eid, d))  # noqa: E731
    add("none", {"kind": "none"})
    add("true", {"kind": "bool", "value": True})
    add("false", {"kind": "bool", "value": False})
    for v in [0, 1, 255, 256, 65535, 65536, 2**31 - 1, 2**31, 2**40, 2**63 - 1,
              -1, -5, -6, -256, -2**31, -2**31 - 1, -2**63]:
        add(f"int_{v}", I(v))
    for v in [0.0, 1.5, -1e300]:
        add(f"float_{v}", {"kind": "float", "value": v})
    for name, s in [("empty", ""), ("a", "a"), ("ascii10", "abcdefghij"),
                    ("ascii255", "x" * 255), ("ascii256", "x" * 256),
                    ("latin1", "héllo wörld"), ("cjk", "日本語テキスト"), ("emoji", "😀" * 10),
                    ("long100k", "y"), ("ucs2_70k", "€")]:
        times = {"long100k": 100_000, "ucs2_70k": 70_000}.get(name)
        add(f"str_{name}", S(s) if times is None else dict(S(s), times=times))
    for n in [0, 1, 255, 256, 65535, 65536, 1_000_000]:
        add(f"bytes_{n}", {"kind": "bytes", "count": n})
    for kind in ("list", "tuple"):
        for n in [0, 1, 2, 3, 4, 10, 11, 999, 1000, 1001, 2500, 100_000, 1_000_000]:
            add(f"{kind}_ints_{n}", {"kind": kind, "repeat": I(1000), "count": n})
        add(f"{kind}_strs_300", {"kind": kind, "repeat": S("label"), "count": 300})
        add(f"{kind}_floats_5000", {"kind": kind, "repeat": {"kind": "float", "value": 2.5}, "count": 5000})
        add(f"{kind}_mixed", {"kind": kind, "items": [I(1), I(70000), S("abc"), {"kind": "none"},
                                                      {"kind": "float", "value": 0.5},
                                                      {"kind": "bytes", "count": 3}, I(-2**40)]})
    for n in [0, 1, 2, 5, 6, 11, 22, 100, 1000, 1001, 5000, 1_000_000]:
        add(f"dict_ints_{n}", {"kind": "dict", "repeat": I(7), "count": n})
    add("dict_nested", {"kind": "dict", "entries": [
        ["a", {"kind": "list", "repeat": I(3), "count": 20}],
        ["b", {"kind": "tuple", "items": [S("x"), I(2)]}],
        ["c", {"kind": "dict", "entries": [["d", {"kind": "float", "value": 1.0}]]}]]})
    for n in [0, 1, 255, 256, 1000, 1001, 30000, 1_000_000]:
        add(f"range_list_{n}", {"kind": "range_list", "start": 0, "count": n})
    add("range_list_neg", {"kind": "range_list", "start": -70000, "count": 140000})
    add("range_list_big", {"kind": "range_list", "start": 2**31 - 500, "count": 1000})
    for dt in ["int64", "float64", "int32", "bool", "float32", "uint8"]:
        for n in [0, 1, 1000, 30000, 1_000_000]:
            for idx in ["range", "int64"]:
                if dt not in ("int64", "float64") and idx == "int64" and n not in (1000,):
                    continue
                add(f"series_{dt}_{idx}_{n}", {"kind": "series", "dtype": dt, "length": n,
                                               "index": idx, "name": None})
    for dt in ["complex64", "complex128", "datetime64[ns]", "timedelta64[ns]"]:
        for n in [0, 1, 1000, 30000, 1_000_000]:
            add(f"series_{dt.replace('[ns]', '')}_range_{n}", {"kind": "series", "dtype": dt, "length": n,
                                                              "index": "range", "name": None})
        add(f"series_{dt.replace('[ns]', '')}_int64_1000", {"kind": "series", "dtype": dt, "length": 1000,
                                                           "index": "int64", "name": None})
    add("series_named", {"kind": "series", "dtype": "int64", "length": 100, "index": "range",
                         "name": "price"})
    dtypes = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
              "float32", "float64", "complex64", "complex128", "datetime64[ns]", "timedelta64[ns]"]
    for dt in dtypes:
        add(f"ndarray_{dt.replace('[ns]', '')}_10", {"kind": "ndarray", "dtype": dt, "shape": [10]})
    for name, dt, shape in [("0d", "int64", []), ("empty", "float64", [0]), ("empty2d", "int32", [0, 5]),
                            ("2d", "float64", [3, 4]), ("3d", "uint8", [2, 3, 4]),
                            ("big1d", "float64", [1_000_000]), ("big2d", "float32", [1000, 1000]),
                            ("big_u8", "uint8", [1_200_000]), ("edge64k", "uint8", [65536]),
                            ("under64k", "uint8", [65535]), ("wide_shape", "int8", [300, 70000]),
                            ("big_c16", "complex128", [200_000]), ("c8_2d", "complex64", [3, 4]),
                            ("big_datetime", "datetime64[ns]", [1_000_000]), ("timedelta_2d", "timedelta64[ns]", [3, 4]),
                            ("empty_datetime", "datetime64[ns]", [0])]:
        add(f"ndarray_{name}", {"kind": "ndarray", "dtype": dt, "shape": shape})
    add("ndarray_list_datetime", {"kind": "list", "repeat": {"kind": "ndarray", "dtype": "datetime64[ns]",
                                                             "shape": [4]}, "count": 3})
    add("ndarray_list_shared_dtype", {"kind": "list", "repeat": {"kind": "ndarray", "dtype": "int64",
                                                                 "shape": [4]}, "count": 3})

    seed_series = {"kind": "series", "dtype": "int64", "length": 30000, "index": "range", "name": None}
    for mod, methods_of in [("calibmod", {"Holder": ["__init__", "lookup"]}),
                            ("__main__", {"Mapper": ["__init__", "lookup"], "Bare": [],
                                          "OnlyInit": ["__init__"],
                                          "Wide": ["__init__", "lookup", "total", "describe"]})]:
        for cls, methods in methods_of.items():
            base = {"kind": "instance", "module": mod, "qualname": cls, "methods": methods}
            add(f"inst_{mod}_{cls}_empty", dict(base, fields=[]))
            add(f"inst_{mod}_{cls}_scalars", dict(base, fields=[["a", I(1)], ["b", S("x")],
                                                                ["rate", {"kind": "float", "value": 0.5}]]))
            if cls in ("Holder", "Mapper"):
                seed = dict(base, fields=[["series", seed_series]])
                add(f"inst_{mod}_{cls}_series30000", seed)
                add(f"bound_{mod}_{cls}_series30000", {"kind": "bound_method", "receiver": seed,
                                                       "name": "lookup"})
                add(f"inst_{mod}_{cls}_ndarray", dict(base, fields=[
                    ["table", {"kind": "ndarray", "dtype": "float64", "shape": [1000, 100]}],
                    ["names", {"kind": "list", "repeat": S("col"), "count": 100}]]))
                add(f"inst_{mod}_{cls}_rangelist", dict(base, fields=[
                    ["ids", {"kind": "range_list", "start": 0, "count": 30000}]]))
                add(f"bound_{mod}_{cls}_empty", {"kind": "bound_method",
                                                 "receiver": dict(base, fields=[]), "name": "lookup"})
    add("list_of_main_instances", {"kind": "list", "repeat": {
        "kind": "instance", "module": "__main__", "qualname": "Mapper", "methods": ["__init__", "lookup"],
        "fields": [["series", {"kind": "series", "dtype": "int64", "length": 10, "index": "range",
                               "name": None}]]}, "count": 3})
    add("str_underscore_digit", S("_1"))
    return E


def main():
    out = {
        "versions": {
            "python": platform.python_version(),
            "pickle_protocol": 5,
            "pickle_highest_protocol": pickle.HIGHEST_PROTOCOL,
            "cloudpickle": cloudpickle.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "dask": dask.__version__,
            "distributed": distributed.__version__,
        },
        "resident_method": "tracemalloc delta across pickle.loads after one warm-up load, min of 3",
        "entries": [],
    }
    for eid, desc in entries():
        e = measure(eid, desc)
        out["entries"].append(e)
        print(f"{eid:40s} wire={e['wire']:>10} {e['flavor']:11s} sizeof={e['dask_sizeof']:>10}"
              f" resident={e['resident']:>10} auto={e['auto_delays']}", file=sys.stderr)
    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    with open(FIXTURE, "w") as f:
        json.dump(out, f, indent=1, sort_keys=False)
        f.write("\n")


if __name__ == "__main__":
    main()
