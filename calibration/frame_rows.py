#!/usr/bin/env python3
"""Row-wise DataFrame steps (lookup, assign, filter) on real Dask, measured as a user runs them:
one case per fresh process and fresh LocalCluster(n_workers=2, threads_per_worker=1,
processes=True), plain persist and `wait`, the graph never expanded on the client. Reuses the
instruments of dataframes_graphs.py (submit bytes from `update-graph`, each task's run_spec bytes
at the transition to `processing`, copies of the 40,000-entry dict in the workers).

    python calibration/frame_rows.py CASE        (CASE: see CASES; prints one JSON line)
    python calibration/frame_rows.py all         (every case, each in its own process)
"""
import subprocess
import sys

import dataframes_graphs as g
import pandas as pd

STR = pd.StringDtype("pyarrow")


def lookup_part(part, column, into, table):
    """What `placement: delayed` needs: Series.map does not resolve a Delayed table."""
    return part.assign(**{into: part[column].map(table).astype(STR)})


def case(name, dd):
    import dask

    p = g.people(dd)
    meta_region = pd.Series([], dtype=STR, name="zip")
    if name == "lookup_dict":
        return p.assign(region=p["zip"].map(g.regions(), meta=meta_region)), "dict"
    if name == "lookup_delayed_map":
        return p.assign(region=p["zip"].map(dask.delayed(g.regions()), meta=meta_region)), "dict"
    if name == "lookup_delayed_mp":
        meta = p._meta.assign(region=pd.Series([], dtype=STR))
        return p.map_partitions(lookup_part, "zip", "region", dask.delayed(g.regions()), meta=meta), "dict"
    if name == "assign_mul":
        return p.assign(income2=p["income"] * 2), "none"
    if name == "assign_where":
        return p.assign(bonus=(p["income"] * 2).where(p["age"] > 17, p["income"] + 1.5)), "none"
    if name == "filter_ge":
        f = p[p["age"] >= 18]
        print("known_divisions", f.known_divisions, "npartitions", f.npartitions, file=sys.stderr)
        return f, "none"
    if name == "assign_filter":
        a = p.assign(income2=p["income"] * 2)
        return a[a["age"] >= 18], "none"
    raise SystemExit(f"unknown case {name}")


CASES = ["lookup_dict", "lookup_delayed_map", "lookup_delayed_mp", "assign_mul", "assign_where", "filter_ge", "assign_filter"]

if __name__ == "__main__":
    if sys.argv[1] == "all":
        for c in CASES:
            subprocess.run([sys.executable, __file__, c], check=False)
    else:
        g.case = case
        g.main(sys.argv[1])
