#!/usr/bin/env bash
# Checks a release binary's dynamic section (readelf -d): every NEEDED library is on the
# allowlist below — glibc's own libraries, present on every Linux with glibc — and there is no
# RPATH or RUNPATH (which could make a library resolve from a build or toolchain folder).
#
#   scripts/check-binary.sh [BINARY]      # default dist/pipelint
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
binary=${1:-dist/pipelint}
allowed=(libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 librt.so.1 libutil.so.1 ld-linux-x86-64.so.2 ld-linux-aarch64.so.1)
dynamic=$(readelf -d "$binary")
status=0
if grep -qE '\((RPATH|RUNPATH)\)' <<<"$dynamic"; then
  echo "check-binary: $binary has a search path: $(grep -E '\((RPATH|RUNPATH)\)' <<<"$dynamic")" >&2
  status=1
fi
needed=$(sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' <<<"$dynamic")
for lib in $needed; do
  if ! printf '%s\n' "${allowed[@]}" | grep -qxF "$lib"; then
    echo "check-binary: $binary needs $lib, which is not on the allowlist" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "check-binary: $binary needs only $(echo $needed | tr ' ' ','); no RPATH/RUNPATH"
exit "$status"
