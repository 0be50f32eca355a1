#!/usr/bin/env bash
# Runs the release binary in a minimal Debian root (debootstrap --variant=minbase, entered with
# chroot): no Swift toolchain, no libyaml, no build folder, so a library the binary still needs
# from them makes it fail here. Needs root and Debian's mirror.
#
#   scripts/test-release-chroot.sh [BINARY]     # default dist/pipelint
#
# In the root it checks `--version`, `check` on every sample against samples/expected/*.out
# (output and exit status, as the golden tests do), `export --to dask` and `run` on the seed.
# The root is made once and kept in .build-chroot/ (git-ignored).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
binary=${1:-dist/pipelint}
root=$PWD/.build-chroot/bookworm
suite=bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if ! [ -f "$root/.pipelint-root-ready" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  rm -rf "$root"
  mkdir -p "$root"
  debootstrap --variant=minbase "$suite" "$root" "$mirror" > "$root.log" 2>&1 || { tail -20 "$root.log" >&2; exit 1; }
  touch "$root/.pipelint-root-ready"
fi
# The root must really lack what the build had. minbase has libstdc++ and libgcc_s (for apt):
# removed, since the binary must not need them (the root's own tools used here do not).
rm -f "$root"/usr/lib/x86_64-linux-gnu/libstdc++.so.6* "$root"/usr/lib/x86_64-linux-gnu/libgcc_s.so.1
for absent in /opt/swift /usr/bin/swift /usr/lib/x86_64-linux-gnu/libyaml-0.so.2 /usr/lib/x86_64-linux-gnu/libstdc++.so.6 \
  /usr/lib/x86_64-linux-gnu/libgcc_s.so.1 /work/.build /work/.build-release; do
  if [ -e "$root$absent" ]; then echo "test-release-chroot: $absent exists in the root" >&2; exit 1; fi
done

work=$root/work
rm -rf "$work"
mkdir -p "$work/bin"
cp "$binary" "$work/bin/pipelint"
cp -r samples "$work/samples"
mount -t proc proc "$root/proc"
trap 'umount "$root/proc"' EXIT
in_root() { chroot "$root" /usr/bin/env -i PATH=/work/bin:/usr/bin:/bin HOME=/work NO_COLOR=1 "$@"; }

failures=0
version=$(in_root pipelint --version)
echo "test-release-chroot: pipelint --version: $version"
for sample in samples/*.yaml; do
  name=$(basename "$sample" .yaml)
  status=0
  out=$(cd "$work" && in_root sh -c "cd /work && pipelint check samples/$name.yaml") || status=$?
  if [ "$out"$'\n'"exit status: $status" != "$(cat "samples/expected/$name.out")" ]; then
    echo "test-release-chroot: check samples/$name.yaml differs from samples/expected/$name.out" >&2
    failures=$((failures + 1))
  fi
done
in_root sh -c 'cd /work && pipelint export --to dask samples/seed-argument.yaml -o /work/seed.py' \
  || { echo "test-release-chroot: export failed" >&2; failures=$((failures + 1)); }
grep -q '^from pipelint_runtime import' "$work/seed.py" || { echo "test-release-chroot: export wrote no program" >&2; failures=$((failures + 1)); }
in_root sh -c 'cd /work && pipelint run --quiet samples/seed-argument.yaml -o /work/out' \
  || { echo "test-release-chroot: run failed" >&2; failures=$((failures + 1)); }
[ -f "$work/out/results.json" ] || { echo "test-release-chroot: run wrote no results.json" >&2; failures=$((failures + 1)); }
if [ "$failures" -ne 0 ]; then exit 1; fi
echo "test-release-chroot: $(ls samples/*.yaml | wc -l) samples checked, export and run passed without the toolchain or libyaml"
