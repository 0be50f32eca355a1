"""What the frame calibrations share: a case is a sample with a few words replaced, exported
(`--as-written`), run by crosscheck/frames.py in a fresh process on a fresh
LocalCluster(processes=True), and estimated by `pipelint estimate`."""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "samples")


def arguments():
    """`--pipelint PATH` and the case names asked for (all when none)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--pipelint", default=os.path.join(ROOT, ".build/debug/pipelint"))
    parser.add_argument("cases", nargs="*")
    return parser.parse_args()


def case_file(cases, name, folder):
    """`cases[name]` = (sample, [(old, new), ...]) written into `folder`; each `old` must occur."""
    sample, edits = cases[name]
    with open(os.path.join(SAMPLES, sample + ".yaml"), encoding="utf-8") as fh:
        text = fh.read()
    for old, new in edits:
        if old not in text:
            raise SystemExit(f"{name}: `{old}` is not in {sample}.yaml")
        text = text.replace(old, new, 1)
    path = os.path.join(folder, name + ".yaml")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return path


def run_case(pipelint, path):
    """Exports and runs the pipeline at `path`: (program path, frames.py's measurement, estimate JSON)."""
    program = os.path.splitext(path)[0] + ".py"
    subprocess.run([pipelint, "export", "--to", "dask", "--as-written", path, "-o", program], check=True)
    out = subprocess.run([sys.executable, os.path.join(ROOT, "crosscheck/frames.py"), program, path],
                         capture_output=True, text=True, check=True).stdout
    measured = json.loads([line for line in out.splitlines() if line.startswith("{")][-1])
    est = json.loads(subprocess.run([pipelint, "estimate", "--format", "json", path],
                                    capture_output=True, text=True, check=True).stdout)
    return program, measured, est
