#!/usr/bin/env python3
"""Measure how distributed ships the graphs `pipelint export --to dask` builds, for
pipelint's graph figures.

Run from the repository root after `swift build`, in a venv outside the repository:

    python3 -m venv /work/venv-est
    /work/venv-est/bin/pip install -r calibration/requirements.txt
    /work/venv-est/bin/python calibration/graph_bytes.py     # ~3 min, 2 cores

Each shape is a pipeline file at two or three chunk counts. The pipeline is exported
(`.build/debug/pipelint`, or $PIPELINT), the program's definitions run as `__main__` (so
its classes and functions pickle by value, as in a user's driver script), and its graph
is persisted on a real 2-worker LocalCluster (in-process, so the scheduler's state can
be read). Recorded per pipeline:

* ``submit_bytes``  what ``Client._graph_to_futures`` compares with
                    ``distributed.admin.large-graph-warning-threshold``:
                    ``sum(nbytes(x) for x in [header] + frames)`` of the serialized
                    expression, read from the ``update-graph`` message itself.
* ``warned``        whether the client emitted "Sending large graph of size …".
* ``task_bytes_max`` / ``task_bytes_min``  ``len(distributed.protocol.pickle.dumps(
                    ts.run_spec))`` over the scheduler's tasks: what one
                    ``compute-task`` message carries as ``run_spec`` when a task is
                    dispatched (each ``ToPickle`` is pickled on its own, so there is
                    no memo across tasks).
* ``tasks``         tasks the scheduler materialized.

Writes ``Tests/AnalysisTests/Fixtures/graph_bytes.json`` (with each pipeline's text);
the Swift tests compare the estimator's submit bytes, per-chunk slope and largest task
with it.
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import warnings

import __main__
import cloudpickle
import dask
import distributed
import distributed.client as dclient
import distributed.protocol.pickle as dpickle
import numpy as np
import pandas as pd
from distributed import Client, LocalCluster, wait
from distributed.utils import nbytes

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "Tests", "AnalysisTests", "Fixtures", "graph_bytes.json")
PIPELINT = os.environ.get("PIPELINT", os.path.join(HERE, "..", ".build", "debug", "pipelint"))

# The client's own arithmetic, read from the message it sends.
SUBMITTED: list[int] = []
_send = dclient.Client._send_to_scheduler


def _spy(self, msg):
    if msg.get("op") == "update-graph":
        e = msg["expr_ser"]
        SUBMITTED.append(sum(map(nbytes, [e.header] + e.frames)))
    return _send(self, msg)


dclient.Client._send_to_scheduler = _spy

HEADER = "pipeline: measured\nversion: 1\ncluster: {scheduler: distributed, workers: 2, threads_per_worker: 1}\n"
MAPPER = """objects:
  mapper:
    class: Mapper
    fields: {series: {series: {range: 30000, dtype: int64}}}
    methods: {lookup: {kernel: take, with: {table: self.series}}}
    placement: PLACEMENT
"""
FUNCTIONS = """functions:
  scale: {params: [block, factor], kernel: scale}
  bound: {params: [block], kernel: clip, with: {low: 0, high: 1}}
  f: {params: [block, mapper], kernel: take, with: {table: mapper.series}}
  mix: {params: [block, w], kernel: dot}
