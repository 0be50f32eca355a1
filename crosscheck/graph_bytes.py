#!/usr/bin/env python3
"""Measures what real Dask pickles for an exported program's graph (cross-check part b).

    python crosscheck/graph_bytes.py PROGRAM.py SCHEDULER_ADDRESS

Runs the program's definitions as `__main__` (so its classes pickle by value, as in a
user's driver script), builds its graph, persists every output in one call on the
given cluster and prints JSON: `submit_bytes` (every update-graph message the graph sends:
one for a persist, one per `client.submit` call of a per-item loop), what `Client._graph_to_futures` compares
with `distributed.admin.large-graph-warning-threshold` (read from the update-graph
message, as calibration/graph_bytes.py does), and per object the bytes distributed's
pickle produces (`wire`) and cloudpickle protocol 5 (`cloudpickle`).
"""
import json
import sys

import __main__

program, address = sys.argv[1], sys.argv[2]
source = open(program, encoding="utf-8").read()
guard = 'if __name__ == "__main__":\n    sys.exit(main())'
assert guard in source, "not a program written by pipelint export"
__main__.__dict__["__file__"] = program  # BASE_DIR is the program's folder
exec(compile(source.replace(guard, ""), program, "exec"), __main__.__dict__)

import cloudpickle  # noqa: E402
import dask  # noqa: E402
import distributed.client as dclient  # noqa: E402
import distributed.protocol.pickle as dpickle  # noqa: E402
from distributed import Client, wait  # noqa: E402
from distributed.utils import nbytes  # noqa: E402

submitted = []
_send = dclient.Client._send_to_scheduler


def _spy(self, msg):
    if msg.get("op") == "update-graph":
        e = msg["expr_ser"]
        submitted.append(sum(map(nbytes, [e.header] + e.frames)))
    return _send(self, msg)


dclient.Client._send_to_scheduler = _spy

_g = __main__.__dict__  # the program's namespace: a pipeline may name a function `g`
client = Client(address)
try:
    # The program installed its modules (the runtime) when it ran; the workers get them too.
    _g["_upload_modules"](client)
    objects = {}
    for name, obj in (_g["build_objects"]() if "build_objects" in _g else {}).items():
        objects[name] = {"wire": len(dpickle.dumps(obj)), "cloudpickle": len(cloudpickle.dumps(obj, protocol=5))}
    start = len(submitted)
    outputs = _g["build_graph"](client)
    # A per-item step's output is a list (format 1.1): Delayed objects, persisted with the rest in
    # the one call, or futures, whose `client.submit`/`client.map` messages went while building.
    flat = [x for _, _, _, c in outputs for x in (c if isinstance(c, list) else [c])]
    collections_ = [x for x in flat if dask.is_dask_collection(x)]
    persisted = (client.persist(collections_) if collections_ else []) + [x for x in flat if not dask.is_dask_collection(x)]
    wait(persisted)
    # Everything this graph sent: one message for a persist, one per call for a `submit` loop.
    print(json.dumps({"submit_bytes": sum(submitted[start:]), "objects": objects}))
    del persisted
finally:
    client.close()
