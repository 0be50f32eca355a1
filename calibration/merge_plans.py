#!/usr/bin/env python3
"""The three plans Dask 2026.8's `Merge._lower` picks for a merge step (blockwise merge, broadcast
join, p2p hash join), measured as a user runs the program `pipelint export --to dask` writes, against
`pipelint estimate`: task counts per key prefix and where a `dataframe:` object's frame is copied.

    python calibration/merge_plans.py [--pipelint .build/debug/pipelint] [CASE ...]

Each case is a sample with a few words replaced; it is exported (`--as-written`) and run by
crosscheck/frames.py in a fresh process on a fresh LocalCluster(n_workers=2, threads_per_worker=1,
processes=True): plain persist and `wait`, the graph never expanded on the client; tasks counted
as the scheduler dispatches them (a plugin at the transition to `processing`: distinct keys, and
dispatches, which count a p2p unpack task moved to its output's worker twice), copies of the probed
objects per worker sampled while the graph runs and once after `wait`. One JSON line per case:
measured tasks (all, and per prefix) against the estimate's total and the merge layer's tasks.
Output committed as calibration/merge_plans.out.
"""
import json
import os
import tempfile

import frame_cases as fc

PANDAS = "frame-broadcast-merge"
COLL = "frame-collection-merge"
MERGE = "  enriched: {merge: orders, with: customers, on: customer, how: inner}"
SMALL = [("rows: 1000000", "rows: 100000"), ("partitions: 40", "partitions: 10")]

# name: (sample, [(old, new), ...]) — each replacement must occur in the sample.
CASES = {
    # A pandas frame (from_pandas, one partition): left stays blockwise; right/outer hash-join.
    "pandas-left-10": (PANDAS, SMALL),
    "pandas-right-10": (PANDAS, [*SMALL, ("how: left", "how: right")]),
    "pandas-outer-10": (PANDAS, [*SMALL, ("how: left", "how: outer")]),
    "pandas-outer-40": (PANDAS, [("rows: 1000000", "rows: 200000"), ("how: left", "how: outer")]),
    # Two collections: hash join (control), blockwise (one side 1 partition), broadcast joins.
    "coll-inner-40x10": (COLL, [("rows: 2000000", "rows: 400000")]),
    "coll-left-10x1": (COLL, [("rows: 2000000", "rows: 400000"), ("partitions: 40", "partitions: 10"),
                              ("rows: 100000\n    partitions: 10", "rows: 100000\n    partitions: 1"),
                              ("how: inner", "how: left")]),
    "coll-left-1x10": (COLL, [("rows: 2000000", "rows: 400000"), ("partitions: 40", "partitions: 1"),
                              ("how: inner", "how: left")]),
    "coll-inner-40x2": (COLL, [("rows: 2000000", "rows: 400000"), ("partitions: 10", "partitions: 2")]),
    "coll-left-40x2": (COLL, [("rows: 2000000", "rows: 400000"), ("partitions: 10", "partitions: 2"),
                              ("how: inner", "how: left")]),
    "coll-right-2x40": (COLL, [("rows: 2000000", "rows: 400000"), ("partitions: 10", "partitions: 2"),
                               (MERGE, "  enriched: {merge: customers, with: orders, on: customer, how: right}")]),
    "coll-outer-40x2": (COLL, [("rows: 2000000", "rows: 400000"), ("partitions: 10", "partitions: 2"),
                               ("how: inner", "how: outer")]),
}


def main():
    args = fc.arguments()
    with tempfile.TemporaryDirectory() as folder:
        for name in args.cases or CASES:
            path = fc.case_file(CASES, name, folder)
            program, measured, est = fc.run_case(args.pipelint, path)
            with open(program, encoding="utf-8") as fh:
                merge_line = [line.strip() for line in fh if ".merge(" in line and "=" in line]
            layers = {x["name"]: x for x in est["layers"]}
            merge = layers.get("joined") or layers.get("enriched")
            print(json.dumps({
                "case": name,
                "merge_line": merge_line[-1] if merge_line else None,
                "tasks": sum(measured["distinct_tasks"].values()) if "distinct_tasks" in measured else None,
                "dispatches": sum(n for n, _ in measured["tasks"].values()),
                "tasks_estimated": est["tasks"],
                "merge_layer_tasks_estimated": merge["tasks"] if merge else None,
                "per_prefix": measured.get("distinct_tasks"),
                "dispatches_per_prefix": {k: v[0] for k, v in measured["tasks"].items()},
                "copies_during": measured.get("copies_during"), "copies_after": measured.get("copies_after"),
                "resident_estimated": est["memory"]["resident_per_worker"]["bytes"],
                "load_average": round(os.getloadavg()[0], 1),
            }), flush=True)


if __name__ == "__main__":
    main()
