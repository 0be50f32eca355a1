#!/usr/bin/env bash
# Validate pipelint's SARIF output on the samples with a pinned SARIF 2.1.0
# model from PyPI (sarif-pydantic), plus the invariants code-scanning services
# rely on: ruleIndex points at the rule with the same id, code-point columns,
# a fingerprint on every result.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${PIPELINT_VENV:-.venv-ci}"
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c "import sarif_pydantic" 2>/dev/null ||
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "sarif-pydantic==0.6.2" "pydantic==2.13.4"
BIN="${PIPELINT_BIN:-.build/debug/pipelint}"
OUT="$(mktemp)"
trap 'rm -f "$OUT"' EXIT
"$BIN" check --format sarif samples > "$OUT" || [ $? -eq 1 ]
"$VENV/bin/python" - "$OUT" <<'PY'
import json, sys
from sarif_pydantic import Sarif
doc = json.load(open(sys.argv[1]))
Sarif.model_validate(doc)
assert doc["version"] == "2.1.0", doc["version"]
for run in doc["runs"]:
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules), "duplicate rule ids"
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"], res
        assert res["partialFingerprints"]["pipelint/v1"], res
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1, region
print(f"validate-sarif: OK ({sum(len(r['results']) for r in doc['runs'])} results)")
PY
