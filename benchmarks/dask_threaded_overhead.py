"""Per-task overhead of Dask's threaded scheduler on the graph pipelint-bench
`overhead` runs: N/2 leaf tasks and N/2 tasks each reading one leaf, all
trivial. Prints one line: `dask-threaded <tasks> <seconds> <us_per_task>`.

    python3 benchmarks/dask_threaded_overhead.py 100000
"""
import sys
import time

from dask.threaded import get


def leaf():
    return None


def step(x):
    return None


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    half = n // 2
    dsk = {}
    for i in range(half):
        dsk[("a", i)] = (leaf,)
        dsk[("b", i)] = (step, ("a", i))
    keys = [("b", i) for i in range(half)]
    t = time.perf_counter()
    get(dsk, keys, num_workers=2)
    s = time.perf_counter() - t
    print(f"dask-threaded {2 * half} {s:.3f} {s / (2 * half) * 1e6:.2f}")


if __name__ == "__main__":
    main()
