#!/usr/bin/env bash
# Checks the wheel in dist/: auditwheel (pinned in .ci/requirements-tools.txt) agrees with its
# manylinux tag, and `pip install` into a fresh virtualenv (no index: PIP_NO_INDEX=1
# PIP_FIND_LINKS=dist) puts a `pipelint` in the venv's bin/ that lints samples/ exactly as the
# debug build does.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
tools=${TOOLS_VENV:-.venv-tools}
wheel=$(ls dist/pipelint-*-manylinux_*.whl)
tag=$(basename "$wheel" .whl | sed 's/.*-py3-none-//')
report=$("$tools/bin/auditwheel" show "$wheel")
echo "$report" | tr '\n' ' ' | grep -q "consistent with the following platform tag: \"$tag\"" \
  || { echo "$report" >&2; echo "test-wheel: auditwheel does not confirm the tag $tag" >&2; exit 1; }
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
PIP_NO_INDEX=1 PIP_FIND_LINKS=dist "$venv/bin/pip" install --quiet --disable-pip-version-check pipelint
[ "$("$venv/bin/pipelint" --version)" = "$(dist/pipelint --version)" ]
expected=$(.build/debug/pipelint check samples/ 2>&1; echo "exit status: $?") || true
actual=$("$venv/bin/pipelint" check samples/ 2>&1; echo "exit status: $?") || true
if [ "$actual" != "$expected" ]; then
  diff <(echo "$expected") <(echo "$actual") | head -20 >&2
  echo "test-wheel: the installed pipelint lints samples/ differently from the debug build" >&2
  exit 1
fi
echo "test-wheel: $(basename "$wheel") ($tag) installs pipelint into a venv's bin/; check samples/: $(echo "$actual" | tail -3 | head -1)"
