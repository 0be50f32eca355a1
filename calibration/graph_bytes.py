#!/usr/bin/env python3
"""Measure how distributed ships a chunked graph, for pipelint's graph figures.

Run from the repository root, in a venv outside the repository:

    python3 -m venv /work/venv-est
    /work/venv-est/bin/pip install -r calibration/requirements.txt
    /work/venv-est/bin/python calibration/graph_bytes.py     # ~1 min, 2 cores

For each graph shape, at several chunk counts, on a real 2-worker LocalCluster
(threads, in-process, so the scheduler's state can be read), it records:

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

Writes ``Tests/AnalysisTests/Fixtures/graph_bytes.json``; the Swift tests compare
the model's fixed part, per-chunk slope and submit bytes with it.
"""
from __future__ import annotations

import json
import os
import platform
import sys
import warnings

import cloudpickle
import dask
import dask.array as da
import distributed
import distributed.client as dclient
import distributed.protocol.pickle as dpickle
import numpy as np
import pandas as pd
from distributed import Client, LocalCluster, wait
from distributed.utils import nbytes

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, "..", "Tests", "AnalysisTests", "Fixtures", "graph_bytes.json")
CHUNK = 1000


# A __main__ class, pickled by value as in a user's driver script (the seed's Mapper).
class Mapper:
    def __init__(self, series):
        self.series = series

    def lookup(self, block):
        return self.series.to_numpy()[block % len(self.series)]


def f(block, mapper):
    return mapper.series.to_numpy()[block % len(mapper.series)]


def scale(block, factor):
    return block * factor


# The client's own arithmetic, read from the message it sends.
SUBMITTED: list[int] = []
_send = dclient.Client._send_to_scheduler


def _spy(self, msg):
    if msg.get("op") == "update-graph":
        e = msg["expr_ser"]
        SUBMITTED.append(sum(map(nbytes, [e.header] + e.frames)))
    return _send(self, msg)


dclient.Client._send_to_scheduler = _spy


def exported_runtime():
    """`pipelint_runtime`, the module `pipelint export --to dask` ships (built pipelint, or $PIPELINT):
    the format's `random` is its `_source`, a map_blocks over block_info, not `da.random`."""
    import importlib.util
    import subprocess
    import tempfile
    pipelint = os.environ.get("PIPELINT", os.path.join(HERE, "..", ".build", "debug", "pipelint"))
    folder = tempfile.mkdtemp(prefix="calibration-")
    pipeline = os.path.join(folder, "p.yaml")
    with open(pipeline, "w") as fh:
        fh.write("pipeline: p\nversion: 1\narrays:\n  x: {shape: [4], chunks: [2], source: ones}\nsteps: {}\noutputs: {x: compute}\n")
    program = os.path.join(folder, "p.py")
    subprocess.run([pipelint, "export", "--to", "dask", pipeline, "-o", program], check=True)
    spec = importlib.util.spec_from_file_location("exported_program", program)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))  # installs the modules on sys.path
    import pipelint_runtime
    return pipelint_runtime


RUNTIME = exported_runtime()


def source(kind: str, n: int):
    length = n * CHUNK
    if kind == "zeros":
        return da.zeros(length, chunks=CHUNK, dtype=np.int64)
    if kind == "ones":
        return da.ones(length, chunks=CHUNK, dtype=np.int64)
    if kind == "range":
        return da.arange(length, chunks=CHUNK, dtype=np.int64)
    if kind == "random":
        return RUNTIME._source("x", (length,), (CHUNK,), "int64", "random", seed=7, low=0.0, high=30000.0)
    raise ValueError(kind)


