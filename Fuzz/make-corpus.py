#!/usr/bin/env python3
"""Writes the committed seed corpus Fuzz/corpus/{frontend,check,fix}/: the
samples, their fixed forms, and small hostile files (each a few KB at most;
the large cases live in Tests/HostileInputTests, generated at run time).
Re-run after adding a sample: python3 Fuzz/make-corpus.py
(minimised crashes, `regression-*`, are kept)."""
import os, pathlib, shutil

root = pathlib.Path(__file__).resolve().parent.parent
seed = (root / "samples/seed-argument.yaml").read_bytes()

hostile = {
    "billion-laughs.yaml": "\n".join(
        ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        + [f"{c}: &{c} [{', '.join(['*' + p] * 9)}]" for p, c in zip("abcdefgh", "bcdefghi")]) + "\n",
    "flow-nesting-100.yaml": "a: " + "[" * 100 + "]" * 100 + "\n",
    "flow-nesting-unclosed.yaml": "a: " + "{x: " * 80 + "\n",
    "block-nesting-80.yaml": "".join(" " * i + "k:\n" for i in range(80)) + " " * 80 + "v\n",
    "invalid-utf8.yaml": b"pipeline: t\nname: ab\xff\xfe\n",
    "overlong-utf8.yaml": b"pipeline: \xc0\xaf\nversion: 1\n",
    "surrogate-utf8.yaml": b"pipeline: \xed\xa0\x80\n",
    "truncated-utf8.yaml": b"pipeline: t\xe2\x82",
    "utf16-bom.yaml": b"\xff\xfe" + "pipeline: t\nversion: 1\n".encode("utf-16-le"),
    "utf16-be-bom.yaml": b"\xfe\xff" + "pipeline: t\n".encode("utf-16-be"),
    "utf32-bom.yaml": b"\xff\xfe\x00\x00" + "p: t\n".encode("utf-32-le"),
    "utf8-bom.yaml": b"\xef\xbb\xbf" + seed,
    "nul-byte.yaml": b"pipeline: t\nx: a\x00b\n",
    "python-tag.yaml": "pipeline: t\nversion: 1\nobjects: !!python/object:os.system {a: 1}\nsteps: {}\n",
    "python-apply.yaml": "!!python/object/apply:os.system ['echo pwned']\n",
    "custom-tags.yaml": "pipeline: !secret t\nversion: !<tag:example.com,2000:x> 1\nsteps: !!map {}\n",
    "version-1-10.yaml": "pipeline: t\nversion: 1.10\nsteps: {}\n",
    "carried-in-version-1.yaml": "pipeline: t\nversion: 1\nobjects: {o: {value: 1}}\nfunctions: {f: {params: [b], kernel: scale, partial: {factor: o}}}\n"
        "arrays: {x: {shape: [4], chunks: [2]}}\nsteps: {s: {map_blocks: f, over: [x]}}\n",
    "carried-unknown-object.yaml": "pipeline: t\nversion: 1.1\nfunctions: {f: {params: [b], kernel: take, closure: {t: nope}, globals: [1]}}\n"
        "arrays: {x: {shape: [4], chunks: [2]}}\nsteps: {s: {map_blocks: f, over: [x], kwargs: {t: 1}}}\n",
    "callable-without-call.yaml": "pipeline: t\nversion: 1.1\nobjects: {c: {class: C, methods: {__call__: {kernel: identity}}}, d: {class: D}}\n"
        "arrays: {x: {shape: [4], chunks: [2]}}\nsteps: {s: {map_blocks: c, over: [x]}, t: {map_blocks: d, over: [x]}}\n",
    "projection-errors.yaml": "pipeline: t\nversion: 1.1\nobjects: {e: {ndarray: {shape: [4, 2]}}, m: {class: M, fields: {s: {series: {range: 3}}}}}\n"
        "functions: {f: {params: [b, w], kernel: take, with: {table: \"w[:, 9]\"}}, g: {params: [b, h], kernel: scale}}\n"
        "arrays: {x: {shape: [4], chunks: [2]}}\nsteps: {s: {map_blocks: f, over: [x], args: [e]}, t: {map_blocks: g, over: [x], "
        "args: [\"m.s[-1]\"]}, u: {map_blocks: g, over: [x], args: [\"m.s.iloc[0, 1]\"]}, v: {map_blocks: g, over: [x], args: [\"e[0][1][2]\"]}, "
        "w: {map_blocks: g, over: [x], args: [\"e[1:2:0]\"]}, y: {map_blocks: g, over: [x], args: [\"e[99999999999999999999]\"]}}\n",
    "projection-unquoted-flow.yaml": "pipeline: t\nversion: 1.1\nobjects: {e: {ndarray: {shape: [4]}}}\nfunctions: {g: {params: [b, h], kernel: scale}}\n"
        "arrays: {x: {shape: [4], chunks: [2]}}\nsteps: {s: {map_blocks: g, over: [x], args: [e[-1]]}}\n",
    "projection-block.yaml": "pipeline: t\nversion: 1.1\nobjects:\n  e: {ndarray: {shape: [4, 3], fill: range}}\nfunctions:\n  g: {params: [b, lo, hi], kernel: clip}\n"
        "arrays:\n  x: {shape: [4], chunks: [2]}\nsteps:\n  s:\n    map_blocks: g\n    over: [x]\n    args:\n      - e[::-1, 2][3]\n      - e[-1,-1]\n",
    "dtype-refused.yaml": "pipeline: t\nversion: 1.1\nobjects: {c: {ndarray: {shape: [3, 1], dtype: complex64}}, e: {series: {values: [1, 2], dtype: \"datetime64[ns]\"}}}\n"
        "functions: {f: {params: [a, b], kernel: add}, r: {params: [a], kernel: sqrt}, k: {params: [a, lo, hi], kernel: clip}}\n"
        "arrays: {t: {shape: [4], chunks: [2], dtype: \"datetime64[ns]\"}, d: {shape: [4], chunks: [2], dtype: \"timedelta64[ns]\", source: range}, "
        "z: {shape: [4, 2], chunks: [2, 2], dtype: complex128}, o: {shape: [1, 2], chunks: [1, 2]}}\n"
        "steps: {s: {map_blocks: f, over: [t, t]}, u: {map_blocks: r, over: [d]}, v: {map_blocks: k, over: [z], args: [0, 1]}, "
        "w: {map_blocks: f, over: [z], args: [c]}, x: {map_blocks: f, over: [z, o]}, y: {map_blocks: f, over: [t], args: [\"e.iloc[0]\"]}, "
        "q: {map_blocks: f, over: [z, d]}, n: {reduce: sum, over: u}}\n",
    "dtype-unquoted-flow.yaml": "pipeline: t\nversion: 1\narrays: {t: {shape: [4], chunks: [2], dtype: datetime64[ns]}}\nsteps: {s: {rechunk: t, chunks: [4]}}\n",
    "broadcast-mismatch.yaml": "pipeline: t\nversion: 1.1\nobjects: {w: {ndarray: {shape: [3], dtype: float64}}, v: {ndarray: {shape: [2, 2, 2]}}}\n"
        "functions: {f: {params: [a, b], kernel: mul}, g: {params: [c, a, b], kernel: where}}\n"
        "arrays: {x: {shape: [6, 4], chunks: [[1, 5], 4]}, y: {shape: [1, 3], chunks: [1, 3]}, z: {shape: [6, 1], chunks: [3, 1]}}\n"
        "steps: {s: {map_blocks: f, over: [x], args: [w]}, t: {map_blocks: f, over: [x, y]}, u: {map_blocks: g, over: [z], args: [v, w]}, "
        "r: {map_blocks: f, over: [z, x]}}\n",
    "per-item-errors.yaml": "pipeline: t\nversion: 1.1\nobjects: {o: {series: {range: 9}}, item: {value: 1}}\nfunctions: {f: {params: [i, t], kernel: take}}\n"
        "steps: {a: {delayed: f, items: {range: 0}, args: [item, o]}, b: {submit: f, items: [1, x, [2]], args: [item, o]}, "
        "c: {map: f, items: {range: [5, 2]}, args: [o, item]}, d: {delayed: f, items: {range: 9223372036854775807}, args: [item, o]}, "
        "e: {map_blocks: f, over: [d]}, g: {reduce: sum, over: b}, h: {delayed: f, items: [1.5, 2], args: [item], kwargs: {t: item}}}\n",
    "per-item-block.yaml": "pipeline: t\nversion: 1.1\ncluster: {scheduler: threads}\nobjects:\n  o: {ndarray: {shape: [200000]}, placement: delayed}\n"
        "functions:\n  f: {params: [i, t], kernel: take}\nsteps:\n  s:\n    submit: f\n    items:\n      - 1\n      - 2\n    args: [item, o]\n"
        "  m:\n    map: f\n    items: {range: [-3, 3]}\n    args: [item]\n    kwargs: {t: o}\noutputs:\n  s: compute\n",
    "duplicate-keys.yaml": "pipeline: t\nversion: 1\npipeline: u\nsteps: {a: 1, a: 2}\n",
    "several-documents.yaml": "pipeline: t\n---\npipeline: u\n...\n---\n",
    "alias-cycle.yaml": "a: &x [1, *x]\nb: &y {k: *y}\n",
    "alias-undefined.yaml": "a: *nope\n",
    "merge-key.yaml": "base: &b {x: 1}\nd: {<<: *b, y: 2}\n",
    "anchored-object.yaml": seed.decode().replace("  mapper:\n", "  mapper: &m\n").replace("functions:", "  other: *m\nfunctions:"),
    "bytes-1GB.yaml": "pipeline: big\nversion: 1\nobjects:\n  blob: {bytes: {size: 1GB}}\nfunctions:\n  f: {params: [block, blob], kernel: identity}\narrays:\n  x: {shape: [1000], chunks: [10]}\nsteps:\n  s: {map_blocks: f, over: [x], args: [blob]}\noutputs:\n  s: persist\n",
    "bytes-huge.yaml": "pipeline: big\nversion: 1\nobjects:\n  blob: {bytes: {size: 9223372036854775807}}\n  t: {bytes: {size: 8EiB}}\nsteps: {}\n",
    "shape-overflow.yaml": "pipeline: t\nversion: 1\nobjects:\n  n: {ndarray: {shape: [4294967296, 4294967296, 4294967296], dtype: float64}}\narrays:\n  x: {shape: [9223372036854775807, 9223372036854775807], chunks: [1, 1]}\nsteps:\n  s: {reduce: sum, over: x}\n",
    "chunks-billions.yaml": "pipeline: t\nversion: 1\nobjects:\n  m: {series: {range: 30000}}\nfunctions:\n  f: {params: [b, m], kernel: take}\narrays:\n  x: {shape: [100000000000], chunks: [1]}\nsteps:\n  s: {map_blocks: f, over: [x], args: [m]}\n  r: {reduce: sum, over: s, split_every: 2}\noutputs:\n  s: persist\n",
    "load-outside.yaml": "pipeline: t\nversion: 1\nobjects:\n  a: {series: {load: ../../etc/passwd, length: 3}}\n  b: {ndarray: {shape: [3], load: /etc/shadow}}\narrays:\n  x: {shape: [3], chunks: [1], source: {load: ~/x.npy}}\nsteps:\n  s: {rechunk: x, chunks: [3]}\noutputs:\n  s: {save: ../out.npy}\n",
    "crlf.yaml": seed.replace(b"\n", b"\r\n"),
    "cr-only.yaml": seed.replace(b"\n", b"\r"),
    "no-final-newline.yaml": seed.rstrip(b"\n"),
    "flow-everything.yaml": "{pipeline: t, version: 1, objects: {m: {class: M, fields: {s: {series: {range: 30000}}}}}, functions: {f: {params: [b, m], kernel: take, with: {table: m.s}}}, arrays: {x: {shape: [100000], chunks: [1000]}}, steps: {s: {map_blocks: f, over: [x], args: [m]}}, outputs: {s: persist}}\n",
    "block-scalar-last.yaml": seed.decode().replace("    methods:\n      lookup: {kernel: take, with: {table: self.series}}\n", "    methods:\n      lookup: {kernel: take, with: {table: self.series}}\n    lint:\n      reason: |+\n        kept\n\n") ,
    "astral.yaml": seed.decode().replace("mapper", "mapper").replace("# event codes", "# 😀 event codes 😀"),
    "empty.yaml": "",
    "bom-comment-only.yaml": b"\xef\xbb\xbf  # dv: i",   # crashed the text reporter (FuzzRegressionTests)
    "only-comment.yaml": "# nothing\n",
    "scalar-root.yaml": "just a string\n",
    "tabs.yaml": "pipeline: t\n\tversion: 1\n",
}

