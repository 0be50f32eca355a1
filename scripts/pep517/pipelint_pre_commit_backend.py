"""A PEP 517 build backend with no dependencies, for the repository root's pyproject.toml.

It builds `pipelint-pre-commit`, an empty package whose one dependency is `pipelint==VERSION`
(the wheel carrying the binary, scripts/build-wheel.sh), VERSION being pipelintVersion in
Sources/Lint/Reporters/Reporter.swift. pre-commit's `language: python` hooks install it with
`pip install .`, so they run the released binary and need no Swift toolchain.
"""
import base64
import hashlib
import io
import re
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
NAME = "pipelint_pre_commit"
EPOCH = (2000, 1, 1, 0, 0, 0)


def _version():
    text = (ROOT / "Sources/Lint/Reporters/Reporter.swift").read_text(encoding="utf-8")
    match = re.search(r'^public let pipelintVersion = "([^"]+)"$', text, re.M)
    if not match:
        raise RuntimeError("no pipelintVersion in Sources/Lint/Reporters/Reporter.swift")
    return match.group(1)


def _metadata(version):
    return (
        "Metadata-Version: 2.1\n"
        "Name: pipelint-pre-commit\n"
        f"Version: {version}\n"
        "Summary: pre-commit hooks for pipelint: installs the pipelint wheel of the same version.\n"
        "Requires-Python: >=3.8\n"
        f"Requires-Dist: pipelint=={version}\n"
    )


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _version()
    info = f"{NAME}-{version}.dist-info"
    files = [
        (f"{info}/METADATA", _metadata(version).encode()),
        (f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: pipelint_pre_commit_backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
    ]
    record = [_record_line(n, d) for n, d in files] + [f"{info}/RECORD,,"]
    files.append((f"{info}/RECORD", ("\n".join(record) + "\n").encode()))
    name = f"{NAME}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(Path(wheel_directory) / name, "w", zipfile.ZIP_DEFLATED) as wheel:
        for n, d in files:
            wheel.writestr(zipfile.ZipInfo(n, date_time=EPOCH), d)
    return name


def build_sdist(sdist_directory, config_settings=None):
    version = _version()
    base = f"{NAME}-{version}"
    name = f"{base}.tar.gz"
    members = {
        "PKG-INFO": _metadata(version).encode(),
        "pyproject.toml": (ROOT / "pyproject.toml").read_bytes(),
        "scripts/pep517/pipelint_pre_commit_backend.py": Path(__file__).read_bytes(),
        "Sources/Lint/Reporters/Reporter.swift": (ROOT / "Sources/Lint/Reporters/Reporter.swift").read_bytes(),
    }
    with tarfile.open(Path(sdist_directory) / name, "w:gz") as sdist:
        for path, data in members.items():
            member = tarfile.TarInfo(f"{base}/{path}")
            member.size = len(data)
            sdist.addfile(member, io.BytesIO(data))
    return name
