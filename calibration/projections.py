#!/usr/bin/env python3
"""What a projection costs each task (docs/pipeline-format.md, "Projections"), measured as a
user runs it: each case in a fresh process with a fresh LocalCluster(processes=True) of
2 workers × 1 thread, `map_blocks` then a plain `persist` (the graph is never expanded on
the client). Per case:

- bytes per task: the scheduler's own pickle of each task's `run_spec` (distributed's
  `dumps`, what it sends on dispatch), the mean over the tasks that carry the call (the
  map_blocks is fused with its `arange` source; the step's own keys are aliases);
- live copies on the workers after `persist`, counted inside each worker: `Mapper`
  instances (gc), whole weight arrays (5000 × 16) and weight columns (5000,) held by the
  worker's task states (their run_spec).

Wire sizes of the projected values alone (pickle protocol 5) are printed first. Run with
the pinned virtualenv:

    .venv-crosscheck/bin/python calibration/projections.py
"""
import gc
import pickle
import subprocess
import sys

import numpy as np
import pandas as pd

CHUNKS = 100


class Mapper:
    def __init__(self, series):
        self.series = series


def scale_inside(block, m):
    return block * m.series.iloc[-1]


def scale(block, factor):
    return block * factor


def take_column_inside(block, w):
    return np.asarray(w[:, 0])[block]


def take(block, table):
    return np.asarray(table)[block]


def objects():
    mapper = Mapper(pd.Series(np.arange(30000, dtype="int64")))
    weights = np.arange(5000 * 16, dtype="float64").reshape(5000, 16)
    return mapper, weights


def live_copies(dask_worker):
    """Mapper instances (gc), and the distinct whole weight arrays (5000 × 16) and weight
    columns (5000,) that the worker's task states hold in their run_spec (ndarrays are not
    gc-tracked, so they are found by walking each run_spec's references)."""
    mappers = sum(1 for o in gc.get_objects() if type(o).__name__ == "Mapper")
    found = {}
    for ts in dask_worker.state.tasks.values():
        stack, seen = [(ts.run_spec, 0)], set()
        while stack:
            o, depth = stack.pop()
            if id(o) in seen or depth > 8:
                continue
            seen.add(id(o))
            if isinstance(o, np.ndarray):
                if o.shape in ((5000, 16), (5000,)):
                    found[id(o)] = o.shape
                continue
            if isinstance(o, (str, bytes, int, float, type)) or o is None:
                continue
            stack.extend((r, depth + 1) for r in gc.get_referents(o))
    weights = sum(1 for shape in found.values() if shape == (5000, 16))
    return mappers, weights, len(found) - weights


def case(name):
    import dask.array as da
    from distributed import Client, LocalCluster
    from distributed.protocol.pickle import dumps

    mapper, weights = objects()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        x = da.arange(CHUNKS * 1000, chunks=1000, dtype="int64") % 5000
        y = {
            "series element read inside the task (mapper.series.iloc[-1] in with:)": lambda: x.map_blocks(scale_inside, mapper, dtype="int64"),
            "series element passed as the argument (args: [mapper.series.iloc[-1]])": lambda: x.map_blocks(scale, mapper.series.iloc[-1], dtype="int64"),
            "ndarray column read inside the task (w[:, 0] in with:)": lambda: x.map_blocks(take_column_inside, weights, dtype="float64"),
            "ndarray column passed as the argument (args: [weights[:, 0]])": lambda: x.map_blocks(take, weights[:, 0], dtype="float64"),
        }[name]().persist()
        total = float(y.sum().compute())
        prefix = y.name

        def sizes(dask_scheduler, prefix=prefix):
            return [len(dumps(ts.run_spec)) for key, ts in dask_scheduler.tasks.items()
                    if type(ts.run_spec).__name__ == "Task" and isinstance(key, tuple) and prefix in key[0]]

        per_task = client.run_on_scheduler(sizes)
        copies = client.run(live_copies)  # distributed passes `dask_worker`
    mean = sum(per_task) / len(per_task)
    mappers = "+".join(str(c[0]) for c in copies.values())
    weight_copies = "+".join(str(c[1]) for c in copies.values())
    columns = "+".join(str(c[2]) for c in copies.values())
    print(f"{name:<74} {mean:>12,.0f} {mappers:>9} {weight_copies:>9} {columns:>9} {total:>20,.0f}")


def main():
    if len(sys.argv) > 1:
        case(sys.argv[1])
        return 0
    mapper, weights = objects()
    print(f"{'value (pickle protocol 5)':<74} {'bytes':>12}")
    for label, value in {
        "mapper (the whole Mapper)": mapper,
        "mapper.series.iloc[-1] (numpy int64 scalar)": mapper.series.iloc[-1],
        "weights (5000 x 16 float64)": weights,
        "weights[:, 0] (strided view: a copy of its 5000 elements)": weights[:, 0],
        "weights[0] (contiguous row view)": weights[0],
        "edges[-1] (numpy float64 scalar)": np.linspace(0, 1, 40)[-1],
        "series.iloc[0:10:2] (RangeIndex(0, 10, 2), strided values)": mapper.series.iloc[0:10:2],
        "series.iloc[100:20000] (RangeIndex(100, 20000))": mapper.series.iloc[100:20000],
        "series.iloc[::-1] (RangeIndex(29999, -1, -1), strided values)": mapper.series.iloc[::-1],
        "series.iloc[-1:] (RangeIndex(29999, 30000))": mapper.series.iloc[-1:],
    }.items():
        print(f"{label:<74} {len(pickle.dumps(value, protocol=5)):>12,}")
    print()
    print(f"{'case (100 tasks, 2 workers, after persist)':<74} {'bytes/task':>12} {'Mappers':>9} {'weights':>9} {'columns':>9} {'sum':>20}")
    for name in (
        "series element read inside the task (mapper.series.iloc[-1] in with:)",
        "series element passed as the argument (args: [mapper.series.iloc[-1]])",
        "ndarray column read inside the task (w[:, 0] in with:)",
        "ndarray column passed as the argument (args: [weights[:, 0]])",
    ):
        out = subprocess.run([sys.executable, __file__, name], capture_output=True, text=True)
        sys.stdout.write(out.stdout)
        if out.returncode != 0:
            sys.stderr.write(out.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
