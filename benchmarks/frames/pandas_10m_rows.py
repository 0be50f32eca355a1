#!/usr/bin/env python3
"""benchmarks/frames/frame-10m-rows.yaml computed in pandas in one process on the whole frame (the
exported runtime's generation, then the exported program's pandas lines): `pipelint run --engine
bundled benchmarks/frames/frame-10m-rows.yaml` against it. Prints times and peak RSS."""
import resource
import sys
import time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "Sources/Export/python"))
import pipelint_runtime as rt
t0 = time.perf_counter()
cols = [rt._col("zip", "string", length=8, source="random", seed=3, low=0, high=1000),
        rt._col("age", "int64", source="random", seed=4, low=0, high=100),
        rt._col("visits", "int64", source="random", seed=6, low=0, high=50),
        rt._col("income", "float64", source="random", seed=5, low=0, high=100000)]
df = rt._frame_part((0, 10_000_000), cols)
t1 = time.perf_counter()
table = rt._str_dict(1000, 8, 8, 50)
df = df.assign(region=df["zip"].map(table))
df = df.assign(net=(df["income"] * 0.7) - df["age"])
df = df[df["age"] >= 18]
sums = df.groupby("region")["net"].sum()
t2 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pandas: generate {t1 - t0:.2f} s, steps {t2 - t1:.2f} s, total {t2 - t0:.2f} s; peak RSS {rss:.0f} MiB; groups {len(sums)}")
