#!/usr/bin/env python3
"""Cross-checks pipelint against real Dask (docs/dask.md, "What the cross-check proves").

For every runnable sample (samples/*.yaml, then crosscheck/cases/*.yaml, without `python:`
functions or objects; heavy ones down-scaled, keeping their chunk counts):

  (a) `pipelint run` and the program `pipelint export --to dask` writes give the same
      results: integers exactly, floats to FLOAT_RTOL (the reduction tree is the same,
      so they are expected bit for bit and the table says when they are);
  (b) `pipelint estimate`'s figures for the pipeline as written against the bytes real
      Dask pickles for the exported graph (crosscheck/graph_bytes.py): each object's wire
      bytes within 1%, the per-chunk slope of the submitted graph within 20 bytes and the
      submit bytes (and their fixed part) within 5%, slope and fixed part from two chunk
      counts (the sample and a copy with twice the chunks);
  (c) on a LocalCluster of real worker processes (2 workers, 1 thread each), the live
      copies of each object on the workers after `persist`, counted by a gc probe inside
      the workers (`--count-copies`), are one per chunk as written (unless Dask's own
      normalize_arg wraps the object in delayed: dask.sizeof > 1e6) and at most one per
      worker optimized.

    .venv-crosscheck/bin/python crosscheck/crosscheck.py [--pipelint .build/debug/pipelint]

Exit status 0 when everything agrees, 1 on a mismatch (printed with the numbers).
"""
import argparse
import glob
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLOAT_RTOL = 1e-12
MAX_ELEMENTS = 200_000  # per array, after down-scaling
WORKERS = 2
WIRE_RTOL, SLOPE_ATOL, SUBMIT_RTOL = 0.01, 20.0, 0.05

# Differences between the estimator and real Dask that are known and explained in
# docs/dask.md ("Known differences"), as {"sample: check": reason code}, with the reason
# under REASONS[code]. Listed here they are shown, not failed; a listed check that passes
# fails the cross-check, so the list cannot go stale. Every check agrees now.
REASONS: dict[str, str] = {}
KNOWN: dict[str, str] = {}


def has_python(doc):
    for section in ("objects", "functions"):
        for v in (doc.get(section) or {}).values():
            if isinstance(v, dict) and ("python" in v or any(isinstance(m, dict) and "python" in m for m in (v.get("methods") or {}).values())):
                return True
            # Format 1.1: an opaque field of a class (`tokenizer: {python: pkg.mod:factory, size: ...}`).
            if isinstance(v, dict) and any(isinstance(f, dict) and "python" in f for f in (v.get("fields") or {}).values()):
                return True
    return False


def scale_factor(doc):
    """One factor for every array (arrays of equal shape stay equal): chunk sizes are divided by it."""
    f = 1
    for a in (doc.get("arrays") or {}).values():
        n = math.prod(a["shape"])
        if n > MAX_ELEMENTS:
            f = max(f, math.ceil((n / MAX_ELEMENTS) ** (1 / len(a["shape"]))))
    return f


