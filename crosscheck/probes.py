#!/usr/bin/env python3
"""Measures one exported program as a user runs it, in this fresh process (cross-check parts e-h).

    python crosscheck/probes.py MODE PROGRAM.py [OUT]
    python crosscheck/probes.py tasks PROGRAM.py...

Every mode runs the program's definitions as `__main__` (its classes pickle by value, as in a
user's driver script), never expands a collection's graph on the client before it is sent
(`dict(c.__dask_graph__())`, `.keys()` and `to_dict()` cache tasks and inflate what is sent),
and prints one JSON line:

- `processes`: the program's own `main()` on Dask's local processes scheduler, with
  `func_dumps`/`func_loads` spies: `task_bytes` (every message `dask.local` pickles in the
  parent for one task, its dependencies' values included), and `live_copies` per pool process,
  counted by a gc probe inside the pool process right after each task's message is loaded
  (the moment a copy is alive: the task runs with it).
- `moments`: a fresh `LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`
  (Active Memory Manager off, so scattered replicas are not dropped at its own pace), a plain
  `persist` of every output and `wait`: `running` — the most live copies per worker seen by a
  gc probe on each task's transitions to executing and to memory (while tasks run), and `held`
  — live copies per worker after `wait` (what stays); `task_bytes` — per layer (key prefix), the
  largest `run_spec` the scheduler pickles when it dispatches one of its tasks (fused, as sent).
- `submit`: a fresh LocalCluster; the program's own `main()` (spied `update-graph` messages:
  `export_submits`, the first being its first `persist` output's) and then, in the same process,
  a plain user-style `client.persist` of that output's collection built afresh (`user_submit`); `calls` — how many times each of the pipeline's functions ran
  during `main()` (a counting wrapper inside the tasks), and `run_spec_warnings`: lines of the workers' and scheduler's logs
  saying "Detected different `run_spec`".
- `tasks PROGRAM...`: per program, `len(c.__dask_graph__())` of its outputs (which does not
  materialize the graph).
"""
import collections
import contextlib
import io
import json
import logging
import os
import sys

import __main__

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)


def load(program):
    source = open(program, encoding="utf-8").read()
    guard = 'if __name__ == "__main__":\n    sys.exit(main())'
    assert guard in source, "not a program written by pipelint export"
    __main__.__dict__["__file__"] = program
    exec(compile(source.replace(guard, ""), program, "exec"), __main__.__dict__)
    return __main__.__dict__


def processes(g, out):
    import dask
    import probe_hooks
    folder = probe_hooks.start_counting(g["PROBES"])
    with dask.config.set(func_dumps=probe_hooks.counting_dumps, func_loads=probe_hooks.counting_loads):
        with contextlib.redirect_stdout(io.StringIO()):
            g["main"](["--out", out])
    per_process = probe_hooks.read_counts(folder)
    print(json.dumps({"task_bytes": sorted(probe_hooks.SENT), "live_copies": per_process}))


def moments(g, out):
    import dask
    from distributed import Client, LocalCluster, wait
    import probe_hooks
    with dask.config.set({"distributed.scheduler.active-memory-manager.start": False}):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
        try:
            client.register_plugin(probe_hooks.CopyCounter(g["PROBES"]))
            outputs = g["build_graph"](client)
            # A per-item step's output is a list: of Delayed objects (persisted with the rest), or of
            # futures (`submit`, `map`: already running, waited for as they are).
            flat = [x for _, _, _, c in outputs for x in (c if isinstance(c, list) else [c])]
            collections_ = [x for x in flat if dask.is_dask_collection(x)]
            persisted = (client.persist(collections_) if collections_ else []) + [x for x in flat if not dask.is_dask_collection(x)]
            wait(persisted)
            running = client.run(probe_hooks.peak_copies)
            dispatched = client.run_on_scheduler(probe_hooks.run_spec_bytes)
            held = client.run(g["_live_copies"], g["PROBES"])
            print(json.dumps({"running": running, "held": held, "task_bytes": dispatched}))
            del persisted
        finally:
            client.close()
            cluster.close()


def submit(g, out):
    import distributed.client as dclient
    from distributed import Client, LocalCluster, wait
    from distributed.utils import nbytes
    import probe_hooks
    sent = []
    send = dclient.Client._send_to_scheduler

    def spy(self, msg):
        if msg.get("op") == "update-graph":
            e = msg["expr_ser"]
            sent.append(sum(map(nbytes, [e.header] + e.frames)))
        return send(self, msg)

    dclient.Client._send_to_scheduler = spy
    logs = io.StringIO()
    handler = logging.StreamHandler(logs)
    logging.getLogger("distributed").addHandler(handler)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    try:
        own = {"main", "build_graph", "build_objects"}
        for name, fn in list(g.items()):
            if callable(fn) and getattr(fn, "__module__", "") == "__main__" and not isinstance(fn, type) \
                    and not name.startswith("_") and name not in own:
                g[name] = probe_hooks.Counted(fn, name)
        with contextlib.redirect_stdout(io.StringIO()):
            g["main"](["--out", out, "--scheduler-address", cluster.scheduler_address])
        export_submits = list(sent)
        calls = collections.Counter()
        for counts in client.run(probe_hooks.calls).values():
            calls.update(counts)
        text = logs.getvalue()
        for lines in client.get_worker_logs().values():
            text += "\n".join(m for _, m in lines)
        text += "\n".join(m for _, m in client.get_scheduler_logs())
        warnings = [line for line in text.splitlines() if "Detected different `run_spec`" in line]
        # The user's way: build the graph and persist the first `persist` output in one plain call.
        sent.clear()
        first = [c for _, kind, _, c in g["build_graph"](client) if kind == "persist"][:1]
        user = None
        if first:
            persisted = client.persist(first)
            wait(persisted)
            user = sent[-1]
            del persisted
        print(json.dumps({"export_submits": export_submits, "user_submit": user, "calls": dict(calls),
                          "run_spec_warnings": warnings}))
    finally:
        client.close()
        cluster.close()


def tasks(programs):
    """Per program: its outputs' `len(c.__dask_graph__())`, summed (no graph is materialized)."""
    counts = {}
    for program in programs:
        g = load(program)
        counts[program] = sum(len(c.__dask_graph__()) for _, _, _, c in g["build_graph"](None))
    print(json.dumps(counts))


if __name__ == "__main__":
    # Module-level names here live in the program's namespace (both are __main__): underscored.
    if sys.argv[1] == "tasks":
        tasks(sys.argv[2:])
        sys.exit(0)
    _out = sys.argv[3] if len(sys.argv) > 3 else os.path.join(os.path.dirname(sys.argv[2]), "probe-out")
    {"processes": processes, "moments": moments, "submit": submit}[sys.argv[1]](load(sys.argv[2]), _out)
