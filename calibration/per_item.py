#!/usr/bin/env python3
"""Per-item task graphs (format 1.1) as a user runs them, each case in a fresh process on a fresh
LocalCluster(n_workers=2, threads_per_worker=1, processes=True), plain persist/submit/map and
`wait`; the graph is never expanded on the client.

    python calibration/per_item.py forms        # bytes per task and copies after wait, per form
    python calibration/per_item.py boundary     # client.map keyword sizes around 1e5
    python calibration/per_item.py workarounds  # scatter / delayed object as a client.map keyword

- forms: a `__main__` ParameterTable (a 50,000-float64 Series) passed to 200 calls as
  `dask.delayed(simulate)(i, params)`, `client.submit(simulate, i, params)` and
  `client.map(simulate, range(200), [params] * 200)`; `run_spec` bytes are the largest the scheduler
  holds for a `simulate` task, pickled as one compute-task message does; copies are live
  ParameterTable instances per worker (gc), counted after `wait` while the results are held.
- boundary: `client.map(f, range(8), table=np.arange(n, dtype=float64))` for n around
  12,500 (dask.sizeof = 8 n): OK, or the exception the gather raises.
- workarounds: the 1.6 MB keyword scattered first, or passed as `dask.delayed(big)` /
  `dask.delayed(build)(n)`.
Measured values: per_item.out (this script's output).
"""
import os
import subprocess
import sys
import tempfile

CHILD = r'''
import sys, gc
import numpy as np, pandas as pd, dask
from distributed import Client, LocalCluster, wait

class ParameterTable:
    def __init__(self, rates):
        self.rates = rates

def simulate(scenario, table):
    return float(table.rates.iloc[scenario])

def f(i, table):
    return float(table[i % len(table)])

def build(n):
    return np.arange(n, dtype=np.float64)

def copies():
    import gc
    return sum(1 for o in gc.get_objects() if type(o).__name__ == "ParameterTable")

def sizes(dask_scheduler=None):
    from distributed.protocol.pickle import dumps
    return [len(dumps(ts.run_spec)) for k, ts in dask_scheduler.tasks.items() if "simulate" in str(k) and ts.run_spec is not None]

if __name__ == "__main__":
    mode, arg = sys.argv[1], sys.argv[2]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c, Client(c) as cl:
        if mode == "forms":
            params = ParameterTable(pd.Series(np.random.default_rng(11).uniform(0, 0.05, 50000)))
            if arg == "delayed":
                runs = cl.persist([dask.delayed(simulate)(i, params) for i in range(200)])
            elif arg == "submit":
                runs = [cl.submit(simulate, i, params) for i in range(200)]
            else:
                runs = cl.map(simulate, range(200), [params] * 200)
            wait(runs)
            s = cl.run_on_scheduler(sizes)
            print(f"{arg}: {len(s)} tasks, run_spec {max(s)} B, copies after wait {sorted(cl.run(copies).values())}")
        elif mode == "boundary":
            n = int(arg)
            try:
                r = cl.gather(cl.map(f, range(8), table=np.arange(n, dtype=np.float64)))
                print(f"{n} float64 (sizeof {8 * n}): OK {sum(r)}")
            except Exception as e:
                print(f"{n} float64 (sizeof {8 * n}): FAIL {type(e).__name__}: {str(e)[:80]}")
        else:
            big = np.arange(200000, dtype=np.float64)
            table = {"scatter": lambda: cl.scatter(big, broadcast=True), "delayed-value": lambda: dask.delayed(big),
                     "delayed-build": lambda: dask.delayed(build, pure=True)(200000)}[arg]()
            try:
                print(f"{arg}: OK {sum(cl.gather(cl.map(f, range(8), table=table)))}")
            except Exception as e:
                print(f"{arg}: FAIL {type(e).__name__}: {str(e)[:80]}")
'''

CASES = {"forms": ["delayed", "submit", "map"], "boundary": ["1000", "12500", "12501", "200000"],
         "workarounds": ["scatter", "delayed-value", "delayed-build"]}

if __name__ == "__main__":
    # The child is a script, so its classes and functions live in `__main__` (pickled by value).
    child = os.path.join(tempfile.mkdtemp(prefix="pl-"), "per_item_child.py")
    with open(child, "w") as fh:
        fh.write(CHILD)
    for mode in sys.argv[1:] or list(CASES):
        for arg in CASES[mode]:
            p = subprocess.run([sys.executable, child, mode, arg], capture_output=True, text=True, timeout=300)
            lines = [line for line in p.stdout.splitlines() if line.strip()]
            print(f"{mode} {lines[-1] if lines else 'no output: ' + p.stderr[-200:]}", flush=True)
