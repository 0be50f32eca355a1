#!/usr/bin/env python3
"""Sizes of pandas DataFrames, Series and dicts of strings, and how distributed ships
dask.dataframe graphs, for pipelint's dataframe size model and graph figures (format 1.2).

    python3 -m venv /work/venv-df      # outside the repository
    /work/venv-df/bin/pip install -r calibration/requirements-dataframes.txt
    /work/venv-df/bin/python calibration/dataframes.py all      # ~7 min, 2 cores: writes dataframes.out
    /work/venv-df/bin/python calibration/dataframes.py fit      # formulas from the sizes
    /work/venv-df/bin/python calibration/dataframes.py graphs   # ~4 min, 2 cores

Output: calibration/dataframes.out (`all` runs the three and writes it).

sizes: every value is built from the format's value semantics (docs/pipeline-format.md,
  "Frames"): a `range` column holds the row number, a `string` column of length L the number
  written `str(v).zfill(L)` as `string[pyarrow]` (dask's dtype for strings: `from_pandas`
  converts pandas' default `str` to it), a `category` column of K categories the strings
  "c0".."c{K-1}" with code `v mod K`, a datetime64[ns] column `v` nanoseconds after the epoch.
  Measured per value:
  * pickle      len(pickle.dumps(v, protocol=5)) = distributed.protocol.pickle.dumps(v) for
                these importable values (checked: `dist_pickle`), what a task's run_spec carries
  * cloudpickle len(cloudpickle.dumps(v))
  * frames      sum of the frames distributed.protocol.serialize(v) gives (a worker-to-worker
                transfer: buffers out of band)
  * resident    growth of tracemalloc's traced bytes plus pyarrow's memory pool across
                pickle.loads (Arrow buffers unpickled from in-band bytes are allocated in
                pyarrow's pool, which tracemalloc does not see), min of 3 after a warm-up
  * sizeof      dask.sizeof.sizeof(v)
  * deep        v.memory_usage(deep=True).sum() (pandas' own figure, for reference)
graphs: one case per fresh child process with a fresh LocalCluster(n_workers=2,
  threads_per_worker=1, processes=True); plain persist/compute, the collection's graph never
  expanded on the client. Submit bytes are the client's own `update-graph` message (as in
  graph_bytes.py); bytes per task are `len(distributed.protocol.pickle.dumps(ts.run_spec))` on
  the scheduler (one compute-task message); copies are counted inside each worker (gc, or by
  the frame's length for pandas objects, which gc does not track as containers) while the
  tasks run (a task sleeps 0.2 s and counts) and after `wait`.
"""
from __future__ import annotations

import gc
import json
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import tracemalloc

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "dataframes.out")


# ---------------------------------------------------------------- values (format semantics)
def column(spec, n, pd, np):
    """One column of `n` rows from the format's column description (source: range)."""
    v = np.arange(n, dtype=np.int64)
    dtype = spec["dtype"]
    if dtype == "int64":
        return v
    if dtype == "float64":
        return v.astype(np.float64)
    if dtype == "bool":
        return (v % 2).astype(bool)
    if dtype == "datetime64[ns]":
        return v.astype("datetime64[ns]")
    if dtype in ("string", "str"):
        text = [str(int(x)).zfill(spec["length"]) for x in v]
        return pd.array(text, dtype=pd.StringDtype("pyarrow") if dtype == "string" else str)
    if dtype == "category":
        k = spec["categories"]
        cats = [f"c{i}" for i in range(k)]
        return pd.Categorical.from_codes(v % k, categories=pd.Index(cats, dtype=str))
    raise ValueError(dtype)


def build(desc):
    import numpy as np
    import pandas as pd
    kind = desc["kind"]
    if kind == "frame":
        n = desc["rows"]
        return pd.DataFrame({name: column(spec, n, pd, np) for name, spec in desc["columns"]})
    if kind == "series":
        return pd.Series(column(desc["column"], desc["rows"], pd, np), name=desc.get("name", "x"))
    if kind == "dict":
        # The format's dict: the `distinct` value strings are shared (pickle's memo writes each once).
        d = desc
        names = [str(j).zfill(d["value_length"]) for j in range(min(d["distinct"], max(d["length"], 1)))]
        return {str(i).zfill(d["key_length"]): names[i % len(names)] for i in range(d["length"])}
    raise ValueError(kind)