def shapes(mapper):
    """name -> (description for the Swift test, builder(n) -> (collection, output))."""
    out = {}
    for src in ("zeros", "ones", "range", "random"):
        out[src] = ({"source": src, "steps": [], "output": "persist"}, lambda n, s=src: source(s, n))
    out["range+scale"] = (
        {"source": "range", "steps": ["map_literal"], "output": "persist"},
        lambda n: (lambda x: x.map_blocks(scale, 0.5, meta=x))(source("range", n)),
    )
    out["range+mapper"] = (
        {"source": "range", "steps": ["map_mapper"], "output": "persist"},
        lambda n: (lambda x: x.map_blocks(f, mapper, meta=x))(source("range", n)),
    )
    out["range+method"] = (
        {"source": "range", "steps": ["map_method"], "output": "persist"},
        lambda n: (lambda x: x.map_blocks(mapper.lookup, meta=x))(source("range", n)),
    )
    out["zeros+mapper"] = (
        {"source": "zeros", "steps": ["map_mapper"], "output": "persist"},
        lambda n: (lambda x: x.map_blocks(f, mapper, meta=x))(source("zeros", n)),
    )
    out["random+mapper"] = (
        {"source": "random", "steps": ["map_mapper"], "output": "persist"},
        lambda n: (lambda x: x.map_blocks(f, mapper, meta=x))(source("random", n)),
    )
    out["range+mapper+scale"] = (
        {"source": "range", "steps": ["map_mapper", "map_literal"], "output": "persist"},
        lambda n: (lambda x: x.map_blocks(f, mapper, meta=x).map_blocks(scale, 0.5, meta=x))(source("range", n)),
    )
    out["range+mapper+sum"] = (
        {"source": "range", "steps": ["map_mapper", "sum8"], "output": "compute"},
        lambda n: (lambda x: x.map_blocks(f, mapper, meta=x).sum(split_every=8))(source("range", n)),
    )
    out["range+rechunk"] = (
        {"source": "range", "steps": ["rechunk2"], "output": "persist"},
        lambda n: source("range", n).rechunk(2 * CHUNK),
    )
    return out


def measure(client, cluster, coll, output):
    SUBMITTED.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if output == "persist":
            p = client.persist(coll)
            wait(p)
        else:
            fut = client.compute(coll)
            fut.result()
    warned = any("Sending large graph" in str(w.message) for w in caught)
    sizes = [len(dpickle.dumps(ts.run_spec)) for ts in cluster.scheduler.tasks.values() if ts.run_spec is not None]
    tasks = len(cluster.scheduler.tasks)
    row = {
        "submit_bytes": SUBMITTED[-1],
        "warned": warned,
        "task_bytes_max": max(sizes),
        "task_bytes_min": min(sizes),
        "tasks": tasks,
    }
    if output == "persist":
        del p
    else:
        del fut
    return row


def submit_only(client, coll):
    """Submit bytes and the warning of a graph too big to run here: persisted, then cancelled at once."""
    SUBMITTED.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p = client.persist(coll)
    warned = any("Sending large graph" in str(w.message) for w in caught)
    client.cancel(p)
    return {"submit_bytes": SUBMITTED[-1], "warned": warned}


def main():
    mapper = Mapper(pd.Series(range(30000)))
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)
    client = Client(cluster)
    entries = []
    for name, (desc, build) in shapes(mapper).items():
        counts = [100, 1000, 10000] if name in ("range", "random", "range+mapper") else [100, 1000]
        for n in counts:
            row = measure(client, cluster, build(n), desc["output"])
            # Let the scheduler forget the previous graph before the next one.
            client.cancel(list(cluster.scheduler.tasks))
            entry = {"name": name, "chunks": n, "chunk_size": CHUNK, **desc, **row}
            print(json.dumps(entry), flush=True)
            entries.append(entry)
    # No object at all: only the number of tasks sets off the client's warning.
    n = 130_000
    row = submit_only(client, source("range", n))
    entry = {"name": "range", "chunks": n, "chunk_size": CHUNK, "source": "range", "steps": [], "output": "persist", **row}
    print(json.dumps(entry), flush=True)
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
        "mapper_wire": len(cloudpickle.dumps(mapper, protocol=5)),
        "mapper_distributed_wire": len(dpickle.dumps(mapper)),
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
