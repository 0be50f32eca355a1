#!/usr/bin/env python3
"""One dask.dataframe graph case, run as a user runs it: this script is `__main__` (its classes
and functions pickle by value), a fresh LocalCluster(n_workers=2, threads_per_worker=1,
processes=True), plain persist and `wait`, the collection's graph never expanded on the client.

    python calibration/dataframes_graphs.py CASE      (dataframes.py graphs runs every case)

Prints one JSON line:
* submit_bytes  the client's `update-graph` message(s): sum(nbytes(x) for x in [header] + frames)
                of the serialized expression, as Client._graph_to_futures measures it
* tasks         {key prefix: [count, max, min run_spec bytes]}: every task as dispatched, recorded
                by a scheduler plugin at the transition to `processing`,
                len(distributed.protocol.pickle.dumps(ts.run_spec)) (one compute-task message)
* copies_during / copies_after  per worker: distinct copies of the object (by id for a dict or an
                instance, by the address of a numeric column's buffer for a pandas object) found in
                the worker's task states (run_spec arguments, results) and by gc, sampled every
                20 ms while the graph runs (maximum) and once after `wait`
"""
from __future__ import annotations

import gc
import json
import sys
import threading
import time

import numpy as np
import pandas as pd

ROWS, PARTS = 400_000, 40
DICT_LEN, REF_ROWS = 40_000, 50_000


# ------------------------------------------------------------------ user code (by value)
class Scorer:
    def __init__(self, weights, table):
        self.weights = weights
        self.table = table

    def score(self, part):
        return part.assign(score=part[["age", "income"]].to_numpy(dtype="float64") @ self.weights)


def make_part(bounds):
    """A partition of global rows [start, stop): the format's values from `range` sources."""
    start, stop = bounds
    r = np.arange(start, stop, dtype=np.int64)
    return pd.DataFrame({
        "zip": pd.array([str(v % DICT_LEN).zfill(5) for v in r.tolist()], dtype=pd.StringDtype("pyarrow")),
        "age": r % 100,
        "income": (r % 1000).astype(np.float64),
    }, index=pd.RangeIndex(start, stop))


def assign_region(part, table):
    return part.assign(region=part["zip"].map(table))


def score_rows(part, model):
    return model.score(part)


def add_series(part, series):
    return part.assign(extra=part["age"] + float(series.iloc[-1]))


def join_frame(part, frame):
    return part.assign(pop=part["age"] + int(frame["pop"].iloc[-1]))


def regions():
    names = [str(j).zfill(8) for j in range(50)]
    return {str(i).zfill(5): names[i % 50] for i in range(DICT_LEN)}


def reference(n=REF_ROWS):
    r = np.arange(n, dtype=np.int64)
    return pd.DataFrame({
        "zip": pd.array([str(v % DICT_LEN).zfill(5) for v in r.tolist()], dtype=pd.StringDtype("pyarrow")),
        "pop": r * 3,
        "score": r.astype(np.float64),
    })