def resident(data, pa):
    best = None
    for i in range(4):
        gc.collect()
        tracemalloc.start()
        t0, p0 = tracemalloc.get_traced_memory()[0], pa.total_allocated_bytes()
        obj = pickle.loads(data)
        gc.collect()
        t1, p1 = tracemalloc.get_traced_memory()[0], pa.total_allocated_bytes()
        tracemalloc.stop()
        del obj
        if i == 0:
            continue  # warm-up: first load imports and caches
        size = (t1 - t0) + (p1 - p0)
        best = size if best is None else min(best, size)
    return max(best, 0)


def measure(desc):
    import cloudpickle
    import dask.sizeof
    import distributed.protocol as dproto
    import distributed.protocol.pickle as dpickle
    import pyarrow as pa
    from distributed.utils import nbytes
    obj = build(desc)
    row = {"sizeof": int(dask.sizeof.sizeof(obj))}
    data = pickle.dumps(obj, protocol=5)
    row["pickle"] = len(data)
    row["dist_pickle"] = len(dpickle.dumps(obj))
    row["cloudpickle"] = len(cloudpickle.dumps(obj))
    header, frames = dproto.serialize(obj)
    row["frames"] = sum(nbytes(f) for f in frames)
    row["resident"] = resident(data, pa)
    if hasattr(obj, "memory_usage"):
        mu = obj.memory_usage(deep=True)
        row["deep"] = int(mu.sum() if hasattr(mu, "sum") else mu)
    return row


def size_cases():
    """name -> description; names group the fits in `fit`."""
    cases = []
    rows = [0, 1, 10, 100, 1000, 10000, 100000]
    simple = [("int64", {"dtype": "int64"}), ("float64", {"dtype": "float64"}), ("bool", {"dtype": "bool"}),
              ("datetime64[ns]", {"dtype": "datetime64[ns]"})]
    strings = [(f"string L={L}", {"dtype": "string", "length": L}) for L in (5, 12, 40)]
    strings += [(f"str L={L}", {"dtype": "str", "length": L}) for L in (5, 40)]
    cats = [(f"category K={K}", {"dtype": "category", "categories": K}) for K in (2, 50, 1000)]
    for label, spec in simple + strings + cats:
        for n in rows:
            cases.append((f"series {label}", n, {"kind": "series", "rows": n, "column": spec}))
            cases.append((f"frame {label}", n, {"kind": "frame", "rows": n, "columns": [["c0", spec]]}))
    # Columns: k columns of one dtype (numpy dtypes share one consolidated block), and a mix.
    for label, spec in [("int64", {"dtype": "int64"}), ("string L=5", {"dtype": "string", "length": 5}),
                        ("category K=50", {"dtype": "category", "categories": 50})]:
        for k in (2, 4, 8):
            for n in (0, 10000, 100000):
                cols = [[f"c{i}", spec] for i in range(k)]
                cases.append((f"frame {k}x {label}", n, {"kind": "frame", "rows": n, "columns": cols}))
    mix = [["zip", {"dtype": "string", "length": 5}], ["age", {"dtype": "int64"}], ["income", {"dtype": "float64"}],
           ["seen", {"dtype": "datetime64[ns]"}], ["region", {"dtype": "category", "categories": 50}],
           ["ok", {"dtype": "bool"}]]
    for n in rows:
        cases.append(("frame mix", n, {"kind": "frame", "rows": n, "columns": mix}))
    # Mixed blocks: which columns share a block, and what each costs.
    i, f, b, dt = {"dtype": "int64"}, {"dtype": "float64"}, {"dtype": "bool"}, {"dtype": "datetime64[ns]"}
    s5, c50 = {"dtype": "string", "length": 5}, {"dtype": "category", "categories": 50}
    combos = {"int+float": [["a", i], ["b", f]], "int+float+bool": [["a", i], ["b", f], ["c", b]],
              "int+string": [["a", i], ["b", s5]], "string+category": [["a", s5], ["b", c50]],
              "datetime+int": [["a", dt], ["b", i]], "2x datetime": [["a", dt], ["b", dt]],
              "long names int": [["a_really_long_column_name", i]], "long names string": [["a_really_long_column_name", s5]],
              "int+string+int": [["a", i], ["b", s5], ["c", i]]}
    for name, cols in combos.items():
        for n in (0, 1000, 100000):
            cases.append((f"frame {name}", n, {"kind": "frame", "rows": n, "columns": cols}))
    # Categories alone: K at fixed rows.
    for K in (10, 100, 1000, 10000):
        cols = [["c0", {"dtype": "category", "categories": K}]]
        cases.append(("frame category rows=1000 K", K, {"kind": "frame", "rows": 1000, "columns": cols}))
    for n in (0, 1, 10, 100, 1000, 10000, 100000):
        for kl, vl, dist in ((5, 8, 50), (5, 8, 100000), (12, 3, 10)):
            cases.append((f"dict keys={kl} values={vl} distinct={dist}", n,
                          {"kind": "dict", "length": n, "key_length": kl, "value_length": vl, "distinct": dist}))
    return cases


