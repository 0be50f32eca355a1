#!/usr/bin/env python3
"""Writes the committed seed corpus Fuzz/corpus/{frontend,check,fix}/: the
samples, their fixed forms, and small hostile files (each a few KB at most;
the large cases live in Tests/HostileInputTests, generated at run time).
Re-run after adding a sample: python3 Fuzz/make-corpus.py"""
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

targets = ["frontend", "check", "fix"]
for t in targets:
    d = root / "Fuzz/corpus" / t
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    for p in sorted((root / "samples").glob("*.yaml")):
        shutil.copy(p, d / ("sample-" + p.name))
    for p in sorted((root / "samples/fixed").glob("*.yaml")):
        shutil.copy(p, d / ("fixed-" + p.name))
    for name, content in hostile.items():
        (d / name).write_bytes(content if isinstance(content, bytes) else content.encode())
print("wrote", len(hostile), "hostile files and the samples to each of", ", ".join(targets))
