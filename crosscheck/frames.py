#!/usr/bin/env python3
"""Part (j) of the cross-check: a DataFrame pipeline (format 1.2) through the program `pipelint export
--to dask` writes, as a user runs it: this process is fresh, the program's definitions run as
`__main__`, a fresh LocalCluster(n_workers=2, threads_per_worker=1, processes=True), its graph built
by `build_graph` and persisted/computed plainly, never expanded on the client.

    python crosscheck/frames.py PROGRAM.py PIPELINE.yaml

Prints one JSON line:
* submit_bytes     the client's `update-graph` messages (the largest), as Client._graph_to_futures
                   measures them
* tasks            {key prefix: [count, largest run_spec bytes]} of every task as dispatched
                   (a scheduler plugin at the transition to `processing`; fused tasks carry the
                   names of the layers fused into them); a task dispatched again (a p2p unpack
                   task moved to its output's worker) counts each time
* distinct_tasks   {key prefix: count} of distinct keys dispatched (each task once), both until `wait`
* copies_during / copies_after  per probed object, per worker: live copies, sampled every 20 ms
                   while the graph runs (maximum; the values the workers' tasks hold, no gc: see
                   `held_copies`) and once after `wait` (the runtime's `_live_copies`: gc too)
* results          per output: equal to the same functions applied to the whole frame in pandas,
                   without Dask (the values never depend on the partitioning)
* checksums        per output as `pipelint run` writes it: a frame's CRC-32 of its CSV
                   (`to_csv(index_label="index", lineterminator="\\n")`, the exported program's file), a
                   scalar's repr: the bundled executor's results must be these exactly
"""
import json
import sys
import threading
import time

import __main__


def held_copies(probes, dask_worker):
    """Copies the worker's tasks hold (run_specs and results), without gc: `gc.get_objects()` in
    a thread beside running tasks hands out references to tuples still being built, and CPython
    3.11 then fails resizing them (`SystemError: Objects/tupleobject.c:927` in the worker's
    `read_bytes_rw`, which killed the comm of a scatter and hung the run)."""
    rt = sys.modules["pipelint_runtime"]
    held = rt._held_values(dask_worker)
    counts = {}
    for name, kind, what in probes:
        match, found, seen = rt._probe_match(kind, what), set(), set()
        for value in held:
            rt._walk_values(value, match, found, seen)
        counts[name] = len(found)
    return counts


def sampler_start(probes, dask_worker=None):
    state = {"max": {}, "stop": False}

    def loop():
        while not state["stop"]:
            try:
                for name, n in held_copies(probes, dask_worker).items():
                    state["max"][name] = max(state["max"].get(name, 0), n)
            except Exception:
                pass
            time.sleep(0.02)

    dask_worker._pl_frames_sampler = state
    threading.Thread(target=loop, daemon=True).start()
    return True


def sampler_stop(dask_worker=None):
    state = dask_worker._pl_frames_sampler
    state["stop"] = True
    return state["max"]


def read_csv(pipeline, f, rt, pd):
    """A `load:` frame read whole by pandas, with the declared dtypes."""
    import os

    dtypes, dates = {}, []
    for c, s in f["columns"].items():
        if s["dtype"] == "datetime64[ns]":
            dates.append(c)
        elif s["dtype"] == "category":
            dtypes[c] = rt._category_dtype(s["categories"])
        elif s["dtype"] == "string":
            dtypes[c] = pd.StringDtype("pyarrow")
        else:
            dtypes[c] = s["dtype"]
    path = os.path.join(os.path.dirname(os.path.abspath(pipeline)), f["load"])
    return pd.read_csv(path, usecols=list(f["columns"]), dtype=dtypes, parse_dates=dates or None)