def run_sizes():
    import dask
    import distributed
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    print(json.dumps({"versions": {"python": platform.python_version(), "dask": dask.__version__,
                                   "distributed": distributed.__version__, "pandas": pd.__version__,
                                   "pyarrow": pa.__version__, "numpy": np.__version__}}), flush=True)
    for group, x, desc in size_cases():
        print(json.dumps({"size": group, "x": x, **measure(desc)}), flush=True)


# ---------------------------------------------------------------- fits
def fit(lines):
    """Least squares of each measure on x per group (x >= 1000 rows where the group has them),
    with the worst relative error over x >= 1000 and absolute error below."""
    groups = {}
    for row in lines:
        if "size" in row:
            groups.setdefault(row["size"], []).append(row)
    out = []
    for group, rows in groups.items():
        for key in ("pickle", "frames", "resident", "sizeof"):
            pts = [(r["x"], r[key]) for r in rows]
            big = [p for p in pts if p[0] >= 1000] or pts
            if len(big) < 2:
                continue
            n = len(big)
            mx = sum(p[0] for p in big) / n
            my = sum(p[1] for p in big) / n
            sxx = sum((p[0] - mx) ** 2 for p in big)
            slope = sum((p[0] - mx) * (p[1] - my) for p in big) / sxx if sxx else 0.0
            icpt = my - slope * mx
            rel = max((abs(icpt + slope * x - y) / y if y else 0.0) for x, y in big)
            small = max((abs(icpt + slope * x - y) for x, y in pts if x < 1000), default=0)
            out.append({"fit": group, "measure": key, "fixed": round(icpt, 1), "per_x": round(slope, 4),
                        "worst_rel_ge_1000": round(rel, 5), "worst_abs_lt_1000": round(small),
                        "at_0": next((y for x, y in pts if x == 0), None)})
    return out


# ---------------------------------------------------------------- graphs (child processes)
GRAPH_CHILD = os.path.join(HERE, "dataframes_graphs.py")


def run_graphs(cases=None):
    from dataframes_graphs import CASES  # noqa: PLC0415
    for name in cases or CASES:
        p = subprocess.run([sys.executable, GRAPH_CHILD, name], capture_output=True, text=True, timeout=600,
                           cwd=tempfile.mkdtemp(prefix="pl-df-"))
        lines = [line for line in p.stdout.splitlines() if line.startswith("{")]
        if lines:
            for line in lines:
                print(line, flush=True)
        else:
            print(json.dumps({"graph": name, "error": p.stderr[-400:]}), flush=True)


# ---------------------------------------------------------------- the derived formulas
NUMPY = {"int64": 8, "float64": 8, "bool": 1}


def category_bytes(k):
    """Arrow large_string categories "c0".."c{k-1}": 8 B offset + the text per category."""
    return 8 * k + sum(len(f"c{i}") for i in range(k))


def codes_width(k):
    return 1 if k < 128 else 2 if k < 32768 else 4


def per_row(spec):
    d = spec["dtype"]
    if d in NUMPY:
        return NUMPY[d]
    if d == "datetime64[ns]":
        return 8
    if d in ("string", "str"):
        return spec["length"] + 8   # large_string: the text + an 8-byte offset
    return codes_width(spec["categories"])


