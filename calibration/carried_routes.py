#!/usr/bin/env python3
"""Bytes one task's function carries, per route (docs/pipeline-format.md, "Functions that
carry objects"): what distributed's pickle (pickle, falling back to cloudpickle for
`__main__`) makes of the function of a map_blocks task whose object travels inside it.
Live copies on the workers are counted by crosscheck/crosscheck.py (--count-copies)
on the carried-* samples. Run with the pinned virtualenv:

    .venv-crosscheck/bin/python calibration/carried_routes.py
"""
import functools
import sys

import numpy as np
import pandas as pd
from distributed.protocol.pickle import dumps


def take(block, table):
    return np.asarray(table)[block]


class Regions:
    def __init__(self, codes):
        self.codes = codes


class Scorer:
    def __init__(self, table):
        self.table = table

    def __call__(self, block):
        return np.asarray(self.table)[block]


def make_score(table):
    def score(block):
        return np.asarray(table)[block]
    return score


REGIONS = None


def to_region(block):
    return np.asarray(REGIONS.codes)[block]


def main():
    table = pd.Series(np.arange(30000).astype("int64"), index=pd.RangeIndex(30000))
    global REGIONS
    REGIONS = Regions(table)
    routes = {
        "object alone (the argument route)": table,
        "partial (function in __main__)": functools.partial(take, table=table),
        "partial (importable function)": functools.partial(np.take, table),
        "closure": make_score(table),
        "global of a __main__ function": to_region,
        "callable instance": Scorer(table),
        "importable function reading its module's globals (negative control)": np.take,
    }
    print(f"{'route':<72} {'bytes per task':>14}")
    for name, value in routes.items():
        print(f"{name:<72} {len(dumps(value)):>14,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
