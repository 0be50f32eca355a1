#!/usr/bin/env python3
"""Checks Tests/ExecutorTests/Fixtures/frame-kernel-vectors.json with pandas: each vector's partition
through the exported program's own frame kernels (`_k_map_column`, `_k_score_rows` of
Sources/Export/python/pipelint_runtime.py), written as `pipelint run` and the exported program write a
frame (`to_csv(index_label="index", lineterminator="\\n")`), must be the vector's expected CSV text.
The Swift tests (FrameKernelVectorTests) run the same vectors through the executor.

    python3 scripts/check-frame-vectors.py            # check; exit 1 on a mismatch
    python3 scripts/check-frame-vectors.py --write    # regenerate the expected text (then review the diff)

Needs numpy, pandas and pyarrow (string[pyarrow] columns).
"""
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
PATH = ROOT / "Tests/ExecutorTests/Fixtures/frame-kernel-vectors.json"
sys.path.insert(0, str(ROOT / "Sources/Export/python"))
import pipelint_runtime as rt  # noqa: E402


def column(spec):
    dtype = spec["dtype"]
    if dtype == "string":
        return pd.array(spec["data"], dtype=pd.StringDtype("pyarrow"))
    if dtype == "category":
        return pd.Categorical.from_codes(spec["codes"], dtype=rt._category_dtype(spec["categories"]))
    if dtype == "datetime64[ns]":
        return np.array(spec["data"], dtype=np.int64).view("datetime64[ns]")
    if dtype.startswith("float"):
        return np.array([float(v) for v in spec["data"]], dtype=dtype)
    return np.array(spec["data"], dtype=dtype)


def partition(spec):
    start = spec.get("start", 0)
    cols = spec["columns"]
    n = len(cols[0].get("data", cols[0].get("codes", [])))
    return pd.DataFrame({c["name"]: column(c) for c in cols}, index=pd.RangeIndex(start, start + n))


def table(spec):
    if "dict" in spec:
        d = spec["dict"]
        return rt._str_dict(d["length"], d["keys"], d["values"], d.get("distinct"))
    s = spec["series"]
    index = s.get("index")
    return pd.Series(column(s), index=None if index is None else np.array(index, dtype=np.int64))


def apply(v):
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
