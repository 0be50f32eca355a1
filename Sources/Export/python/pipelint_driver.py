"""The driver of every program `pipelint export --to dask` writes (docs/dask.md).

Three sections, each between a `# >>> NAME` and a `# <<< NAME` line: the program's
imports, the installer of its generated modules (MODULES), and what runs on the
client only. scripts/embed-runtime.py copies each section's text into
Sources/Export/DaskRuntimeText.swift, and the exporter writes the sections into
the program around the pipeline's own code, which defines the names stubbed
outside the sections here (so that this file imports and lints as one module).
"""

# >>> imports
import argparse
import contextlib
import importlib
import json
import os
import sys
import time
import zlib

import dask
import dask.array as da
import numpy as np
import pandas as pd
from dask.delayed import Delayed
# <<< imports

# Defined by each program, between the imports and the installer.
PIPELINE = "pipeline"
SCHEDULER = "distributed"
CLUSTER = {"workers": 1, "threads_per_worker": 1, "memory_per_worker": None}
BASE_DIR = "."
MODULES = {}
PROBES = []


# >>> install
def _install_modules():
    """Writes MODULES to a temporary folder put first on sys.path (removed at exit), so the
    runtime and importable classes are imported — and pickled by reference — like any package."""
    import atexit
    import shutil
    import tempfile
    folder = tempfile.mkdtemp(prefix="pipelint-modules-")
    atexit.register(shutil.rmtree, folder, True)
    for relative, text in MODULES.items():
        target = os.path.join(folder, relative)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)
    sys.path.insert(0, folder)
    importlib.invalidate_caches()
    return folder


_MODULE_DIR = _install_modules()
# <<< install

# Each program imports every name of the runtime module here, and defines build_graph below the driver.
from pipelint_runtime import _at, _live_copies  # noqa: E402


def build_graph(client, hold=lambda c: c):
    """The program's graph: a list of (name, output kind, save path, collection); `hold` persists
    a `persist` output as soon as it is built, so later steps build on the persisted collection."""
    raise NotImplementedError("defined by each exported program")


# >>> driver
# ---------------------------------------------------------------------------
# The driver, the same in every exported program (docs/dask.md).
# ---------------------------------------------------------------------------

def _path(relative):
    """A `load:`/`save:` path of the pipeline file, made absolute on the client."""
    return _at(BASE_DIR, relative)


def _is_items(c):
    """A per-item step's results: a list of Delayed objects or futures."""
    return isinstance(c, list)


def _results(client, held):
    """Every output's value: collections and Delayed lists through dask.compute, futures
    (a `submit` or `map` loop) through client.gather, as a user gets them."""
    values = list(dask.compute(*[[] if _is_futures(c) else c for c in held]))
    for i, c in enumerate(held):
        if _is_futures(c):
            values[i] = client.gather(c) if isinstance(c, list) else c.result()
    return values


def _is_futures(c):
    try:
        from distributed import Future
    except ImportError:
        return False
    return isinstance(c, Future) or (isinstance(c, list) and bool(c) and isinstance(c[0], Future))


def _wait_for(collections):
    from distributed import futures_of, wait
    futures = [f for c in collections for f in futures_of(c)]
    if futures:
        wait(futures)


def _connect(args):
    """A distributed Client (given address, DASK_SCHEDULER_ADDRESS, or a LocalCluster shaped like
    `cluster:`), or None for the local threaded/processes schedulers."""
    address = args.scheduler_address or os.environ.get("DASK_SCHEDULER_ADDRESS")
    workers = args.workers or CLUSTER["workers"]
    threads = args.threads_per_worker or CLUSTER["threads_per_worker"]
    if address:
        from distributed import Client
        try:
            return Client(address, timeout=args.connect_timeout), None
        except (OSError, TimeoutError) as e:
            why = f"{type(e).__name__}: {e}"
            raise _Unreachable(f"cannot reach the Dask scheduler at {address} within {args.connect_timeout:g} s ({why})") from None
    if SCHEDULER != "distributed":
        # Local schedulers: threads pass objects by reference, processes pickle every task.
        dask.config.set(scheduler=SCHEDULER, num_workers=workers * threads if SCHEDULER == "threads" else workers)
        return None, None
    from distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=workers, threads_per_worker=threads, processes=True,
                           memory_limit=CLUSTER["memory_per_worker"] or "auto", dashboard_address=None)
    return Client(cluster), cluster