"""


def pipeline(n, source="range", steps=(), output="persist", dims=1, dtype="int64", mapper=None, weights=None):
    """A pipeline of one array of `n` chunks (1-D: 1000 per chunk; 2-D: 8 × 32 blocks of an
    (8n/2) × 64 array, so `n` chunks) and a chain of steps."""
    y = HEADER
    if mapper or weights:
        y += "objects:\n" if not mapper else MAPPER.replace("PLACEMENT", mapper)
        if weights:
            y += f"  w: {{ndarray: {{shape: {weights}, dtype: float64, fill: range}}}}\n"
    y += FUNCTIONS
    src = {"random": "{random: {seed: 7, low: 0, high: 30000}}"}.get(source, source)
    if dims == 1:
        shape, chunks = [n * 1000], [1000]
    elif weights:
        shape, chunks = [n * 2, 3], [2, 3]
    else:
        shape, chunks = [n * 4, 64], [8, 32]
    y += f"arrays:\n  x: {{shape: {shape}, chunks: {chunks}, dtype: {dtype}, source: {src}}}\n"
    maps = {
        "scale": "{map_blocks: scale, over: [%s], args: [0.5]}",
        "bound": "{map_blocks: bound, over: [%s]}",
        "mapper": "{map_blocks: f, over: [%s], args: [mapper]}",
        "method": "{map_blocks: mapper.lookup, over: [%s]}",
        "dot": "{map_blocks: mix, over: [%s], args: [w]}",
        "rechunk2": "{rechunk: %s, chunks: [2000]}",
    }
    previous, lines = "x", []
    for i, s in enumerate(steps):
        if s in maps:
            step = maps[s] % previous
        else:  # "sum/8": a reduction and its split_every
            how, split = s.split("/")
            step = f"{{reduce: {how}, over: {previous}, split_every: {split}}}"
        lines.append(f"  s{i}: {step}")
        previous = f"s{i}"
    y += ("steps:\n" + "\n".join(lines) + "\n") if lines else "steps: {}\n"
    y += f"outputs:\n  {previous}: {output}\n"
    return y


def shapes():
    """name -> (chunk counts, builder(n) -> pipeline text)."""
    s = {}
    for src in ("zeros", "ones", "range", "random"):
        s[src] = ([100, 1000, 10000] if src in ("range", "random") else [100, 1000], lambda n, src=src: pipeline(n, src))
        s[src + " 2-D"] = ([50, 500], lambda n, src=src: pipeline(n, src, dims=2))
    s["random float 2-D"] = ([50, 500], lambda n: pipeline(n, "random", dims=2, dtype="float64"))
    for src in ("zeros", "range", "random"):
        s[src + "+scale"] = ([100, 1000], lambda n, src=src: pipeline(n, src, ["scale"]))
        s[src + "+scale+bound"] = ([100, 1000], lambda n, src=src: pipeline(n, src, ["scale", "bound"]))
        s[src + " 2-D+scale+bound"] = ([50, 500], lambda n, src=src: pipeline(n, src, ["scale", "bound"], dims=2))
    for how in ("sum/8", "mean/4", "max/4", "count/4"):
        s["range+scale+" + how] = ([100, 1000], lambda n, how=how: pipeline(n, "range", ["scale", how], "compute"))
        s["random 2-D+scale+" + how] = ([50, 500], lambda n, how=how: pipeline(n, "random", ["scale", how], "compute", dims=2))
    s["random float 2-D+scale+bound+mean/4"] = ([32, 64, 320], lambda n: pipeline(n, "random", ["scale", "bound", "mean/4"], "compute", dims=2, dtype="float64"))
    s["range+mapper"] = ([100, 1000, 10000], lambda n: pipeline(n, "range", ["mapper"], mapper="embed"))
    s["range+method"] = ([100, 1000], lambda n: pipeline(n, "range", ["method"], mapper="embed"))
    s["zeros+mapper"] = ([100, 1000], lambda n: pipeline(n, "zeros", ["mapper"], mapper="embed"))
    s["random+mapper"] = ([100, 1000], lambda n: pipeline(n, "random", ["mapper"], mapper="embed"))
    s["range+mapper+scale"] = ([100, 1000], lambda n: pipeline(n, "range", ["mapper", "scale"], mapper="embed"))
    s["range+mapper+sum"] = ([100, 1000], lambda n: pipeline(n, "range", ["mapper", "sum/8"], "compute", mapper="embed"))
    s["range+delayed mapper"] = ([100, 1000], lambda n: pipeline(n, "range", ["mapper"], mapper="delayed"))
    s["range+scattered mapper"] = ([100, 1000], lambda n: pipeline(n, "range", ["mapper"], mapper="scatter"))
    s["range+rechunk"] = ([100, 1000], lambda n: pipeline(n, "range", ["rechunk2"]))
    s["range 2-D+dot"] = ([50, 500], lambda n: pipeline(n, "range", ["dot"], dims=2, weights=[3, 2]))
    s["range 2-D+dot vector"] = ([100, 500], lambda n: pipeline(n, "range", ["dot"], dims=2, weights=[3]))
    # Two uses block fusion: x feeds two dot steps, and `s0` is both reduced and an output.
    s["range 2-D+dot, dot vector, sum"] = ([50, 100, 500], lambda n: pipeline(n, "range", ["dot"], dims=2, weights=[3, 2]).replace(
        "  s0: {map_blocks: mix, over: [x], args: [w]}\n",
        "  s0: {map_blocks: mix, over: [x], args: [w]}\n  s1: {map_blocks: mix, over: [x], args: [v]}\n  s2: {reduce: sum, over: s0}\n").replace(
        "outputs:\n  s0: persist\n", "outputs:\n  s0: persist\n  s1: persist\n  s2: compute\n").replace(
        "fill: range}}\n", "fill: range}}\n  v: {ndarray: {shape: [3], dtype: float64, fill: range}}\n", 1))
    return s


def load_program(text, folder, tag):
    """Exports the pipeline and runs the program's definitions as `__main__`."""
    path = os.path.join(folder, f"{tag}.yaml")
    with open(path, "w") as fh:
        fh.write(text)
    program = os.path.join(folder, f"{tag}.py")
    subprocess.run([PIPELINT, "export", "--to", "dask", "--as-written", path, "-o", program], check=True)
    source = open(program, encoding="utf-8").read()
    guard = 'if __name__ == "__main__":\n    sys.exit(main())'
    # Each program writes its own generated modules: forget the previous program's.
    for m in [m for m in sys.modules if m == "pipelint_objects" or m == "pipelint_runtime"]:
        del sys.modules[m]
    __main__.__dict__["__file__"] = program
    exec(compile(source.replace(guard, ""), program, "exec"), __main__.__dict__)
    return __main__.__dict__