def scale_dim(length, chunks, f):
    if isinstance(chunks, list):
        sizes = [max(1, c // f) for c in chunks]
        return sum(sizes), sizes
    full, rest = divmod(length, chunks)
    c = max(1, chunks // f)
    return full * c + (max(1, rest // f) if rest else 0), c


def scaled_copy(path, work):
    """The sample, or a down-scaled copy of it (same chunk counts) with the files it loads."""
    with open(path) as fh:
        doc = yaml.safe_load(fh)
    f = scale_factor(doc)
    folder = os.path.dirname(path)
    if f == 1:
        return path, doc, 1
    if any("rechunk" in s for s in doc["steps"].values()):
        raise SystemExit(f"{path}: cannot down-scale a pipeline with rechunk steps; add a small variant")
    for a in doc["arrays"].values():
        dims = [scale_dim(n, c, f) for n, c in zip(a["shape"], a["chunks"])]
        a["shape"] = [d[0] for d in dims]
        a["chunks"] = [d[1] for d in dims]
    os.makedirs(work, exist_ok=True)
    for text in re.findall(r"load:\s*([^\s,}]+)", open(path).read()):
        os.makedirs(os.path.join(work, os.path.dirname(text)), exist_ok=True)
        shutil.copy(os.path.join(folder, text), os.path.join(work, text))
    target = os.path.join(work, os.path.basename(path))
    with open(target, "w") as fh:
        yaml.safe_dump(doc, fh, sort_keys=False)
    return target, doc, f


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p.stdout


def outputs(folder):
    with open(os.path.join(folder, "results.json")) as fh:
        return {o["name"]: o for o in json.load(fh)["outputs"]}


def compare_outputs(run_dir, dask_dir):
    """(ok, exact, text) for every output of the two results folders."""
    a, b = outputs(run_dir), outputs(dask_dir)
    if sorted(a) != sorted(b):
        return False, False, f"outputs differ: run {sorted(a)} vs dask {sorted(b)}"
    ok, exact, notes = True, True, []
    for name in a:
        x, y = a[name], b[name]
        if (x["dtype"], x["shape"]) != (y["dtype"], y["shape"]):
            ok = False
            notes.append(f"{name}: run {x['dtype']} {x['shape']} vs dask {y['dtype']} {y['shape']}")
            continue
        if "crc32" in x:
            if x["crc32"] == y["crc32"]:
                continue
            exact = False
            u = np.load(os.path.join(run_dir, x["file"]))
            v = np.load(os.path.join(dask_dir, y["file"]))
            good = x["dtype"] == "float64" and np.allclose(u, v, rtol=FLOAT_RTOL, atol=0, equal_nan=True)
            worst = float(np.nanmax(np.abs(u - v))) if u.size else 0.0
            notes.append(f"{name}: crc32 {x['crc32']} vs {y['crc32']}, max |diff| {worst:g}")
            ok = ok and good
        else:
            if x["value"] == y["value"]:
                continue
            exact = False
            good = x["dtype"] == "float64" and math.isclose(float(x["value"]), float(y["value"]), rel_tol=FLOAT_RTOL)
            notes.append(f"{name}: run {x['value']} vs dask {y['value']}")
            ok = ok and good
    return ok, exact, "; ".join(notes)


def chunk_count(doc, name):
    """Chunks of an array or map_blocks step (through its first `over` input)."""
    arrays, steps = doc.get("arrays") or {}, doc["steps"]
    if name in arrays:
        a = arrays[name]
        return math.prod(len(c) if isinstance(c, list) else math.ceil(n / c) for n, c in zip(a["shape"], a["chunks"]))
    s = steps[name]
    return chunk_count(doc, s["over"][0] if isinstance(s["over"], list) else s["over"])


def probed_objects(doc):
    """Objects (instances or Series) that a persisted map_blocks step takes: name → chunk count of the step."""
    persisted = {n for n, o in (doc.get("outputs") or {}).items() if o == "persist"}
    found = {}
    for name, s in doc["steps"].items():
        if name not in persisted or "map_blocks" not in s:
            continue
        # A projection (`"mapper.series.iloc[-1]"`, format 1.1) ships its element or slice, not the object.
        used = [str(s["map_blocks"]).split(".")[0]] + [str(a).split(".")[0] for a in s.get("args") or [] if "[" not in str(a)]
        used += [str(v).split(".")[0] for v in (s.get("kwargs") or {}).values() if "[" not in str(v)]
        used += list(carried_objects(doc, s["map_blocks"]))
        for u in used:
            o = (doc.get("objects") or {}).get(u)
            if isinstance(o, dict) and ("class" in o or "series" in o):
                found[u] = chunk_count(doc, name)
    return found


def carried_objects(doc, callee):
    """Objects a function carries (format 1.1: `partial`, `closure`, `globals`): Dask never
    looks inside the function, so they stay one copy per task even after optimizing."""
    f = (doc.get("functions") or {}).get(str(callee)) or {}
    # A projected value (`"lookup.iloc[-1]"`) is taken on the client: the function carries the element, not the object.
    return {str(v).split(".")[0] for key in ("partial", "closure", "globals") for v in (f.get(key) or {}).values() if "[" not in str(v)}


def count_copies(text):
    """Parses `copies on WORKER: a 3, b 0` lines: object → per-worker counts."""
    per = {}
    for line in text.splitlines():
        m = re.match(r"copies on (\S+): (.*)", line)
        if not m:
            continue
        for item in m.group(2).split(", "):
            if item:
                obj, n = item.rsplit(" ", 1)
                per.setdefault(obj, []).append(int(n))
    return per


def auto_delayed(program, name):
    """Whether Dask's normalize_arg wraps the object in delayed (dask.sizeof > 1e6)."""
    import importlib.util

    from dask.sizeof import sizeof
    # Each program writes its own generated modules: forget the previous program's (a stale
    # `pipelint_objects` lacks this program's builders).
    for m in [m for m in sys.modules if m in ("pipelint_objects", "pipelint_runtime")]:
        del sys.modules[m]
    spec = importlib.util.spec_from_file_location("probe_program", program)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return sizeof(module.build_objects()[name]) > 1e6


def doubled_chunks(doc, work, suffix):
    """A copy with twice the chunks along the first axis of every array (None when impossible)."""
    import copy
    doc = copy.deepcopy(doc)
    for a in (doc.get("arrays") or {}).values():
        c = a["chunks"][0]
        if isinstance(c, list) or c < 2:
            return None
        a["chunks"][0] = c // 2 if a["shape"][0] % c == 0 else None
        if a["chunks"][0] is None:
            return None
    target = os.path.join(work, f"{suffix}.yaml")
    with open(target, "w") as fh:
        yaml.safe_dump(doc, fh, sort_keys=False)
    return target


def graph_figures(pipelint, python, pipeline, work, tag, address):
    """(estimate JSON, real measurement JSON) for the pipeline as written."""
    est = json.loads(run([pipelint, "estimate", "--format", "json", pipeline]))
    prog = os.path.join(work, f"program-bytes-{tag}.py")
    run([pipelint, "export", "--to", "dask", "--as-written", pipeline, "-o", prog])
    real = json.loads(run([python, os.path.join(ROOT, "crosscheck/graph_bytes.py"), prog, address]).strip().splitlines()[-1])
    return est, real


def check_graph_bytes(name, doc, pipeline, work, args, python, address):
    """Part (b): a list of (check, ok, text)."""
    checks = []
    loaded = os.path.dirname(pipeline)
    if os.path.dirname(pipeline) != work:
        # The doubled copy must sit next to the files the pipeline loads.
        for text in re.findall(r"load:\s*([^\s,}]+)", open(pipeline).read()):
            os.makedirs(os.path.join(work, os.path.dirname(text)), exist_ok=True)
            shutil.copy(os.path.join(loaded, text), os.path.join(work, text))
    double = doubled_chunks(doc, work, "doubled")
    if double is None:
        return [("graph bytes", True, "not measured: chunks cannot be doubled")]
    (e1, r1), (e2, r2) = (graph_figures(args.pipelint, python, p, work, t, address) for p, t in ((pipeline, "a"), (double, "b")))
    n1, n2 = e1["tasks"], e2["tasks"]
    c1 = sum(l["tasks"] for l in e1["layers"] if l["kind"].startswith("array"))
    c2 = sum(l["tasks"] for l in e2["layers"] if l["kind"].startswith("array"))
    for o in e1["objects"]:
        real = r1["objects"].get(o["name"], {}).get("wire")
        if real is None or o["wire"]["confidence"] == "unknown":
            continue
        est = o["wire"]["bytes"]
        checks.append((f"wire {o['name']}", abs(est - real) <= WIRE_RTOL * real, f"wire {o['name']}: estimate {est} B, dask {real} B ({(est - real) / real:+.2%})"))
    s1, s2 = e1["submit"]["bytes"]["bytes"], e2["submit"]["bytes"]["bytes"]
    d1, d2 = r1["submit_bytes"], r2["submit_bytes"]
    est_slope, real_slope = (s2 - s1) / (c2 - c1), (d2 - d1) / (c2 - c1)
    est_fixed, real_fixed = s1 - est_slope * c1, d1 - real_slope * c1
    checks.append(("per-chunk slope", abs(est_slope - real_slope) <= SLOPE_ATOL,
                   f"per chunk: estimate {est_slope:.1f} B, dask {real_slope:.1f} B (chunks {c1} -> {c2})"))
    checks.append(("fixed part", abs(est_fixed - real_fixed) <= SUBMIT_RTOL * real_fixed,
                   f"fixed: estimate {est_fixed:.0f} B, dask {real_fixed:.0f} B ({(est_fixed - real_fixed) / real_fixed:+.2%})"))
    for c, s_, d in ((c1, s1, d1), (c2, s2, d2)):
        checks.append((f"submit at {c} chunks", abs(s_ - d) <= SUBMIT_RTOL * d,
                       f"submit at {c} chunks: estimate {s_} B, dask {d} B ({(s_ - d) / d:+.2%})"))
    _ = (n1, n2)
    return checks


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pipelint", default=os.path.join(ROOT, ".build/debug/pipelint"))
    parser.add_argument("--work", default=os.path.join(ROOT, ".build/crosscheck"))
    parser.add_argument("samples", nargs="*", help="default: samples/*.yaml")
    args = parser.parse_args()
    started = time.perf_counter()
    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    python = sys.executable

    failures, rows = [], []
    # The generated kernels against the executor's test vectors.
    any_program = None

    from distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True, dashboard_address=None,
                           memory_limit="2GiB")
    client = Client(cluster)
    address = cluster.scheduler_address
    try:
        default = sorted(glob.glob(os.path.join(ROOT, "samples/*.yaml"))) + sorted(glob.glob(os.path.join(ROOT, "crosscheck/cases/*.yaml")))
        for path in args.samples or default:
            name = os.path.splitext(os.path.basename(path))[0]
            with open(path) as fh:
                original = yaml.safe_load(fh)
            if has_python(original):
                rows.append((name, "skipped: python: functions or objects", "", ""))
                continue
            work = os.path.join(args.work, name)
            pipeline, doc, factor = scaled_copy(path, work)
            os.makedirs(work, exist_ok=True)
            distributed = (doc.get("cluster") or {}).get("scheduler", "distributed") == "distributed"
            where = ["--scheduler-address", address] if distributed else []

            # (a) results.
            run([args.pipelint, "run", pipeline, "-o", os.path.join(work, "run"), "--quiet"])
            program = os.path.join(work, "program.py")
            run([args.pipelint, "export", "--to", "dask", pipeline, "-o", program])
            any_program = any_program or program
            run([python, program, "--out", os.path.join(work, "dask")] + where)
            ok, exact, notes = compare_outputs(os.path.join(work, "run"), os.path.join(work, "dask"))
            results = ("same, bit for bit" if exact else f"same within rtol {FLOAT_RTOL:g}") if ok else "DIFFERENT"
            if not ok:
                failures.append(f"{name}: results differ: {notes}")

            # (b) the estimator's figures against real Dask's bytes.
            graph = ""
            if distributed:
                for check, good, text in check_graph_bytes(name, doc, pipeline, work, args, python, address):
                    key = f"{name}: {check}"
                    if good and key in KNOWN:
                        failures.append(f"{key}: listed as a known difference but agrees now ({text}); remove it from KNOWN")
                    elif not good and key in KNOWN:
                        text += " [known: " + KNOWN[key] + "]"
                    elif not good:
                        failures.append(f"{key}: {text}")
                    graph += ("" if good else "!! ") + text + "; "

            # (c) live copies on the workers.
            copies = ""
            probes = probed_objects(doc) if distributed else {}
            for obj, chunks in probes.items():
                texts = []
                for mode in ("as-written", "optimized"):
                    prog = os.path.join(work, f"program-{mode}.py")
                    run([args.pipelint, "export", "--to", "dask", pipeline, "-o", prog] + (["--as-written"] if mode == "as-written" else []))
                    out = run([python, prog, "--out", os.path.join(work, f"dask-{mode}"), "--count-copies"] + where)
                    per = count_copies(out).get(obj, [])
                    placement = (doc["objects"][obj].get("placement") or "embed")
                    carried = any(obj in carried_objects(doc, s.get("map_blocks")) for s in doc["steps"].values())
                    if carried or (mode == "as-written" and placement == "embed" and not auto_delayed(prog, obj)):
                        expected, good = f"= {chunks}", sum(per) == chunks
                    else:
                        expected, good = f"<= 1/worker", all(n <= 1 for n in per) and len(per) == WORKERS
                    texts.append(f"{mode} {sum(per)} ({'+'.join(map(str, per))}, expect {expected})")
                    if not good:
                        failures.append(f"{name}: {obj} {mode}: {per} live copies on the workers, expected {expected}")
                copies += f"{obj}: " + "; ".join(texts)
            rows.append((name, results + (f" (down-scaled 1/{factor} per dim)" if factor > 1 else ""), copies, notes))
            if graph:
                rows.append(("", "graph bytes (estimate vs dask):", graph.rstrip("; "), ""))

        if any_program:
            out = subprocess.run([python, os.path.join(ROOT, "scripts/check-kernel-vectors.py"), "--generated", any_program],
                                 capture_output=True, text=True)
            rows.append(("kernel vectors", out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr.strip(), "", ""))
            if out.returncode != 0:
                failures.append("kernel vectors: " + out.stdout + out.stderr)
    finally:
        client.close()
        cluster.close()

    print(f"{'sample':<20} {'run vs export':<45} live copies on {WORKERS} workers after persist")
    for name, results, copies, notes in rows:
        print(f"{name:<20} {results:<45} {copies}")
    print(f"cross-check: {len(rows)} rows in {time.perf_counter() - started:.1f} s; dask/distributed pinned in crosscheck/requirements.txt")
    for code, why in REASONS.items():
        print(f"known [{code}]: {why}")
    for f in failures:
        print("MISMATCH " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
