#!/usr/bin/env python3
"""Bytes per task of the projection samples as `pipelint export --to dask --as-written`
writes them, beside `pipelint estimate`'s figure: each sample in a fresh process with a
fresh LocalCluster(processes=True) of 2 workers × 1 thread, the program's own graph
persisted in one call (never expanded on the client), then the scheduler's pickle of
each task's `run_spec` (distributed's `dumps`, what it sends on dispatch). Dask fuses
the `over` source into the step, so the fused task is compared with the estimate's
step row plus its source row (docs/estimate.md). Run from the repository root after
`swift build`, with the pinned virtualenv:

    .venv-crosscheck/bin/python calibration/projection_tasks.py
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PIPELINT = os.environ.get("PIPELINT", os.path.join(ROOT, ".build/debug/pipelint"))
SAMPLES = ["projection-element", "projection-column"]


def measure(program):
    """In this (fresh) process: step token → mean bytes of its fused tasks' run_spec."""
    import __main__
    from distributed import Client, LocalCluster, wait
    from distributed.protocol.pickle import dumps

    source = open(program, encoding="utf-8").read()
    guard = 'if __name__ == "__main__":\n    sys.exit(main())'
    __main__.__dict__["__file__"] = program
    exec(compile(source.replace(guard, ""), program, "exec"), __main__.__dict__)
    g = __main__.__dict__
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, Client(cluster) as client:
        g["_upload_modules"](client)
        outputs = g["build_graph"](client)
        persisted = client.persist([c for _, _, _, c in outputs])
        wait(persisted)

        def sizes(dask_scheduler):
            out = {}
            for key, ts in dask_scheduler.tasks.items():
                if type(ts.run_spec).__name__ == "Task" and isinstance(key, tuple):
                    out.setdefault(key[0].rsplit("-", 1)[0], []).append(len(dumps(ts.run_spec)))
            return out

        found = client.run_on_scheduler(sizes)
    print(json.dumps({k: sum(v) / len(v) for k, v in found.items()}))


def main():
    if len(sys.argv) > 1:
        measure(sys.argv[1])
        return 0
    folder = tempfile.mkdtemp(prefix="projection-tasks-")
    print(f"{'sample / step':<32} {'estimate B/task':>16} {'dask B/task':>12}")
    for name in SAMPLES:
        path = os.path.join(ROOT, "samples", name + ".yaml")
        program = os.path.join(folder, name + ".py")
        subprocess.run([PIPELINT, "export", "--to", "dask", "--as-written", path, "-o", program], check=True)
        est = json.loads(subprocess.run([PIPELINT, "estimate", "--format", "json", path], check=True, capture_output=True, text=True).stdout)
        layers = {l["name"]: l for l in est["layers"]}
        out = subprocess.run([sys.executable, __file__, program], capture_output=True, text=True)
        if out.returncode != 0:
            sys.stderr.write(out.stderr)
            return 1
        real = json.loads(out.stdout.strip().splitlines()[-1])
        over = next(l for l in est["layers"] if l["kind"].startswith("array"))
        for step in ("inside", "passed"):
            estimate = layers[step]["task_bytes"]["bytes"] + over["task_bytes"]["bytes"]
            dask = next((v for k, v in real.items() if step in k.split("-")), None)
            print(f"{name + ' / ' + step:<32} {estimate:>16,} {dask:>12,.0f}" if dask is not None else f"{name} / {step}: not found in {sorted(real)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
