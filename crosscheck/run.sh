#!/usr/bin/env bash
# Cross-check against real Dask (docs/dask.md): a pinned virtualenv in
# .venv-crosscheck/ (git-ignored), then crosscheck/crosscheck.py on the debug build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$(date +%s)
venv=.venv-crosscheck
if ! "$venv/bin/python" -c 'import dask, distributed, numpy, pandas, cloudpickle' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r crosscheck/requirements.txt
fi
[ -x .build/debug/pipelint ] || swift build --product pipelint
"$venv/bin/python" crosscheck/crosscheck.py --pipelint .build/debug/pipelint
echo "crosscheck: done in $(( $(date +%s) - start )) s"
