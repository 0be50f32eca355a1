"""numpy timings of the kernels pipelint-bench `kernels` runs, on the same data
(the counter-based generator, docs/kernels.md). Prints `<kernel> <seconds>` per
line, best of 5.

    python3 benchmarks/numpy_kernels.py 10000000
"""
import sys
import time

import numpy as np

U = np.uint64


def mix64(z):
    z = z ^ (z >> U(30))
    z = z * U(0xBF58476D1CE4E5B9)
    z = z ^ (z >> U(27))
    z = z * U(0x94D049BB133111EB)
    return z ^ (z >> U(31))


def bits(seed, n):
    with np.errstate(over="ignore"):
        i = np.arange(n, dtype=np.uint64)
        return mix64(U(seed) ^ mix64(i + U(1)))


def best(f):
    ts = []
    for _ in range(5):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return min(ts)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    x = (bits(1, n) >> U(11)).astype(np.float64) * 2.0**-53
    y = (bits(2, n) >> U(11)).astype(np.float64) * 2.0**-53
    idx = (bits(3, n) % U(30000)).astype(np.int64)
    table = np.arange(30000, dtype=np.int64)
    edges = np.arange(100000, dtype=np.float64) / 100000
    print("random", best(lambda: (bits(4, n) >> U(11)).astype(np.float64) * 2.0**-53))
    print("take", best(lambda: table[idx]))
    print("add", best(lambda: x + y))
    print("scale", best(lambda: x * 0.5))
    print("clip", best(lambda: np.minimum(np.maximum(x, 0.25), 0.75)))
    print("sqrt", best(lambda: np.sqrt(x)))
    print("searchsorted", best(lambda: np.searchsorted(edges, x)))
    print("sum", best(lambda: np.sum(x)))


if __name__ == "__main__":
    main()
