"""Probes that run inside Dask's worker processes for crosscheck/probes.py.

Importable by name (this folder is on the workers' `sys.path`: spawned processes inherit the
parent's), so Dask pickles them by reference.
"""
import collections
import glob
import json
import os
import tempfile

from distributed.diagnostics.plugin import WorkerPlugin

_PEAK: dict = {}
_CALLS: collections.Counter = collections.Counter()


def _counts(probes):
    from pipelint_runtime import _live_copies
    return _live_copies(probes)


# The local processes scheduler: a gc probe in the pool process right after a task's message is loaded.

def start_counting(probes):
    folder = tempfile.mkdtemp(prefix="pipelint-probe-")
    os.environ["PIPELINT_PROBE_DIR"] = folder
    os.environ["PIPELINT_PROBES"] = json.dumps(probes)
    os.environ["PIPELINT_PROBE_PARENT"] = str(os.getpid())
    return folder


def counting_loads(data):
    import cloudpickle
    value = cloudpickle.loads(data)
    if str(os.getpid()) != os.environ.get("PIPELINT_PROBE_PARENT"):
        probes = [tuple(p) if not isinstance(p[2], list) else (p[0], p[1], tuple(p[2])) for p in json.loads(os.environ["PIPELINT_PROBES"])]
        path = os.path.join(os.environ["PIPELINT_PROBE_DIR"], f"{os.getpid()}.json")
        seen = json.load(open(path)) if os.path.exists(path) else {}
        for name, n in _counts(probes).items():
            seen[name] = max(seen.get(name, 0), n)
        with open(path, "w") as fh:
            json.dump(seen, fh)
    return value


def read_counts(folder):
    return [json.load(open(p)) for p in sorted(glob.glob(os.path.join(folder, "*.json")))]


# distributed: the most live copies a worker holds while its tasks run.

class CopyCounter(WorkerPlugin):
    name = "pipelint-copy-counter"

    def __init__(self, probes):
        self.probes = probes

    def transition(self, key, start, finish, **kwargs):
        if finish in ("executing", "memory"):
            for name, n in _count_now(self.probes).items():
                _PEAK[name] = max(_PEAK.get(name, 0), n)


def _count_now(probes):
    """Live instances right now, without a collection first (a copy is freed by its last
    reference; a gc.collect() per transition would make the probe slower than the run)."""
    import gc
    counts = dict.fromkeys((p[0] for p in probes), 0)
    for obj in gc.get_objects():
        t = type(obj)
        for name, kind, what in probes:
            if kind == "class" and t.__qualname__ == what[1] and t.__module__ == what[0]:
                counts[name] += 1
            elif kind == "series" and t.__name__ == "Series" and t.__module__.startswith("pandas") and len(obj) == what:
                counts[name] += 1
    return counts


def peak_copies():
    return dict(_PEAK)


# Calls of the pipeline's functions, inside the workers.

class Counted:
    """A pipeline function that counts its calls in the process it runs in."""

    def __init__(self, fn, name):
        self.fn, self.name = fn, name
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        _CALLS[self.name] += 1
        return self.fn(*args, **kwargs)


def calls():
    return dict(_CALLS)


SENT: list = []


def counting_dumps(x):
    """What dask.local pickles; in the parent, the size of each task's message is recorded."""
    import cloudpickle
    data = cloudpickle.dumps(x, protocol=5)
    if str(os.getpid()) == os.environ.get("PIPELINT_PROBE_PARENT"):
        SENT.append(len(data))
    return data


def run_spec_bytes(dask_scheduler):
    """On the scheduler: per key prefix, the largest `run_spec` as one compute-task message pickles it."""
    import distributed.protocol.pickle as dpickle
    from dask.utils import key_split
    sizes = {}
    for key, ts in dask_scheduler.tasks.items():
        if ts.run_spec is not None:
            prefix = key_split(key)
            sizes[prefix] = max(sizes.get(prefix, 0), len(dpickle.dumps(ts.run_spec)))
    return sizes
