#!/usr/bin/env python3
"""benchmarks/frames/frame-10m.yaml computed in pandas in one process on the whole frame, with the exported
runtime's own functions: `pipelint run --engine bundled benchmarks/frames/frame-10m.yaml` against it."""
import sys
import time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Sources/Export/python"))
import numpy as np
import pipelint_runtime as rt
t0 = time.perf_counter()
cols = [rt._col("zip", "string", length=5, source="random", seed=3, low=0, high=40000),
        rt._col("age", "int64", source="random", seed=4, low=0, high=100),
        rt._col("income", "float64", source="random", seed=5, low=0, high=100000)]
df = rt._frame_part((0, 10_000_000), cols)
t1 = time.perf_counter()
table = rt._str_dict(40000, 5, 8, 50)
w = rt._random_values(8, np.arange(2, dtype=np.uint64), 0.0, 1.0, True)
df = rt._k_map_column(df, table, "zip", "region")
df = rt._k_score_rows(df, w, ["age", "income"], "score")
total, named = df["score"].sum(), df["region"].count()
t2 = time.perf_counter()
print(f"pandas: generate {t1 - t0:.2f} s, map+score+reduce {t2 - t1:.2f} s, total {t2 - t0:.2f} s; total={total!r} named={named}")
