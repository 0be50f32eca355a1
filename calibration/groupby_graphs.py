#!/usr/bin/env python3
"""One groupby-sum / read_csv / to_parquet graph case, run as a user runs it: a fresh process, a
fresh LocalCluster(n_workers=2, threads_per_worker=1, processes=True), plain persist + `wait` (or
plain compute for saves), the graph never expanded on the client.

    python calibration/groupby_graphs.py CASE

Prints one JSON line: submit_bytes (the client's update-graph message), tasks {key prefix:
[count, max, min run_spec bytes]} as dispatched (scheduler plugin at `processing`), results
{key prefix: [count, max, min nbytes]} as the scheduler records them at `memory` (dask.sizeof),
the groups in the result, and the seconds.
"""
from __future__ import annotations

import json
import os
import sys
import time

import numpy as np
import pandas as pd

ROWS = 400_000


def make_part(bounds, key, k):
    """Global rows [start, stop): `key` is the group column (category c{r mod k}, int r mod k,
    or string str(r mod k).zfill(5)), `income` float64 r mod 1000."""
    start, stop = bounds
    r = np.arange(start, stop, dtype=np.int64)
    if key == "cat":
        g = pd.Categorical.from_codes(r % k, categories=[f"c{i}" for i in range(k)])
    elif key == "int":
        g = r % k
    else:
        g = pd.array([str(v % k).zfill(5) for v in r.tolist()], dtype=pd.StringDtype("pyarrow"))
    return pd.DataFrame({"region": g, "age": r % 100, "income": (r % 1000).astype(np.float64)},
                        index=pd.RangeIndex(start, stop))


def people(dd, parts, key, k):
    size = -(-ROWS // parts)
    bounds = [(i * size, min(ROWS, (i + 1) * size)) for i in range(parts)]
    meta = make_part((0, 0), key, k)
    return dd.from_map(make_part, bounds, args=[key, k], divisions=[b[0] for b in bounds] + [ROWS - 1],
                       meta=meta, enforce_metadata=False)


def case(name, dd):
    # gb-KEY-K-PARTS[-so1]
    if name.startswith("gb-"):
        parts = name.split("-")
        key, k, n = parts[1], int(parts[2]), int(parts[3])
        kw = {"split_out": 1} if name.endswith("-so1") else {}
        return people(dd, n, key, k).groupby("region")["income"].sum(**kw), "persist"
    if name.startswith("csv-"):
        n = int(name.split("-")[1])
        path = "/tmp/dfgroup/sales.csv"
        size = os.path.getsize(path)
        return dd.read_csv(path, dtype={"region": "int64", "income": "float64"}, blocksize=-(-size // n)), "persist"
    if name.startswith("save-"):
        n = int(name.split("-")[1])
        index = name.endswith("-index")
        out = people(dd, n, "int", 50)
        return out.to_parquet("/tmp/dfgroup/out.parquet", compute=False, **({"write_index": True} if index else {})), "compute"
    raise SystemExit(f"unknown case {name}")


def main(name):
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
            self.scheduler, self.sizes, self.results = scheduler, {}, {}

        def transition(self, key, start, finish, *args, **kwargs):
            ts = self.scheduler.tasks.get(key)
            if ts is None:
                return
            prefix = str(key[0] if isinstance(key, tuple) else key).rsplit("-", 1)[0]
            if finish == "processing" and ts.run_spec is not None:
                self.sizes.setdefault(prefix, []).append(len(dpickle.dumps(ts.run_spec)))
            if finish == "memory":
                self.results.setdefault(prefix, []).append(ts.nbytes)

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        plugin = Dispatch(cluster.scheduler)
        cluster.scheduler.add_plugin(plugin, name="pl-dispatch")
        collection, how = case(name, dd)
        t0 = time.perf_counter()
        groups = None
        if how == "persist":
            persisted = client.persist(collection)
            wait(persisted)
            result = client.compute(persisted).result()
            groups = len(result)
        else:
            client.compute(collection).result()
        seconds = time.perf_counter() - t0
        out = {
            "case": name,
            "submit_bytes": submitted[0] if submitted else None,
            "tasks": {k: [len(v), max(v), min(v)] for k, v in sorted(plugin.sizes.items())},
            "results": {k: [len(v), max(v), min(v)] for k, v in sorted(plugin.results.items())},
            "groups": groups,
            "seconds": round(seconds, 2),
        }
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
