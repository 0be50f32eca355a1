#!/usr/bin/env bash
# Cross-check against real Dask (docs/dask.md): a pinned virtualenv in
# .venv-crosscheck/ (git-ignored), then crosscheck/crosscheck.py on the debug build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$(date +%s)
venv=.venv-crosscheck
# Reuse the virtualenv only when it holds exactly the pinned versions.
pinned='import sys
from importlib.metadata import version
pins = [l.split("==") for l in open("crosscheck/requirements.txt") if "==" in l and not l.startswith("#")]
sys.exit(any(version(n.strip()) != v.strip() for n, v in pins))'
if ! "$venv/bin/python" -c "$pinned" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r crosscheck/requirements.txt
fi
[ -x .build/debug/pipelint ] || swift build --product pipelint
"$venv/bin/python" crosscheck/crosscheck.py --pipelint .build/debug/pipelint
echo "crosscheck: done in $(( $(date +%s) - start )) s"
