#!/usr/bin/env python3
"""Dask's default groupby split_out at 40 partitions: compute, persist().compute() and pandas
group counts, one fresh LocalCluster (processes=True). Compare with `groupby_graphs.py
gb-cat-50-40`, which persists through `client.persist` and computes the persisted collection.

    python calibration/groupby_split_out.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import groupby_graphs as g  # noqa: E402

if __name__ == "__main__":
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c, Client(c):
        p = g.people(dd, 40, "cat", 50)
        r = p.groupby("region")["income"].sum()
        a = r.compute()
        bb = r.persist().compute()
        whole = g.make_part((0, g.ROWS), "cat", 50).groupby("region")["income"].sum()
        print("compute", len(a), "persist+compute", len(bb), "pandas", len(whole), "npartitions", r.npartitions,
              "equal", a.sort_index().equals(whole.sort_index()))