def reference(g, doc, pipeline):
    """Each output computed in pandas on whole frames, with the program's own functions and objects."""
    import pandas as pd

    rt = sys.modules["pipelint_runtime"]
    objects = g["build_objects"]() if "build_objects" in g else {}
    values = {}
    shuffled = set()
    for name, f in (doc.get("frames") or {}).items():
        if "from_pandas" in f:
            values[name] = objects[f["from_pandas"]]
            continue
        if "load" in f:
            values[name] = read_csv(pipeline, f, rt, pd)
            shuffled.add(name)  # read_csv numbers each block's rows from 0: compared as sets of rows
            continue
        cols = [rt._col(c, s["dtype"], **column_keywords(s)) for c, s in f["columns"].items()]
        values[name] = rt._dataframe(f["rows"], cols)
    for name, step in doc["steps"].items():
        if "reduce" in step:
            frame, column = str(step["over"]).split(".", 1)
            values[name] = getattr(values[frame][column], step["reduce"])()
            continue
        if "groupby" in step:
            # pandas 3's default observed=True: only the categories present make groups.
            values[name] = values[step["groupby"]].groupby(step["by"])[step["sum"]].sum()
            continue
        if "merge" in step:
            right = values.get(step["with"], objects.get(step["with"]))
            on = step.get("on", step.get(True))  # PyYAML reads the key `on` as True (YAML 1.1)
            values[name] = values[step["merge"]].merge(right, on=on, how=step.get("how", "inner"))
            shuffled.add(name)
            continue
        if any(k in step for k in ("lookup", "assign", "filter")):
            values[name] = row_step(values, objects, step)
            continue
        over = step["over"][0] if isinstance(step["over"], list) else step["over"]
        if over in shuffled:
            shuffled.add(name)
        callee = step["map_partitions"]
        if "." in callee:
            obj, method = callee.split(".", 1)
            fn = getattr(objects[obj], method)
        else:
            fn = g[callee]
        args = [resolve(objects, a) for a in step.get("args") or []]
        kwargs = {k: resolve(objects, v) for k, v in (step.get("kwargs") or {}).items()}
        values[name] = fn(values[over], *args, **kwargs)
    return {name: values[name] for name in doc["outputs"]}, shuffled, pd


COMPARE = {"eq": "__eq__", "ne": "__ne__", "lt": "__lt__", "le": "__le__", "gt": "__gt__", "ge": "__ge__",
           "==": "__eq__", "!=": "__ne__", "<": "__lt__", "<=": "__le__", ">": "__gt__", ">=": "__ge__"}
ARITH = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__"}


def row_step(values, objects, step):
    """A lookup, assign or filter step on a whole pandas frame."""
    if "lookup" in step:
        frame, column = str(step["lookup"]).split(".", 1)
        df = values[frame]
        return df.assign(**{step["into"]: df[column].map(objects[step["through"]])})
    if "assign" in step:
        df = values[step["assign"]]
        return df.assign(**{step["column"]: expression(df, step["expr"])})
    df = values[step["filter"]]
    return df[getattr(df[step["column"]], COMPARE[step["op"]])(step["value"])]


def expression(df, e):
    """An `assign` expression in pandas: a column, a number, an operation or `where`."""
    if isinstance(e, (int, float)):
        return e
    if isinstance(e, str):
        return df[e]
    (op, items), = e.items()
    if op == "where":
        (cmp, (x, y)), = items[0].items()
        cond = getattr(expression(df, x), COMPARE[cmp])(expression(df, y))
        a, b = expression(df, items[1]), expression(df, items[2])
        return a.where(cond, b) if hasattr(a, "where") else b.mask(cond, a)
    a, b = expression(df, items[0]), expression(df, items[1])
    return getattr(a, ARITH[op])(b) if hasattr(a, ARITH[op]) and not isinstance(a, (int, float)) else getattr(b, "__r" + ARITH[op][2:])(a)


def column_keywords(spec):
    kw = {}
    if "length" in spec:
        kw["length"] = spec["length"]
    if "categories" in spec:
        kw["categories"] = spec["categories"]
    src = spec.get("source", "range")
    if isinstance(src, dict) and "random" in src:
        r = src["random"]
        kw.update(source="random", seed=r.get("seed", 0), low=r.get("low"), high=r.get("high"))
    return kw


def tolerance(value, want):
    """The (relative, absolute) difference allowed between Dask's result and one pandas computation over
    the whole frame: Dask sums partials in its tree's order, so floats may differ in their last bits —
    float64's, or float32's (pandas 3.1 sums float32 in float32, so a group whose values cancel keeps
    an error of the size of its largest sums, not of its own)."""
    import numpy as np

    if not any(str(getattr(x, "dtype", np.asarray(x).dtype)) == "float32" for x in (value, want)):
        return 1e-12, 0.0
    return 1e-5, 1e-6 * float(np.nanmax(np.abs(np.asarray(want, dtype=np.float64)), initial=0.0))