# Frame (format 1.2) seeds, appended to make-corpus.py's hostile dict.
HDR = "pipeline: t\nversion: 1.2\n"
frame_hostile = {
    "frame-explicit-partitions.yaml": HDR +
        "objects:\n  regions: {dict: {length: 40, keys: {string: 2}, values: {string: 3, distinct: 5}}}\n"
        "  ref: {dataframe: {length: 10, columns: {k: {dtype: string, length: 2}, c: {dtype: category, categories: 3}}}}\n"
        "  model: {class: M, fields: {weights: {ndarray: {shape: [2], dtype: float64}}}, methods: {score: {kernel: score_rows, columns: [age, on], into: s, with: {weights: self.weights}}}}\n"
        "functions:\n  assign: {params: [part, table], kernel: map_column, column: zip, into: region}\n"
        "  score: {params: [part, model], kernel: score_rows, columns: [age, on], into: s, with: {weights: model.weights}}\n"
        "frames:\n  people:\n    rows: 10\n    partitions: [3, 3, 4]\n    columns:\n"
        "      zip: {dtype: string, length: 2, source: {random: {seed: 3, low: 0, high: 40}}}\n"
        "      age: {dtype: int8, source: {random: {seed: 4, low: -200, high: 300}}}\n"
        "      seen: {dtype: \"datetime64[ns]\", source: {random: {seed: 6, low: 1700000000000000000, high: 1800000000000000000}}}\n"
        "      on: {dtype: bool}\n      kind: {dtype: category, categories: 7, source: range}\n"
        "  refs: {from_pandas: ref, partitions: 3}\n"
        "steps:\n  a: {map_partitions: assign, over: people, args: [regions]}\n  b: {map_partitions: score, over: [a], kwargs: {model: model}}\n"
        "  c: {map_partitions: model.score, over: b}\n  d: {map_partitions: assign, over: refs, args: [regions]}\n"
        "outputs:\n  c: persist\n  d: compute\n  refs: compute\n",
    "frame-huge-counts.yaml": HDR +
        "objects:\n  big: {dict: {length: 9223372036854775807, keys: {string: 64}, values: {string: 64}}}\n"
        "  huge: {dataframe: {length: 9223372036854775807, columns: {s: {dtype: string, length: 64}, c: {dtype: category, categories: 1000000}, x: {dtype: float64}}}}\n"
        "functions:\n  f: {params: [part, table], kernel: map_column, column: s, into: s}\n"
        "frames:\n  a: {rows: 1000000000000000000, partitions: 1, columns: {s: {dtype: string, length: 64}, c: {dtype: category, categories: 1000000}}}\n"
        "  b: {rows: 9223372036854775807, partitions: 9223372036854775807, columns: {x: {dtype: int64}}}\n"
        "  c: {rows: 1000000, partitions: 1000000, columns: {x: {dtype: float64}}}\n"
        "  d: {from_pandas: huge, partitions: 3}\n"
        "  e: {rows: 9223372036854775807, partitions: 2, columns: {s: {dtype: string, length: 64}, x: {dtype: uint64}, y: {dtype: \"datetime64[ns]\"}}}\n"
        "steps:\n  s: {map_partitions: f, over: a, args: [big]}\n  t: {map_partitions: f, over: d, args: [big]}\n"
        "outputs:\n  s: persist\n  t: persist\n  b: persist\n  c: compute\n  e: persist\n",
    "frame-zero-negative.yaml": HDR +
        "objects:\n  d0: {dict: {length: 0, keys: {string: 1}, values: {string: 1}}}\n"
        "  dn: {dict: {length: -5, keys: {string: 0}, values: {string: 65, distinct: -1}}}\n"
        "  f0: {dataframe: {length: 0, columns: {x: {dtype: int64}}}}\n  fn: {dataframe: {length: -3, columns: {x: {dtype: int64}}}}\n"
        "functions:\n  f: {params: [part, table], kernel: map_column, column: x, into: y}\n"
        "frames:\n  a: {rows: 0, partitions: 0, columns: {x: {dtype: int64}}}\n  b: {rows: -1, partitions: -1, columns: {x: {dtype: int64}}}\n"
        "  c: {rows: 10, partitions: 6, columns: {s: {dtype: string, length: 0}, t: {dtype: string, length: 65}, k: {dtype: category, categories: 0}, m: {dtype: category, categories: 1000001}}}\n"
        "  d: {rows: 10, partitions: [], columns: {x: {dtype: int64}}}\n  e: {rows: 10, partitions: [0, 10, -1], columns: {x: {dtype: int64}}}\n"
        "  g: {from_pandas: f0, partitions: 1}\n  h: {from_pandas: fn, partitions: 2}\n  i: {from_pandas: d0, partitions: [1]}\n"
        "  j: {rows: 10, partitions: 2, columns: {}}\n  k: {rows: 1, partitions: 1, columns: {x: {dtype: int64, source: {random: {seed: 1, low: 5, high: 5}}}}}\n"
        "steps:\n  s: {map_partitions: f, over: a, args: [d0]}\n  t: {map_partitions: f, over: g, args: [dn]}\n",
    "frame-explicit-overflow.yaml": HDR +
        "frames:\n  a: {rows: 9223372036854775807, partitions: [9223372036854775807, 1], columns: {x: {dtype: int64}}}\n"
        "  b: {rows: 9223372036854775807, partitions: [4611686018427387904, 4611686018427387903], columns: {x: {dtype: float64}, s: {dtype: string, length: 64}}}\n"
        "  c: {rows: 3, partitions: [1, 9223372036854775807, -9223372036854775805], columns: {x: {dtype: int64}}}\n"
        "outputs:\n  a: persist\n  b: persist\n  c: persist\nsteps: {}\n",
    "frame-unknown-columns.yaml": HDR +
        "objects:\n  tab: {dict: {length: 4, keys: {string: 1}, values: {string: 1}}}\n  ser: {series: {range: 9}}\n  w: {ndarray: {shape: [3], dtype: float64}}\n"
        "functions:\n  m: {params: [part, table], kernel: map_column, column: zipp, into: r}\n"
        "  n: {params: [part, table], kernel: map_column, column: s, columns: [s], into: 3}\n"
        "  sc: {params: [part, weights], kernel: score_rows, columns: [s, nope, t, x], into: y}\n"
        "  e: {params: [part, weights], kernel: score_rows, columns: [], into: y}\n  q: {params: [b], kernel: take, column: x, into: y}\n"
        "frames:\n  a: {rows: 4, partitions: 2, columns: {s: {dtype: string, length: 3}, t: {dtype: \"datetime64[ns]\"}, x: {dtype: float32}, s2: {dtype: strnig}}}\n"
        "  b: {rows: 4, partitions: 2, columns: {x: {dtype: int64, length: 3, categories: 2}, y: {dtype: float64, source: {random: {seed: 1, low: a, high: 1}}}}}\n"
        "  l: {load: x.csv}\n"
        "arrays:\n  arr: {shape: [4], chunks: [2]}\n"
        "steps:\n  s1: {map_partitions: m, over: a, args: [tab]}\n  s2: {map_partitions: sc, over: a, args: [w]}\n"
        "  s3: {map_blocks: m, over: [a], args: [tab]}\n  s4: {map_partitions: m, over: arr, args: [tab]}\n"
        "  s5: {map_partitions: n, over: [a, a], args: [ser]}\n  s6: {map_partitions: q, over: a}\n  s7: {merge: a, with: a}\n"
        "  s8: {map_partitions: nope.method, over: s1}\n  s9: {map_partitions: m, over: s9, args: [tab]}\n"
        "  s10: {map_partitions: m, over: missing, args: [w]}\n  s11: {reduce: sum, over: s1}\n"
        "outputs:\n  s1: {save: out.npy}\n  s2: persist\n",
    "frame-version-1-1.yaml": "pipeline: t\nversion: 1.1\nobjects:\n  d: {dict: {length: 4, keys: {string: 1}, values: {string: 1}}}\n"
        "  r: {dataframe: {length: 4, columns: {x: {dtype: int64}}}}\nfunctions:\n  f: {params: [part, table], kernel: map_column, column: x, into: y}\n"
        "frames:\n  a: {rows: 4, partitions: 2, columns: {x: {dtype: int64}}}\nsteps:\n  s: {map_partitions: f, over: a, args: [d]}\n",
    "frame-deep-columns.yaml": HDR + "frames:\n  a:\n    rows: 4\n    partitions: 2\n    columns:\n      x: "
        + "{dtype: " * 60 + "int64" + "}" * 60 + "\n      y: {dtype: [int64], source: " + "[" * 60 + "]" * 60 + "}\n"
        "      z: {dtype: category, categories: {random: {seed: 1}}, source: {random: " + "{random: " * 40 + "1" + "}" * 41 + "}\n"
        "steps: {}\n",
    "frame-merge.yaml": HDR +
        "objects:\n  ref: {dataframe: {length: 5, columns: {k: {dtype: string, length: 2}, v: {dtype: category, categories: 3}, v_x: {dtype: int8}}}}\n"
        "  tab: {dict: {length: 4, keys: {string: 1}, values: {string: 1}}}\n"
        "frames:\n  a: {rows: 10, partitions: [3, 7], columns: {k: {dtype: string, length: 2}, v: {dtype: float64}, n: {dtype: int64}}}\n"
        "  b: {rows: 4, partitions: 4, columns: {n: {dtype: int32}, v: {dtype: bool}}}\n"
        "arrays:\n  arr: {shape: [4], chunks: [2]}\n"
        "steps:\n  s0: {merge: a, with: a, on: k}\n  s1: {merge: s0, with: s0, on: k, how: outer}\n  s2: {merge: s1, with: ref, on: k, how: left}\n"
        "  s3: {merge: a, with: b, on: n, how: right}\n  s4: {merge: a, with: tab, on: k}\n  s5: {merge: a, with: b, on: v}\n"
        "  s6: {merge: arr, with: a, on: k}\n  s7: {merge: a, with: nope, on: zz, how: cross}\n  s8: {merge: s8, with: s3, on: n}\n"
        "  s9: {merge: a, on: k}\n  s10: {merge: s2, with: s3, on: v_x}\n"
        "outputs:\n  s2: persist\n  s3: compute\n",
}
hostile.update(frame_hostile)