def people(dd, rows=ROWS, parts=PARTS):
    size = -(-rows // parts)
    bounds = [(i * size, min(rows, (i + 1) * size)) for i in range(parts)]
    meta = make_part((0, 0))
    return dd.from_map(make_part, bounds, divisions=[b[0] for b in bounds] + [rows - 1], meta=meta)


# ------------------------------------------------------------------ worker-side counting
def _walk(obj, match, found, seen, depth=0):
    if depth > 12 or id(obj) in seen:
        return
    seen.add(id(obj))
    key = match(obj)
    if key is not None:
        found.add(key)
        return
    if isinstance(obj, (list, tuple, set, frozenset)):
        for x in obj:
            _walk(x, match, found, seen, depth + 1)
    elif isinstance(obj, dict):
        for x in obj.values():
            _walk(x, match, found, seen, depth + 1)
    elif type(obj).__module__.startswith(("dask._task_spec", "functools")):
        for cls in type(obj).__mro__:
            for name in getattr(cls, "__slots__", ()):
                _walk(getattr(obj, name, None), match, found, seen, depth + 1)
        for name in ("func", "args", "keywords"):
            if hasattr(obj, name):
                _walk(getattr(obj, name), match, found, seen, depth + 1)


def count_copies(match_name, dask_worker=None):
    match = MATCHERS[match_name]
    found, seen = set(), set()
    for ts in list(dask_worker.state.tasks.values()):
        _walk(ts.run_spec, match, found, seen)
    for v in list(dask_worker.data.values()):
        _walk(v, match, found, seen)
    for o in gc.get_objects():
        key = match(o)
        if key is not None:
            found.add(key)
    return len(found)


def _buffer(frame_or_series, column=None):
    values = frame_or_series[column] if column else frame_or_series
    arr = values.to_numpy()
    return arr.__array_interface__["data"][0]


MATCHERS = {
    "dict": lambda o: id(o) if type(o) is dict and len(o) == DICT_LEN else None,
    "scorer": lambda o: id(o) if type(o).__name__ == "Scorer" else None,
    "series": lambda o: _buffer(o) if type(o) is pd.Series and len(o) == REF_ROWS and o.name == "ref" else None,
    "frame": lambda o: _buffer(o, "pop") if type(o) is pd.DataFrame and len(o) == REF_ROWS and "pop" in o.columns else None,
    "none": lambda o: None,
}


def start_sampler(match_name, dask_worker=None):
    state = {"max": 0, "stop": False}

    def loop():
        while not state["stop"]:
            try:
                state["max"] = max(state["max"], count_copies(match_name, dask_worker))
            except Exception:
                pass
            time.sleep(0.02)

    dask_worker._pl_sampler = state
    threading.Thread(target=loop, daemon=True).start()
    return True


def stop_sampler(dask_worker=None):
    state = dask_worker._pl_sampler
    state["stop"] = True
    return state["max"]


# ------------------------------------------------------------------ cases
def case(name, dd):
    """(collection, matcher name, note)."""
    p = people(dd)
    if name == "from_map":
        return p, "none"
    if name == "map_dict":
        table = regions()
        meta = p._meta.assign(region=pd.Series([], dtype=pd.StringDtype("pyarrow")))
        return p.map_partitions(assign_region, table, meta=meta), "dict"
    if name == "map_model":
        model = Scorer(np.array([0.5, 0.25]), pd.Series(np.arange(30_000, dtype=np.float64)))
        meta = p._meta.assign(score=pd.Series([], dtype="float64"))
        return p.map_partitions(score_rows, model, meta=meta), "scorer"
    if name == "map_series":
        s = pd.Series(np.arange(REF_ROWS, dtype=np.float64), name="ref")
        return p.map_partitions(add_series, s, meta=p._meta.assign(extra=pd.Series([], dtype="float64"))), "series"
    if name == "map_frame":
        f = reference()
        return p.map_partitions(join_frame, f, meta=p._meta.assign(pop=pd.Series([], dtype="int64"))), "frame"
    if name == "from_pandas":
        f = reference(ROWS)
        return dd.from_pandas(f, npartitions=PARTS), "none"
    if name == "merge_pandas":
        return p.merge(reference(), on="zip", how="left"), "frame"
    if name == "merge_p2p":
        sales = people(dd, rows=100_000, parts=10)[["zip", "income"]].rename(columns={"income": "amount"})
        return p.merge(sales, on="zip", how="inner", shuffle_method="p2p"), "none"
    raise SystemExit(f"unknown case {name}")


CASES = ["from_map", "map_dict", "map_model", "map_series", "map_frame", "from_pandas", "merge_pandas", "merge_p2p"]


def main(name):
    import warnings

    import dask.dataframe as dd
    import distributed.client as dclient
    import distributed.protocol.pickle as dpickle
    from distributed import Client, LocalCluster, wait
    from distributed.diagnostics.plugin import SchedulerPlugin
    from distributed.utils import nbytes

    submitted = []
    send = dclient.Client._send_to_scheduler

    def spy(self, msg):
        if msg.get("op") == "update-graph":
            e = msg["expr_ser"]
            submitted.append(sum(map(nbytes, [e.header] + e.frames)))
        return send(self, msg)

    dclient.Client._send_to_scheduler = spy

    class Dispatch(SchedulerPlugin):
        def __init__(self, scheduler):
            self.scheduler, self.sizes = scheduler, {}

        def transition(self, key, start, finish, *args, **kwargs):
            if finish == "processing":
                ts = self.scheduler.tasks.get(key)
                if ts is not None and ts.run_spec is not None:
                    prefix = key[0] if isinstance(key, tuple) else key
                    prefix = str(prefix).rsplit("-", 1)[0]
                    self.sizes.setdefault(prefix, []).append(len(dpickle.dumps(ts.run_spec)))

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        plugin = Dispatch(cluster.scheduler)
        cluster.scheduler.add_plugin(plugin, name="pl-dispatch")
        collection, match = case(name, dd)
        client.run(start_sampler, match)
        t0 = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            persisted = client.persist(collection)
            wait(persisted)
        seconds = time.perf_counter() - t0
        dispatched = {k: [len(v), max(v), min(v)] for k, v in sorted(plugin.sizes.items())}
        during = client.run(stop_sampler)
        after = client.run(count_copies, match)
        rows = int(client.compute(persisted.shape[0]).result())
        out = {
            "graph": name,
            "submit_bytes": submitted[0] if submitted else None,
            "update_graph_messages": len(submitted),
            "warned": any("Sending large graph" in str(w.message) for w in caught),
            "tasks": dispatched,
            "copies_during": sorted(during.values()),
            "copies_after": sorted(after.values()),
            "result_rows": rows,
            "seconds": round(seconds, 2),
        }
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