def model(desc, measure_name):
    """The formula of dfdask-calibration.md for a frame / series of `rows` rows (RangeIndex)."""
    rows = desc["rows"]
    cols = desc["columns"] if desc["kind"] == "frame" else [[desc.get("name", "x"), desc["column"]]]
    data = sum(rows * per_row(s) for _, s in cols)
    cats = sum(category_bytes(s["categories"]) for _, s in cols if s["dtype"] == "category")
    if measure_name == "pickle":
        if desc["kind"] == "series":
            s = cols[0][1]
            base = {"datetime64[ns]": 781, "category": 1013}.get(s["dtype"], 712 if s["dtype"] in ("string", "str") else 557)
            return base + data + cats
        fixed = 711 + sum(8 + len(name) for name, _ in cols)
        numpy_blocks = {s["dtype"] for _, s in cols if s["dtype"] in NUMPY}
        fixed += 81 * len(numpy_blocks)
        fixed += 294 if any(s["dtype"] == "datetime64[ns]" for _, s in cols) else 0
        strings = sum(1 for _, s in cols if s["dtype"] in ("string", "str"))
        fixed += 140 * strings - (57 if strings and len(cols) == strings else 0)
        ncat = sum(1 for _, s in cols if s["dtype"] == "category")
        fixed += (350 + 205 * (ncat - 1)) if ncat else 0
        return fixed + data + cats
    if measure_name == "sizeof":
        # dask.sizeof: index 400 + 132 (RangeIndex), columns 400 + 8 k + names, 1200 per run of
        # one dtype in column order, each column's memory_usage(deep=False); a Series: 1200 + index.
        # A category column's memory_usage also counts its categories' hash table once built
        # (it is: pickling builds it), not modelled here.
        if desc["kind"] == "series":
            return 1200 + 532 + data + (cats if cats else 0)
        runs, prev = 0, None
        for _, s in cols:
            key = (s["dtype"], s.get("categories"))
            runs += key != prev
            prev = key
        return 532 + 400 + sum(8 + len(n) for n, _ in cols) + 1200 * runs + data + cats
    if measure_name == "resident":
        # tracemalloc + pyarrow's pool: the data, the categories, and a fixed part per block.
        if desc["kind"] == "series":
            s = cols[0][1]["dtype"]
            return 2480 + {"string": 300, "str": 300, "category": 1950, "datetime64[ns]": 570}.get(s, 0) + data + cats
        blocks = len({s["dtype"] for _, s in cols if s["dtype"] in NUMPY})
        blocks += any(s["dtype"] == "datetime64[ns]" for _, s in cols)
        blocks += sum(1 for _, s in cols if s["dtype"] in ("string", "str", "category"))
        return 2300 + 1900 * blocks + 600 * sum(1 for _, s in cols if s["dtype"] == "category") + data + cats
    raise ValueError(measure_name)


def check(lines, descs):
    """Worst error of the formulas per group: relative at >= 1000 rows, absolute below."""
    worst = {}
    for row in lines:
        if "size" not in row or row["size"].startswith("dict"):
            continue
        desc = descs[(row["size"], row["x"])]
        for m in ("pickle", "sizeof", "resident"):
            pred, real = model(desc, m), row[m]
            rows = desc["rows"]
            w = worst.setdefault((row["size"], m), [0.0, 0])
            if rows >= 1000:
                w[0] = max(w[0], abs(pred - real) / real)
            else:
                w[1] = max(w[1], abs(pred - real))
    return worst


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    mode = sys.argv[1] if len(sys.argv) > 1 else "all"
    if mode == "sizes":
        run_sizes()
    elif mode == "fit":
        lines = [json.loads(line) for line in open(sys.argv[2] if len(sys.argv) > 2 else OUT) if line.startswith("{")]
        for row in fit(lines):
            print(json.dumps(row))
    elif mode == "graphs":
        run_graphs(sys.argv[2:])
    elif mode == "check":
        lines = [json.loads(line) for line in open(sys.argv[2] if len(sys.argv) > 2 else OUT) if line.startswith("{")]
        descs = {(g, x): d for g, x, d in size_cases()}
        for (g, m), (rel, ab) in sorted(check(lines, descs).items(), key=lambda kv: (kv[0][1], kv[0][0])):
            print(f"{m:9s} {g:40s} worst {rel * 100:6.2f}% at >= 1000 rows, {ab:6d} B below")
    elif mode == "all":
        import contextlib
        with open(OUT, "w") as fh, contextlib.redirect_stdout(fh):
            print("# python calibration/dataframes.py all (sizes, then graphs); see the docstring")
            run_sizes()
            run_graphs()
    else:
        raise SystemExit("usage: dataframes.py all | sizes | fit [file] | check [file] | graphs [case...]")
