#!/usr/bin/env bash
# Runs real pre-commit (pinned in .ci/requirements-tools.txt) with this repository's hooks
# (.pre-commit-hooks.yaml at HEAD, Python route: the wheel in dist/, found with
# PIP_NO_INDEX=1 PIP_FIND_LINKS=dist) against a scratch git repository holding pipelines next to
# YAML that is not: a GitHub workflow, an Azure Pipelines file and a Drone file (both have a
# top-level `steps:`), Kubernetes manifests and a Helm chart. Only the pipelines may be linted
# or fixed. Prints pre-commit's output; the log is kept in dist/pre-commit-run.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
tools=${TOOLS_VENV:-$root/.venv-tools}
ls dist/pipelint-*-manylinux_*.whl >/dev/null || { echo "test-pre-commit: no wheel in dist/; run scripts/build-wheel.sh" >&2; exit 1; }
# pre-commit clones the hooks at a commit: the files it reads must be committed.
if ! git diff --quiet HEAD -- .pre-commit-hooks.yaml pyproject.toml scripts/pep517 Sources/Lint/Reporters/Reporter.swift; then
  echo "test-pre-commit: the hook files differ from HEAD; commit them first" >&2
  exit 1
fi
rev=$(git rev-parse HEAD)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir "$scratch/repo"
cd "$scratch/repo"
git init -q .
git config user.email ci@example.invalid
git config user.name CI
mkdir -p pipelines .github/workflows k8s chart/templates
cp "$root/samples/seed-argument.yaml" "$root/samples/seed-delayed.yaml" pipelines/
cat > .github/workflows/ci.yml <<'YAML'
name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: make test
YAML
cat > azure-pipelines.yml <<'YAML'
trigger: [main]
pool: {vmImage: ubuntu-latest}
steps:
  - script: make test
    displayName: Test
YAML
cat > .drone.yml <<'YAML'
kind: pipeline
type: docker
name: default
steps:
  - name: test
    image: python:3.12
    commands: [make test]
YAML
cat > k8s/app.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  replicas: 2
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers: [{name: app, image: "app:1.0"}]
---
apiVersion: v1
kind: Service
metadata: {name: app}
spec: {selector: {app: app}, ports: [{port: 80}]}
YAML
cat > chart/Chart.yaml <<'YAML'
apiVersion: v2
name: app
version: 0.1.0
YAML
cat > chart/values.yaml <<'YAML'
replicas: 2
image: {repository: app, tag: "1.0"}
YAML
cat > chart/templates/deployment.yaml <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-app
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
YAML
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $root
    rev: $rev
    hooks:
      - id: pipelint
      - id: pipelint-fix
YAML
git add -A
git commit -q -m "A repository with pipelines and other YAML"
log=$root/dist/pre-commit-run.log
run() { PRE_COMMIT_HOME=$scratch/pre-commit-home PIP_NO_INDEX=1 PIP_FIND_LINKS=$root/dist "$tools/bin/pre-commit" "$@"; }
status=0
run run --all-files --verbose > "$log" 2>&1 || status=$?
cat "$log"
fail() { echo "test-pre-commit: $1" >&2; exit 1; }
[ "$status" -eq 1 ] || fail "expected pre-commit to fail (a finding, then a fix), got exit $status"
grep -q '^pipelines/seed-argument.yaml:14:48: warning: .*\[PL001 embedded-object\]' "$log" || fail "the finding in pipelines/seed-argument.yaml is missing"
# pre-commit may split the files between processes: the files each pipelint run checked add up.
checked=$(sed -n '/^pipelint check\.\.\./,/^pipelint fix\.\.\./p' "$log" \
  | grep -oE '(of [0-9]+ files?\.|\([0-9]+ files? checked\))' | grep -oE '[0-9]+' | awk '{n += $1} END {print n}')
[ "$checked" = 2 ] || fail "pipelint check saw $checked files, not the two pipelines"
if grep -nE '(\.github|azure-pipelines|\.drone|k8s/|chart/)' "$log"; then fail "a file that is not a pipeline was reported"; fi
changed=$(git status --porcelain | sed 's/^...//')
[ "$changed" = "pipelines/seed-argument.yaml" ] || fail "expected only pipelines/seed-argument.yaml to be fixed, changed: $changed"
git diff --stat
# Fixed and staged, the hooks pass.
git add -A
run run --all-files >> "$log" 2>&1 || { tail -20 "$log"; fail "the hooks still fail after the fix"; }
echo "test-pre-commit: only pipelines were linted and fixed; the fixed repository passes"