targets = ["frontend", "check", "fix"]
for t in targets:
    d = root / "Fuzz/corpus" / t
    # Minimised crashes (`regression-*`) are added by hand and kept.
    d.mkdir(parents=True, exist_ok=True)
    for p in d.iterdir():
        if not p.name.startswith("regression-"):
            p.unlink()
    for p in sorted((root / "samples").glob("*.yaml")):
        shutil.copy(p, d / ("sample-" + p.name))
    for p in sorted((root / "samples/fixed").glob("*.yaml")):
        shutil.copy(p, d / ("fixed-" + p.name))
    for name, content in hostile.items():
        (d / name).write_bytes(content if isinstance(content, bytes) else content.encode())
print("wrote", len(hostile), "hostile files and the samples to each of", ", ".join(targets))

# The extreme target's seeds for the frame samples (Fuzz/extreme.swift, ExtremeNumbers.mutate):
# byte 0 picks the sample (sorted samples/*.yaml), then 3-byte groups replace literal
# (2 bytes, big-endian) by value (1 byte: an index into ExtremeNumbers.values).
samples = sorted(p.name for p in (root / "samples").glob("*.yaml"))
extreme = root / "Fuzz/corpus/extreme"
for p in extreme.glob("frame-*"):
    p.unlink()
values = {"zero": 0, "minus-one": 2, "int64-max": 4, "int64-min": 5, "two-pow-32": 7, "sqrt-int64-max": 13}
for i, name in enumerate(samples):
    if not name.startswith("frame-"):
        continue
    for label, v in values.items():
        for part, first in (("a", 0), ("b", 16)):
            data = bytes([i]) + b"".join(bytes([k >> 8, k & 255, v]) for k in range(first, first + 16))
            (extreme / f"{name[:-5]}-{label}-{part}").write_bytes(data)
print("wrote the extreme seeds of", sum(n.startswith("frame-") for n in samples), "frame samples")
