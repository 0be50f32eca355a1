#!/usr/bin/env bash
# Validate every pipeline sample (samples/**/*.yaml with a top-level `pipeline:`
# key) against schema/pipeline-v1.schema.json with check-jsonschema.
#
#   scripts/validate-samples.sh            # venv at .venv-ci (git-ignored)
#   PIPELINT_VENV=.venv-local scripts/validate-samples.sh
#
# Files without a top-level `pipeline:` key are not pipelines and are skipped
# (e.g. samples/helm/templates/deployment.yaml, a Helm template that is not YAML).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="${PIPELINT_VENV:-.venv-ci}"
case "$VENV" in /*) ;; *) VENV="$ROOT/$VENV" ;; esac
SCHEMA="$ROOT/schema/pipeline-v1.schema.json"
CHECK_JSONSCHEMA_VERSION="0.39.0"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/check-jsonschema" ] ||
   ! "$VENV/bin/check-jsonschema" --version 2>/dev/null | grep -q "version $CHECK_JSONSCHEMA_VERSION\$"; then
  echo "validate-samples: setting up $VENV (check-jsonschema==$CHECK_JSONSCHEMA_VERSION)" >&2
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "check-jsonschema==$CHECK_JSONSCHEMA_VERSION"
fi

"$VENV/bin/check-jsonschema" --check-metaschema "$SCHEMA" >/dev/null || {
  echo "validate-samples: FAIL: $SCHEMA is not a valid JSON Schema" >&2
  exit 1
}

# A pipeline is a file whose top level has a `pipeline` key. Each file is
# classified as `pipeline`, `skip` (parsed, no top-level `pipeline` key, or
# not YAML at all like a Helm template) or `broken` (not parseable, but a line
# starts with `pipeline:`: a pipeline with a YAML error, which must fail).
classify() {
  "$VENV/bin/python" - "$@" <<'PY'
import re, sys
from ruamel.yaml import YAML
yaml = YAML(typ="safe", pure=True)
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8", errors="replace").read()
    try:
        doc = yaml.load(text)
        kind = "pipeline" if isinstance(doc, dict) and "pipeline" in doc else "skip"
    except Exception:
        kind = "broken" if re.search(r"^pipeline[ \t]*:", text, re.M) else "skip"
    print(f"{kind}\t{path}")
PY
}

all=()
while IFS= read -r -d '' f; do all+=("$f"); done \
  < <(find "$ROOT/samples" -type f -name '*.yaml' -print0 | sort -z)

files=()
failed=()
if [ "${#all[@]}" -ne 0 ]; then
  while IFS=$'\t' read -r kind f; do
    rel="${f#"$ROOT"/}"
    case "$kind" in
      pipeline) files+=("$f") ;;
      skip) echo "skip  $rel (no top-level pipeline: key)" ;;
      *) echo "FAIL  $rel (has a pipeline: key but is not valid YAML)"; failed+=("$rel") ;;
    esac
  done < <(classify "${all[@]}")
fi

if [ "${#files[@]}" -eq 0 ]; then
  echo "validate-samples: FAIL: no pipeline samples found under samples/" >&2
  exit 1
fi

for f in "${files[@]}"; do
  rel="${f#"$ROOT"/}"
  if out="$("$VENV/bin/check-jsonschema" --schemafile "$SCHEMA" "$f" 2>&1)"; then
    echo "ok    $rel"
  else
    echo "FAIL  $rel"
    printf '%s\n' "$out" | sed 's/^/      /'
    failed+=("$rel")
  fi
done

if [ "${#failed[@]}" -ne 0 ]; then
  echo "validate-samples: ${#failed[@]} sample(s) failed:" >&2
  printf '  %s\n' "${failed[@]}" >&2
  exit 1
fi
echo "validate-samples: all ${#files[@]} pipeline samples are valid"
