#!/usr/bin/env bash
# Writes dist/pipelint-VERSION-py3-none-manylinux_2_N_ARCH.whl from the release binary
# (dist/pipelint, made by scripts/build-release.sh): `pip install` of the wheel puts `pipelint`
# on the environment's PATH. The version is pipelintVersion in Sources/Lint/Reporters/Reporter.swift.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -x dist/pipelint ] || { echo "build-wheel: no dist/pipelint; run scripts/build-release.sh first" >&2; exit 1; }
version=$(sed -n 's/^public let pipelintVersion = "\(.*\)"$/\1/p' Sources/Lint/Reporters/Reporter.swift)
reported=$(dist/pipelint --version)
[ "$reported" = "$version" ] || { echo "build-wheel: dist/pipelint is version $reported, the source says $version: rebuild it" >&2; exit 1; }
rm -f dist/pipelint-*.whl
python3 scripts/build_wheel.py dist/pipelint "$version" dist
