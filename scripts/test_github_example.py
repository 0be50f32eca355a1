#!/usr/bin/env python3
"""Runs the shell steps of docs/examples/github-actions.yml here, as a runner would, against
the release archive in dist/ (GitHub cannot be reached from CI, so the download URL is a
file:// folder laid out like the releases page).

    python scripts/test_github_example.py            # needs PyYAML (pre-commit brings it) and curl

Two jobs: a workspace whose pipelines are clean (every step passes), and one with a finding
(the Lint step fails, the `if: always()` SARIF step still writes a SARIF log with the finding).
`uses:` steps (checkout, cache, upload-sarif) are GitHub's and are skipped; the cache is a miss.
The example must pin the version the source has (pipelintVersion), so it cannot go stale.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "docs/examples/github-actions.yml"


def source_version():
    text = (ROOT / "Sources/Lint/Reporters/Reporter.swift").read_text(encoding="utf-8")
    return re.search(r'^public let pipelintVersion = "([^"]+)"$', text, re.M).group(1)


def should_run(step, failed):
    condition = step.get("if")
    if condition is None:
        return not failed
    if condition == "always()":
        return True
    if condition == "steps.cache.outputs.cache-hit != 'true'":
        return not failed  # a cache miss
    sys.exit(f"{WORKFLOW}: no rule here for the condition {condition!r}")


def run_job(workflow, releases, pipelines, scratch):
    """Runs the job's `run:` steps in a fresh workspace; returns {step name: exit status}."""
    workspace, home = scratch / "workspace", scratch / "home"
    (workspace / "pipelines").mkdir(parents=True)
    home.mkdir()
    for sample in pipelines:
        shutil.copy(ROOT / "samples" / sample, workspace / "pipelines" / sample)
    shutil.copytree(ROOT / "samples/tables", workspace / "pipelines/tables")
    github_path = scratch / "github_path"
    github_path.touch()
    env = {"HOME": str(home), "GITHUB_PATH": str(github_path), "GITHUB_WORKSPACE": str(workspace),
           "GITHUB_ACTIONS": "true", "CI": "true", "LANG": "C.UTF-8"}
    env.update({k: str(v) for k, v in workflow["env"].items()})
    env["PIPELINT_RELEASES"] = releases.as_uri()
    (job,) = workflow["jobs"].values()
    statuses, failed = {}, False
    for step in job["steps"]:
        if "run" not in step:
            continue
        name = step.get("name", step["run"].splitlines()[0])
        if not should_run(step, failed):
            statuses[name] = "skipped"
            continue
        added = [line for line in github_path.read_text().splitlines() if line]
        env["PATH"] = os.pathsep.join([*reversed(added), "/usr/local/bin", "/usr/bin", "/bin"])
        result = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=workspace, env=env, capture_output=True, text=True)
        statuses[name] = result.returncode
        print(f"  step {name!r}: exit {result.returncode}")
        for line in (result.stdout + result.stderr).splitlines()[:6]:
            print(f"    | {line}")
        failed = failed or result.returncode != 0
    return statuses, workspace


def main():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    version = source_version()
    if str(workflow["env"]["PIPELINT_VERSION"]) != version:
        sys.exit(f"{WORKFLOW}: PIPELINT_VERSION is {workflow['env']['PIPELINT_VERSION']}, the source's version is {version}")
    name = f"pipelint-{version}-x86_64-linux.tar.gz"
    with tempfile.TemporaryDirectory(prefix="pipelint-gha-") as tmp:
        tmp = Path(tmp)
        releases = tmp / "releases"
        (releases / f"v{version}").mkdir(parents=True)
        for file in (name, name + ".sha256"):
            shutil.copy(ROOT / "dist" / file, releases / f"v{version}" / file)

        print("job on clean pipelines:")
        statuses, _ = run_job(workflow, releases, ["clean.yaml", "csv-lookup.yaml"], tmp / "clean")
        bad = {k: v for k, v in statuses.items() if v != 0}
        if bad:
            sys.exit(f"steps failed on clean pipelines: {bad}")

        print("job on a pipeline with a finding:")
        statuses, workspace = run_job(workflow, releases, ["seed-argument.yaml"], tmp / "finding")
        if statuses.get("Lint") != 1 or statuses.get("SARIF") != 0:
            sys.exit(f"expected Lint to fail with exit 1 and SARIF to pass: {statuses}")
        sarif = json.loads((workspace / "pipelint.sarif").read_text(encoding="utf-8"))
        results = [r["ruleId"] for run in sarif["runs"] for r in run["results"]]
        if results != ["PL001"]:
            sys.exit(f"expected one PL001 result in pipelint.sarif, got {results}")
    print("github-actions example: the shell steps work against dist/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
