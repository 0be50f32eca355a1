#!/usr/bin/env bash
# The dask engine (docs/executor.md, "Engines"; docs/dask.md, "Running on a cluster"). First the
# samples with `python:` code, which only the dask engine runs (their stand-in modules are in
# samples/, on PYTHONPATH), on a LocalCluster each. Then a `dask scheduler` and
# two `dask worker` processes on 127.0.0.1 from the cross-check's virtualenv, and
# `pipelint run --engine dask --scheduler-address` on seed-argument (same CRC-32 as the bundled
# executor) and on importable-global (its `python:` module importable on the workers through
# PYTHONPATH), a module missing on the workers (a located error naming it and the worker), and an
# address nobody listens on (exit 2 within the 10 s connect timeout). Every step is bounded with
# `timeout`; the scheduler and workers are stopped on exit, failure included.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$(date +%s)
venv="${PIPELINT_CROSSCHECK_VENV:-$PWD/.venv-crosscheck}"
pipelint="$PWD/.build/debug/pipelint"
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do timeout 20 tail --pid="$p" -f /dev/null 2>/dev/null || kill -KILL "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "engine: $1" >&2; tail -n 20 "$work"/*.log >&2 || true; exit 1; }

export PIPELINT_PYTHON="$venv/bin/python"
for sample in importable-global opaque-field model-weights; do
  timeout 180 "$pipelint" run --quiet "samples/$sample.yaml" -o "$work/$sample-local" > "$work/$sample-local.out" \
    || fail "$sample did not run on the dask engine"
  [ -f "$work/$sample-local/results.json" ] || fail "$sample: no results.json"
  grep -q " with Dask " "$work/$sample-local.out" || fail "$sample did not run on the dask engine"
done
echo "engine: the python: samples ran on the dask engine ($(( $(date +%s) - start )) s)" >&2

port=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
address="tcp://127.0.0.1:$port"
PYTHONPATH="$PWD/samples" "$venv/bin/dask" scheduler --host 127.0.0.1 --port "$port" --dashboard-address :0 > "$work/scheduler.log" 2>&1 &
pids+=($!)
for n in 1 2; do
  PYTHONPATH="$PWD/samples" "$venv/bin/dask" worker "$address" --nworkers 1 --nthreads 1 --memory-limit 2GiB \
    --dashboard-address :0 --name "worker-$n" > "$work/worker-$n.log" 2>&1 &
  pids+=($!)
done
timeout 90 "$venv/bin/python" -c "from distributed import Client; Client('$address', timeout=60).wait_for_workers(2, timeout=60)" \
  || fail "the scheduler and two workers did not start within 90 s"
echo "engine: scheduler and 2 workers at $address ($(( $(date +%s) - start )) s)" >&2

crc() { "$venv/bin/python" -c 'import json, sys; print(" ".join(o.get("crc32", str(o.get("value"))) for o in json.load(open(sys.argv[1]))["outputs"]))' "$1"; }
for sample in seed-argument importable-global; do
  timeout 180 "$pipelint" run --engine dask --scheduler-address "$address" --quiet "samples/$sample.yaml" -o "$work/$sample-dask" \
    || fail "$sample did not run on the cluster"
done
"$pipelint" run --engine bundled --quiet samples/seed-argument.yaml -o "$work/seed-bundled" > /dev/null
[ "$(crc "$work/seed-argument-dask/results.json")" = "$(crc "$work/seed-bundled/results.json")" ] \
  || fail "seed-argument: the cluster's results differ from the bundled executor's"

# A python: module the client imports and the workers do not: refused before anything runs.
mkdir -p "$work/missing"
printf 'def twice(block):\n    return block * 2\n' > "$work/missing/clientonly.py"
cat > "$work/missing/missing.yaml" <<'YAML'
pipeline: missing
version: 1
cluster: {scheduler: distributed, workers: 2, threads_per_worker: 1, memory_per_worker: 1GiB}
functions:
  twice: {params: [block], python: "clientonly:twice"}
arrays:
  x: {shape: [1000], chunks: [100], dtype: int64, source: {random: {seed: 1, low: 0, high: 10}}}
steps:
  doubled: {map_blocks: twice, over: [x], dtype: int64}
outputs:
  doubled: persist
YAML
set +e
timeout 120 "$pipelint" run --scheduler-address "$address" --quiet "$work/missing/missing.yaml" -o "$work/missing/out" 2> "$work/missing.err"
status=$?
set -e
[ "$status" = 2 ] && grep -q "missing.yaml:5:.*python: module \`clientonly\` does not import on worker tcp://127.0.0.1" "$work/missing.err" \
  || { cat "$work/missing.err" >&2; fail "a module missing on the workers: expected exit 2 and a located error, got $status"; }

# Nobody listens: exit 2 with a clear message, within the connect timeout (10 s) plus start-up.
dead=$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
t0=$(date +%s)
set +e
timeout 60 "$pipelint" run --scheduler-address "tcp://127.0.0.1:$dead" --quiet samples/seed-argument.yaml -o "$work/dead" 2> "$work/dead.err"
status=$?
set -e
took=$(( $(date +%s) - t0 ))
[ "$status" = 2 ] && grep -q "cannot reach the Dask scheduler at tcp://127.0.0.1:$dead within 10 s" "$work/dead.err" && [ "$took" -le 30 ] \
  || { cat "$work/dead.err" >&2; fail "an unreachable scheduler: expected exit 2 within 30 s, got $status after $took s"; }
echo "engine: done in $(( $(date +%s) - start )) s (unreachable address refused in $took s)" >&2
