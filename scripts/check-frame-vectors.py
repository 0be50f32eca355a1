#!/usr/bin/env python3
"""Checks Tests/ExecutorTests/Fixtures/frame-kernel-vectors.json with pandas and dask: each vector's
partition through the exported program's own frame kernels (`_k_map_column`, `_k_score_rows` of
Sources/Export/python/pipelint_runtime.py), written as `pipelint run` and the exported program write a
frame (`to_csv(index_label="index", lineterminator="\\n")`), must be the vector's expected CSV text.
The row steps and groupby sums (`"kernel": "lookup" | "assign" | "filter" | "groupby"`) run the
exported program's pandas lines (`part.assign(c=part[k].map(table))`, `a.where(cond, b)`,
`part[part[c] >= v]`) and, for groupby, dask itself (`dd.from_map` over the vector's partitions,
`groupby(by)[col].sum(split_every=s, split_out=1)`, then `reset_index()` as the driver writes it);
their expected result is structured: the index labels and each column's name, dtype and values
(floats as `float.hex`, so bit for bit). Merges (`"kernel": "merge"`) are pandas'
`left.merge(right, on=KEY, how=HOW)`; hash partitions (`"hash"`) and column reductions over
partitions (`"reduce"`) come from dask itself (`partitioning_index` as a hash join calls it;
`frame[col].REDUCE(split_every=s)` over `dd.from_map` of the parts, written as its numpy dtype and
value). The Swift tests (FrameKernelVectorTests) run the same vectors through the executor.

    python3 scripts/check-frame-vectors.py            # check; exit 1 on a mismatch
    python3 scripts/check-frame-vectors.py --write    # regenerate the expected text (then review the diff)

Needs numpy, pandas, pyarrow (string[pyarrow] columns) and dask (the groupby vectors).
"""
import json
import operator
import re
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
PATH = ROOT / "Tests/ExecutorTests/Fixtures/frame-kernel-vectors.json"
sys.path.insert(0, str(ROOT / "Sources/Export/python"))
import pipelint_runtime as rt  # noqa: E402


def number(v):
    """A float written as its repr or as `float.hex` text."""
    return float.fromhex(v) if "0x" in v else float(v)


def column(spec):
    dtype = spec["dtype"]
    if dtype == "string":
        return pd.array(spec["data"], dtype=pd.StringDtype("pyarrow"))
    if dtype == "category":
        return pd.Categorical.from_codes(spec["codes"], dtype=rt._category_dtype(spec["categories"]))
    if dtype == "datetime64[ns]":
        return np.array(spec["data"], dtype=np.int64).view("datetime64[ns]")
    if dtype.startswith("float"):
        return np.array([number(v) for v in spec["data"]], dtype=dtype)
    if dtype == "uint64":
        return np.array(spec["data"], dtype=np.int64).view(np.uint64)  # written as int64 bit patterns
    return np.array(spec["data"], dtype=dtype)


def partition(spec):
    start = spec.get("start", 0)
    cols = spec["columns"]
    n = len(cols[0].get("data", cols[0].get("codes", [])))
    index = pd.RangeIndex(start, start + n) if "labels" not in spec else pd.Index(spec["labels"], dtype="int64")
    return pd.DataFrame({c["name"]: column(c) for c in cols}, index=index)


def literal(text):
    """A number of an `assign` expression: a Python int or float (NEP 50 weak scalars)."""
    return int(text) if re.fullmatch(r"-?[0-9]+", text) else float(text)


def expr(e, part):
    """An `assign` expression as the exported program writes it (Sources/Export/FrameRowExport.swift):
    columns `part[c]`, numbers Python scalars, `+ - * /`, `a.where(cond, b)` or, when only `b` reads
    a column, `b.mask(cond, a)`."""
    if isinstance(e, str):
        return part[e]
    (op, args), = e.items()
    if op == "num":
        return literal(args)
    if op == "where":
        (cop, (l, r)), = args[0].items()
        test = COMPARE[cop](expr(l, part), expr(r, part))
        a, b = expr(args[1], part), expr(args[2], part)
        return b.mask(test, a) if not isinstance(a, pd.Series) else a.where(test, b)
    x, y = expr(args[0], part), expr(args[1], part)
    return ARITH[op](x, y)


ARITH = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}
COMPARE = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge,
           "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def dtype_name(dtype):
    if isinstance(dtype, pd.CategoricalDtype):
        return "category"
    if isinstance(dtype, pd.StringDtype):
        return "string"
    return str(dtype)


def described(frame):
    """A result frame as the vectors write it: labels, then each column's name, dtype and values."""
    cols = []
    for name in frame.columns:
        s = frame[name]
        d = dtype_name(s.dtype)
        c = {"name": str(name), "dtype": d}
        if d == "category":
            c["codes"] = [int(v) for v in s.cat.codes]
        elif d == "string":
            c["data"] = [None if v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v) for v in s.astype(object)]
        elif d.startswith("float"):
            c["data"] = [float(v).hex() for v in s.to_numpy()]
        elif d == "object":
            c["data"] = [None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else str(v) for v in s.to_numpy()]
        elif d == "bool":
            c["data"] = [bool(v) for v in s.to_numpy()]
        else:
            c["data"] = [int(v) for v in s.to_numpy().view("int64" if d.startswith("datetime") or d == "uint64" else s.dtype)]
        cols.append(c)
    return {"labels": [int(v) for v in frame.index], "columns": cols}