def measure(client, cluster, text, folder, tag, run=True):
    g = load_program(text, folder, tag)
    outputs = g["build_graph"](client)
    SUBMITTED.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        persisted = client.persist([c for _, _, _, c in outputs])
        if run:
            wait(persisted)
    row = {"submit_bytes": SUBMITTED[-1], "warned": any("Sending large graph" in str(w.message) for w in caught)}
    if run:
        sizes = [len(dpickle.dumps(ts.run_spec)) for ts in cluster.scheduler.tasks.values() if ts.run_spec is not None]
        row.update({"task_bytes_max": max(sizes), "task_bytes_min": min(sizes), "tasks": len(cluster.scheduler.tasks)})
    client.cancel(persisted)
    del persisted
    return row


def main():
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    client = Client(cluster)
    folder = tempfile.mkdtemp(prefix="calibration-")
    entries = []
    for name, (counts, build) in shapes().items():
        for n in counts:
            text = build(n)
            row = measure(client, cluster, text, folder, f"p{len(entries)}")
            entry = {"name": name, "chunks": n, **row, "pipeline": text}
            print(json.dumps({k: v for k, v in entry.items() if k != "pipeline"}), flush=True)
            entries.append(entry)
    # No object at all: only the number of tasks sets off the client's warning.
    n = 130_000
    text = pipeline(n, "range")
    entry = {"name": "range", "chunks": n, **measure(client, cluster, text, folder, "big", run=False), "pipeline": text}
    print(json.dumps({k: v for k, v in entry.items() if k != "pipeline"}), flush=True)
    entries.append(entry)
    doc = {
        "versions": {
            "python": platform.python_version(),
            "dask": dask.__version__,
            "distributed": distributed.__version__,
            "cloudpickle": cloudpickle.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
        },
        "large_graph_warning_threshold": dask.config.get("distributed.admin.large-graph-warning-threshold"),
        "entries": entries,
    }
    os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
    with open(FIXTURE, "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print(f"wrote {os.path.relpath(FIXTURE)}", file=sys.stderr)
    # The scheduler may still be busy forgetting the 130,000 cancelled tasks: don't wait for it.
    try:
        client.close(timeout=5)
        cluster.close(timeout=5)
    except Exception:
        pass


if __name__ == "__main__":
    main()
