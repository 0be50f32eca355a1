"""Stand-in for the `regions.lookup` module samples/importable-global.yaml names: a module
global built at import (a ~235 KiB int64 array) that `region` reads; pickle sends `region`
by reference, so the global never travels. The samples folder is on PYTHONPATH for
`pipelint run --engine dask`."""
import numpy as np

REGIONS = np.arange(30000, dtype=np.int64) % 97


def region(block):
    return REGIONS[block]