def groupby(v):
    import dask
    import dask.dataframe as dd
    parts = [partition(p) for p in v["parts"]]
    frame = dd.from_map(lambda i: parts[i], range(len(parts)), meta=parts[0].iloc[:0], divisions=[None] * (len(parts) + 1))
    sums = frame.groupby(v["by"])[v["sum"]].sum(split_every=v["split_every"], split_out=1)
    with dask.config.set(scheduler="sync"):
        return sums.compute().reset_index()


def merge(v):
    """`left.merge(right, on=KEY, how=HOW)` in pandas (default suffixes `_x`/`_y`, `sort=False`):
    the merge each of Dask's merge tasks runs on its two partitions."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # int keys merged with float keys that are not whole
        return partition(v["left"]).merge(partition(v["right"]), on=v["on"], how=v["how"])


def hash_partitions(v):
    """Dask's output partition of each row when it hash-joins on a column
    (`assign_index_merge_transfer`: numeric keys cast to float64, then
    `partitioning_index(df[[key]], n)` = `hash_pandas_object(…, index=False) % n`)."""
    from dask.dataframe.dask_expr._merge import _is_numeric_cast_type
    from dask.dataframe.shuffle import partitioning_index
    part = partition(v["part"])
    index = part[[v["on"]]]
    casts = {c: np.float64 for c, t in index.dtypes.items() if _is_numeric_cast_type(t)}
    if casts:
        index = index.astype(casts, errors="ignore")
    return pd.DataFrame({"partition": np.asarray(partitioning_index(index, v["n"]), dtype=np.int64)})


def reduction(v):
    """Dask's Series reduction over the vector's partitions, as the exported program writes a
    `reduce: R over FRAME.COLUMN` step (`frame[col].R(split_every=s)`); the result as its numpy
    dtype and value (floats as `float.hex`)."""
    import dask
    import dask.dataframe as dd
    parts = [partition(p) for p in v["parts"]]
    frame = dd.from_map(lambda i: parts[i], range(len(parts)), meta=parts[0].iloc[:0], divisions=[None] * (len(parts) + 1))
    with dask.config.set(scheduler="sync"):
        got = getattr(frame[v["column"]], v["reduce"])(split_every=v["split_every"]).compute()
    a = np.asarray(got)
    d = str(a.dtype)
    value = float(a).hex() if d.startswith("float") else bool(a) if d == "bool" else int(a)
    return {"dtype": d, "value": value}


def row_step(v):
    part = partition(v["part"])
    kind = v["kernel"]
    if kind == "lookup":
        return part.assign(**{v["into"]: part[v["column"]].map(table(v["table"]))})
    if kind == "assign":
        return part.assign(**{v["into"]: expr(v["expr"], part)})
    return part[COMPARE[v["op"]](part[v["column"]], literal(v["value"]))]


def table(spec):
    if "dict" in spec:
        d = spec["dict"]
        return rt._str_dict(d["length"], d["keys"], d["values"], d.get("distinct"))
    s = spec["series"]
    index = s.get("index")
    return pd.Series(column(s), index=None if index is None else np.array(index, dtype=np.int64))


def apply(v):
    if v["kernel"] == "groupby":
        return described(groupby(v))
    if v["kernel"] == "merge":
        return described(merge(v))
    if v["kernel"] == "hash":
        return described(hash_partitions(v))
    if v["kernel"] == "reduce":
        return reduction(v)
    if v["kernel"] in ("lookup", "assign", "filter"):
        return described(row_step(v))
    part = partition(v["part"])
    if v["kernel"] == "map_column":
        out = rt._k_map_column(part, table(v["table"]), v["column"], v["into"])
    else:
        out = rt._k_score_rows(part, [float(w) for w in v["weights"]], v["columns"], v["into"])
    return out.to_csv(index_label="index", lineterminator="\n")


def main():
    doc = json.loads(PATH.read_text())
    bad = 0
    for v in doc["vectors"]:
        got = apply(v)
        if "--write" in sys.argv:
            v["expected"] = got
        elif got != v["expected"]:
            bad += 1
            print(f"{v['name']}: pandas gives\n{got}\nthe vector says\n{v['expected']}")
    if "--write" in sys.argv:
        PATH.write_text(json.dumps(doc, indent=1) + "\n")
        print(f"wrote {len(doc['vectors'])} vectors to {PATH}")
        return 0
    print(f"{len(doc['vectors']) - bad} of {len(doc['vectors'])} frame kernel vectors agree with pandas {pd.__version__}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
