"""numpy timings of the kernels pipelint-bench `kernels` runs, on the same data
(the counter-based generator, docs/kernels.md), in int64 and float64. Prints
`<kernel> <dtype> <seconds>` per line, best of at least 5 runs.

    python3 benchmarks/numpy_kernels.py 10000000              # every kernel
    python3 benchmarks/numpy_kernels.py 10000000 add,sqrt     # some
    python3 benchmarks/numpy_kernels.py 10000000 --serve      # one line per `<kernel> <dtype>` read

`--serve` is how pipelint-bench uses it: the data is built once, and each kernel is
timed right after pipelint's run of the same kernel, so both see the same load.
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


def floats(seed, n):
    return (bits(seed, n) >> U(11)).astype(np.float64) * 2.0**-53


def ints(seed, n):
    return np.int64(0) + (bits(seed, n) % U(30000)).astype(np.int64)


def best(f):
    """Best of at least 5 runs, more for short kernels (up to 0.25 s of runs, at most 100)."""
    ts = []
    while len(ts) < 5 or (len(ts) < 100 and sum(ts) < 0.25):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return min(ts)


def cases(n, dtype):
    """The same operations as KernelBenchmark.cases in Sources/pipelint-bench."""
    if dtype == "float64":
        x, y = floats(1, n), floats(2, n)
        table = np.arange(30000, dtype=np.float64)
        factor, low, high = 0.5, 0.25, 0.75
        edges = np.arange(100000, dtype=np.float64) / 100000
        random = lambda: floats(4, n)  # noqa: E731
    else:
        x, y = ints(1, n), ints(2, n)
        table = np.arange(30000, dtype=np.int64)
        factor, low, high = 3, 7500, 22500
        edges = np.arange(100000, dtype=np.int64) * 3 // 10
        random = lambda: ints(4, n)  # noqa: E731
    idx = ints(3, n)
    return {
        "random": random,
        "take": lambda: table[idx],
        "add": lambda: x + y,
        "scale": lambda: x * factor,
        "clip": lambda: np.minimum(np.maximum(x, low), high),
        "sqrt": lambda: np.sqrt(x),
        "searchsorted": lambda: np.searchsorted(edges, x),
        "sum": lambda: np.sum(x),
    }


def serve(n):
    """Times `<kernel> <dtype>` per line of stdin; keeps one dtype's data at a time."""
    current = None
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 2:
            continue
        name, dtype = parts
        if current is None or current[0] != dtype:
            current = None  # free the other dtype's arrays first
            current = (dtype, cases(n, dtype))
        f = current[1].get(name)
        print(name, dtype, best(f) if f else "nan", flush=True)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
    if len(sys.argv) > 2 and sys.argv[2] == "--serve":
        serve(n)
        return
    only = [k for k in sys.argv[2].split(",") if k] if len(sys.argv) > 2 else []
    for dtype in ("int64", "float64"):
        for name, f in cases(n, dtype).items():
            if not only or name in only:
                print(name, dtype, best(f), flush=True)


if __name__ == "__main__":
    main()