def checksum(value, pd):
    """A frame's CRC-32 as the exported program writes it (NAME.csv), or a scalar's repr."""
    import zlib

    import numpy as np

    if isinstance(value, pd.Series):
        value = value.reset_index()  # a groupby's sums, as the exported driver writes them
    if isinstance(value, pd.DataFrame):
        data = value.to_csv(index_label="index", lineterminator="\n").encode("utf-8")
        return f"{zlib.crc32(data) & 0xFFFFFFFF:08x}"
    if isinstance(value, (pd.Timestamp, pd.Timedelta)) or value is pd.NaT:
        return str(value)  # a datetime column's min/max
    value = np.asarray(value)[()]
    return repr(float(value)) if np.asarray(value).dtype.kind == "f" else str(int(value))


def resolve(objects, a):
    if isinstance(a, (int, float)):
        return a
    head, *path = str(a).split(".")
    value = objects[head]
    for p in path:
        value = getattr(value, p)
    return value


def main(program, pipeline):
    import warnings

    import distributed.client as dclient
    import distributed.protocol.pickle as dpickle
    import yaml
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
            self.scheduler, self.sizes, self.keys = scheduler, {}, {}

        def transition(self, key, start, finish, *args, **kwargs):
            ts = self.scheduler.tasks.get(key)
            if finish == "processing" and ts is not None and ts.run_spec is not None:
                prefix = str(key[0] if isinstance(key, tuple) else key).rsplit("-", 1)[0]
                self.sizes.setdefault(prefix, []).append(len(dpickle.dumps(ts.run_spec)))
                self.keys.setdefault(prefix, set()).add(key)

    source = open(program, encoding="utf-8").read().replace('if __name__ == "__main__":\n    sys.exit(main())', "")
    __main__.__dict__["__file__"] = program
    exec(compile(source, program, "exec"), __main__.__dict__)
    g = __main__.__dict__
    with open(pipeline) as fh:
        doc = yaml.safe_load(fh)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        plugin = Dispatch(cluster.scheduler)
        cluster.scheduler.add_plugin(plugin, name="pl-frames")
        client.run(sampler_start, g["PROBES"])
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            outputs = g["build_graph"](client)
            collections = [c for _, _, _, c in outputs]
            persisted = client.persist(collections)
            wait(persisted)
        during = client.run(sampler_stop)
        after = client.run(g["_live_copies"], g["PROBES"])
        dispatched = {k: [len(v), max(v)] for k, v in sorted(plugin.sizes.items())}
        distinct = {k: len(v) for k, v in sorted(plugin.keys.items())}
        computed = client.compute(persisted, sync=True)
        expected, shuffled, pd = reference(g, doc, pipeline)
        results, checksums = {}, {}
        for (name, _, _, _), value in zip(outputs, computed):
            checksums[name] = checksum(value, pd)
            want = expected[name]
            if isinstance(want, pd.Series):
                # A groupby's sums: Dask adds the partial sums in its tree's order, so floats may differ in the last bits.
                value, want = value.sort_index(), want.sort_index()
                try:
                    rtol, atol = tolerance(value, want)
                    pd.testing.assert_series_equal(value, want, check_exact=False, rtol=rtol, atol=atol)
                    results[name] = "same"
                except AssertionError as e:
                    results[name] = "DIFFERENT: " + str(e).replace("\n", " ")[:300]
                continue
            if not isinstance(want, pd.DataFrame):
                # A column's reduction: Dask's tree of partials may round differently from one pandas sum.
                rtol, atol = tolerance(value, want)
                same = value == want or abs(float(value) - float(want)) <= rtol * max(abs(float(want)), 1.0) + atol
                results[name] = "same" if same else f"DIFFERENT: {value!r} vs {want!r}"
                continue
            if name in shuffled:
                # A merge's rows come in Dask's partition order, with each partition's own index: compared as
                # sets of rows (sorted by every column).
                value, want = (x.sort_values(list(x.columns)).reset_index(drop=True) for x in (value, want))
            try:
                pd.testing.assert_frame_equal(value, want, check_exact=True)
                results[name] = "same"
            except AssertionError as e:
                results[name] = "DIFFERENT: " + str(e).replace("\n", " ")[:300]
        names = [p[0] for p in g["PROBES"]]
        print(json.dumps({
            "submit_bytes": max(submitted) if submitted else 0,
            "warned": any("Sending large graph" in str(w.message) for w in caught),
            "tasks": dispatched,
            "distinct_tasks": distinct,
            "copies_during": {n: sorted(v.get(n, 0) for v in during.values()) for n in names},
            "copies_after": {n: sorted(v.get(n, 0) for v in after.values()) for n in names},
            "results": results,
            "checksums": checksums,
        }), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