def _upload_modules(client):
    """Sends the generated modules to the workers of an existing cluster (`client.upload_file`
    of a zip: the workers add it to sys.path); a LocalCluster's workers inherit sys.path."""
    import zipfile
    archive = os.path.join(_MODULE_DIR, "pipelint_modules.zip")
    with zipfile.ZipFile(archive, "w") as z:
        for relative in MODULES:
            z.write(os.path.join(_MODULE_DIR, relative), relative)
    client.upload_file(archive)


def _write_npy(path, array):
    """Written under a temporary name and renamed, as `pipelint run` writes results."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    temp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.partial-{os.getpid()}")
    with open(temp, "wb") as f:
        np.save(f, array, allow_pickle=False)
    os.replace(temp, path)


def _frame_output(name, kind, frame, out):
    """A DataFrame result: written as CSV (index and header; floats as Python's repr) under a
    temporary name and renamed, with the crc32 of its bytes."""
    relative = name + ".csv"
    path = os.path.join(out, relative)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    data = frame.to_csv(index_label="index", lineterminator="\n").encode("utf-8")
    temp = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.partial-{os.getpid()}")
    with open(temp, "wb") as f:
        f.write(data)
    os.replace(temp, path)
    crc = f"{zlib.crc32(data) & 0xFFFFFFFF:08x}"
    shape = [int(frame.shape[0]), int(frame.shape[1])]
    item = {"name": name, "output": kind, "dtype": "dataframe", "shape": shape, "columns": [str(c) for c in frame.columns],
            "file": relative, "crc32": crc}
    return f"{name}: dataframe {tuple(shape)} \u2192 {out}/{relative} (crc32 {crc})", item


def _write_frame(frame, path):
    """A frame's `save:` as a Dask user writes it, on the workers: `.parquet` a folder of one
    `part.N.parquet` per partition (pyarrow), `.csv` one file, the partitions appended in order
    (`single_file=True`). A Series (a groupby's sums) is written as a one-column frame."""
    if frame.ndim == 1:
        frame = frame.to_frame()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    if path.lower().endswith(".csv"):
        return frame.to_csv(path, single_file=True, compute=False)
    return frame.to_parquet(path, write_index=True, compute=False)


def _summary_text(value):
    """A scalar as `pipelint run` prints it (Python's repr of a float is Swift's description)."""
    value = np.asarray(value)[()]
    if np.asarray(value).dtype.kind == "f":
        return repr(float(value))
    if np.asarray(value).dtype.kind in "cMm":
        return str(value)
    return str(int(value))


def _slug(name):
    """The pipeline's name as a folder name, as `pipelint run` makes it: ASCII letters, digits, `-`, `_`
    and `.` kept, any other run of characters one `-`, no leading dot or dash, at most 64 bytes."""
    out = ""
    for c in name:
        if c.isascii() and (c.isalnum() or c in "-_."):
            out += c
        elif out and not out.endswith("-"):
            out += "-"
    out = out.lstrip(".-").rstrip("-")[:64]
    return out or "pipeline"


class _Unreachable(Exception):
    """The scheduler address given does not answer within the connect timeout."""


def _event(kind, **fields):
    """One machine-readable line on stderr for `pipelint run --engine dask` (`--engine-protocol`)."""
    sys.stderr.write("@pipelint " + json.dumps({"event": kind, **fields}) + "\n")
    sys.stderr.flush()


def _progress_plugin():
    """A scheduler plugin counting the tasks the scheduler receives and completes, and the first
    task that fails (where an error starts: its dependents fail after it)."""
    from distributed.diagnostics.plugin import SchedulerPlugin

    class _Progress(SchedulerPlugin):
        name = "pipelint-progress"

        def __init__(self):
            self.keys, self.done, self.erred = set(), 0, None

        @property
        def total(self):
            return len(self.keys)

        def update_graph(self, scheduler, *, tasks=None, **kwargs):
            self.keys.update(tasks or ())

        def transition(self, key, start, finish, *args, **kwargs):
            if finish == "memory" and start == "processing":
                self.done += 1
            elif finish == "erred" and self.erred is None:
                self.erred = key

    return _Progress()


def _progress_state(dask_scheduler):
    p = dask_scheduler.plugins.get("pipelint-progress")
    return None if p is None else (p.total, p.done, None if p.erred is None else str(p.erred))


def _report_progress(client, stop):
    """Progress events every 0.25 s from the scheduler plugin, until `stop` is set."""
    last = None
    while not stop.wait(0.25):
        try:
            state = client.run_on_scheduler(_progress_state)
        except Exception:
            return
        if state and state[:2] != last:
            last = state[:2]
            _event("progress", total=state[0], done=state[1])


def _check_worker_imports(modules):
    """On a worker: the `python:` modules that do not import there, with the import error."""
    failed = {}
    for module in modules:
        try:
            importlib.import_module(module)
        except Exception as e:
            failed[module] = f"{type(e).__name__}: {e}"
    return failed


def _failure(client, error):
    """The failing task (from the progress plugin) and the functions of the traceback, innermost last."""
    import traceback
    key = None
    if client is not None:
        with contextlib.suppress(Exception):
            state = client.run_on_scheduler(_progress_state)
            key = state[2] if state else None
    frames = [f.name for f in traceback.extract_tb(error.__traceback__)]
    return {"key": key, "type": type(error).__name__, "message": str(error), "frames": frames}


def main(argv=None):
    parser = argparse.ArgumentParser(description=f"Runs pipeline {PIPELINE!r} with Dask and writes its results.")
    parser.add_argument("--scheduler-address", help="an existing Dask scheduler (default: $DASK_SCHEDULER_ADDRESS, "
                        "else a LocalCluster shaped like the pipeline's cluster)")
    parser.add_argument("--out", "-o", default=os.path.join("pipelint-out", _slug(PIPELINE) + "-dask"), help="output folder")
    parser.add_argument("--workers", type=int, help="LocalCluster workers (default: the pipeline's cluster)")
    parser.add_argument("--threads-per-worker", type=int, help="LocalCluster threads per worker")
    parser.add_argument("--memory-sampler", metavar="CSV", help="record cluster memory with distributed's MemorySampler")
    parser.add_argument("--count-copies", action="store_true",
                        help="after persisting, count live copies of each object on the workers (a gc probe)")
    parser.add_argument("--connect-timeout", type=float, default=10.0, help="seconds to wait for --scheduler-address")
    parser.add_argument("--check-imports", metavar="MODULE", nargs="*", default=[],
                        help="before running, check that these modules import on every worker of the cluster")
    parser.add_argument("--engine-protocol", action="store_true",
                        help="for `pipelint run --engine dask`: progress and errors as @pipelint lines on stderr")
    args = parser.parse_args(argv)
    if not args.engine_protocol:
        return _run(args)
    import signal

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    # pipelint forwards Ctrl-C here as SIGINT; SIGTERM too unwinds through the `finally` that closes the cluster.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    try:
        return _run(args)
    except KeyboardInterrupt:
        return 130
    except _Unreachable as e:
        _event("unreachable", message=str(e))
        return 2


def _run(args):

    client, cluster = _connect(args)
    try:
        if client is not None and (args.scheduler_address or os.environ.get("DASK_SCHEDULER_ADDRESS")):
            _upload_modules(client)
        if client is not None and args.check_imports:
            # The scheduler unpickles the graph too, so a module pickled by reference must import there.
            failed = {w: f for w, f in client.run(_check_worker_imports, args.check_imports).items() if f}
            on_scheduler = client.run_on_scheduler(_check_worker_imports, args.check_imports)
            if on_scheduler:
                failed["the scheduler"] = on_scheduler
            if failed:
                if not args.engine_protocol:
                    raise ImportError(f"python: modules do not import on the workers: {failed}")
                _event("imports", failed=failed)
                return 2
        stop = None
        if client is not None and args.engine_protocol:
            import threading
            client.register_plugin(_progress_plugin())
            stop = threading.Event()
            threading.Thread(target=_report_progress, args=(client, stop), daemon=True).start()
        layers = {}

        def count(c):
            # Tasks as `len` gives them, layer by layer, without materializing the graph
            # (`dict(graph)`, `.keys()` and `to_dict()` would cache every task and inflate what is sent).
            if _is_futures(c):
                for f in (c if isinstance(c, list) else [c]):
                    layers.setdefault(f.key, 1)
                return
            if _is_items(c):
                for d in c:
                    count(d)
                return
            if type(c).__module__.startswith("dask.dataframe"):
                # A dask.dataframe collection or scalar: its graph is never expanded here (that would build
                # every task on the client); its output partitions are counted.
                layers.setdefault(c._name, getattr(c, "npartitions", 1))
                return
            graph = c.__dask_graph__()
            if not hasattr(graph, "layers"):
                # A Delayed of a per-item step (a plain dict graph: its task, and a persisted one's future).
                layers.setdefault(str(c.key), 1)
                return
            for name, layer in graph.layers.items():
                layers.setdefault(name, len(layer))

        def hold(c):
            # `persist` outputs are held in worker memory, as `pipelint run` holds them, as soon as
            # they are built: later steps build on the persisted collection and never recompute it.
            # (A frame is counted once, persisted: its persisted collection has another name.)
            if not type(c).__module__.startswith("dask.dataframe"):
                count(c)
            if _is_futures(c):
                return c
            return client.persist(c) if _is_items(c) and client is not None else dask.persist(c)[0] if _is_items(c) else c.persist()

        sampler = None
        if args.memory_sampler and client is not None:
            from distributed.diagnostics import MemorySampler
            sampler = MemorySampler()
        start, settled = time.perf_counter(), 0.0
        try:
            with (sampler.sample(PIPELINE, interval=0.05) if sampler else contextlib.nullcontext()):
                outputs = build_graph(client, hold)
                saved = set()
                for i, (name, kind, save, c) in enumerate(outputs):
                    if kind == "save" and type(c).__module__.startswith("dask.dataframe"):
                        # Written by the workers. to_parquet (measured, dask 2026.8): per partition
                        # reset_index, an operation and toparquetdata, then one barrier; to_csv
                        # (not measured): a write per partition and one that ends it.
                        per = 1 if save.lower().endswith(".csv") else 3
                        layers.setdefault(name + "-save", per * c.npartitions + 1)
                        outputs[i] = (name, kind, save, _write_frame(c, os.path.join(args.out, save)))
                        saved.add(name)
                held = [c for _, _, _, c in outputs]
                for (name, _, _, _), c in zip(outputs, held):
                    if name not in saved:
                        count(c)
                tasks = sum(layers.values())
                if client is not None:
                    _wait_for(held)
                    if sampler is not None:
                        # MemorySampler reads what worker heartbeats report (every 0.5 s on a small
                        # cluster): keep sampling two heartbeats while the persisted results are held.
                        time.sleep(1.0)
                        settled = 1.0
                    if args.count_copies:
                        for worker, counts in sorted(client.run(_live_copies, PROBES).items()):
                            print("copies on " + worker + ": " + ", ".join(f"{n} {counts[n]}" for n in sorted(counts)))
                # `to_csv` gives Delayed objects: computed with expression collections, Dask would
                # materialize the expressions on the client, so CSV saves are computed on their own.
                csv = {i for i, (name, _, save, _) in enumerate(outputs) if name in saved and save.lower().endswith(".csv")}
                values = _results(client, [[] if i in csv else c for i, c in enumerate(held)])
                if csv:
                    dask.compute(*[held[i] for i in sorted(csv)])
        except Exception as e:
            if not args.engine_protocol:
                raise
            _event("failed", **_failure(client, e))
            return 1
        finally:
            if stop is not None:
                stop.set()
        seconds = time.perf_counter() - start - settled  # not the sampler's settling time
        lines, items = [], []
        for (name, kind, save, _), value in zip(outputs, values):
            if name in saved:
                lines.append(f"{name}: dataframe \u2192 {args.out}/{save} (written by the workers)")
                items.append({"name": name, "output": kind, "dtype": "dataframe", "file": save})
                continue
            if isinstance(value, pd.Series):
                value = value.reset_index()  # a groupby's sums: the key as a column
            if isinstance(value, pd.DataFrame):
                line, item = _frame_output(name, kind, value, args.out)
                lines.append(line)
                items.append(item)
                continue
            if isinstance(value, (pd.Timestamp, pd.Timedelta)) or value is pd.NaT:
                value = value.to_numpy()  # a frame column's min/max: a numpy datetime64 scalar
            value = np.asarray(value)
            dtype = {"f": "float64", "c": "complex128", "M": "datetime64[ns]", "m": "timedelta64[ns]"}.get(value.dtype.kind, "int64")
            value = value.astype(dtype)
            item = {"name": name, "output": kind, "dtype": dtype, "shape": list(value.shape)}
            if value.ndim == 0:
                text = _summary_text(value)
                lines.append(f"{name} = {text}")
                item["value"] = float(value) if dtype == "float64" and np.isfinite(value) else (int(value) if dtype == "int64" else text)
            else:
                relative = save or name + ".npy"
                data = np.ascontiguousarray(value).astype(value.dtype.newbyteorder("<"))
                _write_npy(os.path.join(args.out, relative), data)
                crc = f"{zlib.crc32(data.tobytes()) & 0xFFFFFFFF:08x}"
                lines.append(f"{name}: {dtype} {tuple(value.shape)} \u2192 {args.out}/{relative} (crc32 {crc})")
                item.update(file=relative, crc32=crc)
            items.append(item)
        where = "distributed" if client is not None else SCHEDULER
        for line in lines:
            print(line)
        print(f"{tasks} tasks in {seconds:.3f} s on {where} (dask {dask.__version__})")
        document = {"version": 1, "pipeline": PIPELINE, "scheduler": where, "tasks": tasks,
                    "seconds": round(seconds, 3), "outputs": items, "dask": dask.__version__, "engine": "dask",
                    "checksum": "crc32 (zlib.crc32) of the .npy data bytes after the header: little-endian, C order"}
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "results.json"), "w", encoding="utf-8") as f:
            json.dump(document, f, indent=2, sort_keys=True)
        print(f"results in {args.out}/results.json")
        if sampler is not None:
            frame = sampler.to_pandas()
            if args.memory_sampler.endswith(".json"):
                # Seconds from the first sample and cluster bytes, one pair per sample.
                times = (frame.index - frame.index[0]).total_seconds() if len(frame) else []
                with open(args.memory_sampler, "w", encoding="utf-8") as f:
                    json.dump([[round(float(t), 3), int(v)] for t, v in zip(times, frame.iloc[:, 0])], f)
            else:
                frame.to_csv(args.memory_sampler)
            print(f"memory timeline in {args.memory_sampler}")
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    return 0
# <<< driver
