"""Writes edges.csv for crosscheck/frames/frame-csv-edges.yaml: CRLF line ends, quoted fields with
commas and doubled quotes, pandas' missing-value strings, floats in the spellings pandas reads,
categories outside c0..c9, a blank line, and a last line without a line end. Deterministic."""
import os
import random

random.seed(2026)
names = ["plain", "Smith, J", 'say "hi"', "NA", "", "null", "x y", "é"]
floats = lambda: random.choice([repr(random.uniform(-1e6, 1e6)), "%.3e" % random.uniform(-1, 1), "1.", ".5", "", "nan", "1e5", " 2.25 "])
rows = []
for i in range(2500):
    name = random.choice(names)
    quoted = '"' + name.replace('"', '""') + '"' if ("," in name or '"' in name) else name
    rows.append(",".join([str(random.randint(-2**31, 2**31 - 1)), quoted, floats(), repr(random.uniform(-1e8, 1e8)),
                          "c%d" % random.randint(0, 11), random.choice(["True", "False", "true", "FALSE"]), str(random.randint(-5, 5))]))
    if i == 1200:
        rows.append("")
text = "id,name,amount,weight,region,flag,extra\r\n" + "\r\n".join(rows)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "edges.csv"), "w", newline="", encoding="utf-8") as fh:
    fh.write(text)
