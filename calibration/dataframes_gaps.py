#!/usr/bin/env python3
"""The DataFrame graph figures of the programs `pipelint export --to dask` writes, measured as a
user runs them, against `pipelint estimate`: the frame samples and variants of them (partitions,
columns, string lengths, dict lengths and shared values, a scattered object).

    python calibration/dataframes_gaps.py [--pipelint .build/debug/pipelint] [CASE ...]

Each case is a pipeline file (a sample, or a sample with a few words replaced); it is exported
(`--as-written`) and run by crosscheck/frames.py in a fresh process on a fresh
LocalCluster(n_workers=2, threads_per_worker=1, processes=True): plain persist and `wait`, the
graph never expanded on the client; submit bytes from the client's `update-graph` message,
per-task bytes as the scheduler dispatches them (`len(pickle.dumps(ts.run_spec))`), copies
after `wait`. One JSON line per case: measured and estimated submit and largest task, and the
bytes per task of each key prefix. Output committed as calibration/dataframes_gaps.out.
"""
import json
import os
import tempfile

import frame_cases as fc

# name: (sample, [(old, new), ...]) — each replacement must occur in the sample.
CASES = {
    "small-dict": ("frame-small-dict", []),
    "small-dict-5p": ("frame-small-dict", [("partitions: 20", "partitions: 5")]),
    "small-dict-80p": ("frame-small-dict", [("partitions: 20", "partitions: 80")]),
    "small-dict-4col": ("frame-small-dict", [
        ("      amount: {dtype: float64, source: {random: {seed: 2, low: 0, high: 500}}}",
         "      amount: {dtype: float64, source: {random: {seed: 2, low: 0, high: 500}}}\n"
         "      qty:    {dtype: int64}\n      note:   {dtype: string, length: 20}")]),
    "zip-regions": ("frame-zip-regions", []),
    "zip-regions-scatter": ("frame-zip-regions", [
        ("    dict: {length: 40000", "    placement: scatter\n    dict: {length: 40000")]),
    "zip-dict-10k-200": ("frame-zip-regions", [
        ("length: 40000, keys: {string: 5}, values: {string: 8, distinct: 50}",
         "length: 10000, keys: {string: 6}, values: {string: 12, distinct: 200}"),
        ("rows: 1000000", "rows: 200000"), ("partitions: 100", "partitions: 10")]),
    "zip-dict-3k-20": ("frame-zip-regions", [
        ("length: 40000, keys: {string: 5}, values: {string: 8, distinct: 50}",
         "length: 3000, keys: {string: 5}, values: {string: 4, distinct: 20}"),
        ("rows: 1000000", "rows: 100000"), ("partitions: 100", "partitions: 30")]),
    "frame-alone-strings": ("frame-small-dict", [
        ("steps:\n  named: {map_partitions: month_name, over: orders, args: [months]}\noutputs:\n  named: compute",
         "steps: {}\noutputs:\n  orders: compute")]),
    "frame-alone-numeric": ("frame-collection-merge", [
        ("  customers:\n    rows: 100000\n    partitions: 10\n    columns:\n      customer: {dtype: int64, source: range}\n"
         "      segment:  {dtype: category, categories: 6}\n", ""),
        ("  enriched: {merge: orders, with: customers, on: customer, how: inner}\noutputs:\n  enriched: persist",
         "  {}\noutputs:\n  orders: compute")]),
    "broadcast-merge": ("frame-broadcast-merge", []),
    "collection-merge": ("frame-collection-merge", []),
    "collection-merge-10p": ("frame-collection-merge", [("partitions: 40", "partitions: 10")]),
    "reference-table": ("frame-reference-table", []),
    "model-score": ("frame-model-score", []),
}


def main():
    args = fc.arguments()
    with tempfile.TemporaryDirectory() as folder:
        for name in args.cases or CASES:
            path = fc.case_file(CASES, name, folder)
            _program, measured, est = fc.run_case(args.pipelint, path)
            print(json.dumps({
                "case": name,
                "submit": measured["submit_bytes"], "submit_estimated": est["submit"]["bytes"]["bytes"],
                "largest_task": max((n for _, n in measured["tasks"].values()), default=0),
                "largest_task_estimated": max((x["task_bytes"]["bytes"] for x in est["layers"] if x["fused_into"] is None), default=0),
                "tasks": measured["tasks"], "copies_after": measured["copies_after"], "results": measured["results"],
                "load_average": round(os.getloadavg()[0], 1),
            }), flush=True)


if __name__ == "__main__":
    main()
