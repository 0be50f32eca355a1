#!/usr/bin/env python3
"""Writes a platform wheel carrying the pipelint binary, the way ruff and uv ship:
`pip install pipelint-….whl` puts `pipelint` on the environment's PATH (the binary is the
wheel's only script, in `pipelint-VERSION.data/scripts/`), no Swift needed.

    python3 scripts/build_wheel.py BINARY VERSION DIST

The platform tag is manylinux_2_N for the newest glibc symbol version the binary needs
(read with readelf); CI checks it with `auditwheel show`. Standard library only.
"""
import base64
import hashlib
import re
import subprocess
import sys
import zipfile
from pathlib import Path

SUMMARY = "Lint Dask-style chunked pipeline definitions for the graph shapes that make clusters run out of memory."
# Fixed times, so the same binary gives the same wheel.
EPOCH = (2000, 1, 1, 0, 0, 0)


def glibc_tag(binary):
    """manylinux_2_N_<arch> from the newest GLIBC_2.N version the binary references; packed
    relative relocations (GLIBC_ABI_DT_RELR, as the linker writes them by default on newer
    toolchains) need glibc 2.36, as auditwheel counts them."""
    text = subprocess.run(["readelf", "--version-info", "--wide", str(binary)], capture_output=True, text=True, check=True).stdout
    versions = [tuple(int(p) for p in v.split(".")) for v in re.findall(r"GLIBC_([0-9]+\.[0-9]+)", text)]
    if "GLIBC_ABI_DT_RELR" in text:
        versions.append((2, 36))
    if not versions:
        sys.exit(f"{binary}: no GLIBC symbol versions found")
    major, minor = max(versions)
    machine = subprocess.run(["uname", "-m"], capture_output=True, text=True, check=True).stdout.strip()
    return f"manylinux_{major}_{minor}_{machine}"


def record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def add(wheel, name, data, mode=0o644):
    info = zipfile.ZipInfo(name, date_time=EPOCH)
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    wheel.writestr(info, data)


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    binary, version, dist = Path(argv[1]), argv[2], Path(argv[3])
    platform = glibc_tag(binary)
    tag = f"py3-none-{platform}"
    data_dir, info_dir = f"pipelint-{version}.data", f"pipelint-{version}.dist-info"
    readme = Path(__file__).resolve().parent.parent / "README.md"
    files = [
        (f"{data_dir}/scripts/pipelint", binary.read_bytes(), 0o755),
        (f"{info_dir}/METADATA", (
            "Metadata-Version: 2.1\n"
            "Name: pipelint\n"
            f"Version: {version}\n"
            f"Summary: {SUMMARY}\n"
            "Requires-Python: >=3.8\n"
            "Description-Content-Type: text/markdown\n"
            "\n" + readme.read_text(encoding="utf-8")).encode(), 0o644),
        (f"{info_dir}/WHEEL", (
            "Wheel-Version: 1.0\n"
            "Generator: pipelint scripts/build_wheel.py\n"
            "Root-Is-Purelib: false\n"
            f"Tag: {tag}\n").encode(), 0o644),
    ]
    record = [record_line(name, data) for name, data, _ in files] + [f"{info_dir}/RECORD,,"]
    files.append((f"{info_dir}/RECORD", ("\n".join(record) + "\n").encode(), 0o644))
    dist.mkdir(parents=True, exist_ok=True)
    path = dist / f"pipelint-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w") as wheel:
        for name, data, mode in files:
            add(wheel, name, data, mode)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
