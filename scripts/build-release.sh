#!/usr/bin/env bash
# Builds the self-contained release binary and its archive:
#
#   scripts/build-release.sh            # -> dist/pipelint-VERSION-x86_64-linux.tar.gz (+ .sha256)
#   scripts/build-release.sh --check    # also check the binary's dynamic section (scripts/check-binary.sh)
#
# The Swift standard library and Foundation are linked statically (--static-swift-stdlib), and so
# are libstdc++ and libgcc (Foundation's ICU is C++) and libyaml (Debian's libyaml.a): the binary
# needs only glibc's libraries and has no RUNPATH, so it runs without the Swift toolchain or
# libyaml installed. The version is pipelintVersion in Sources/Lint/Reporters/Reporter.swift, the
# one place it is written; the script checks `pipelint --version` prints it.
#
# The build lives in .build-release/ (not .build/, so debug builds are left alone); the binary is
# also copied to dist/pipelint for the other packaging scripts (build-wheel.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version=$(sed -n 's/^public let pipelintVersion = "\(.*\)"$/\1/p' Sources/Lint/Reporters/Reporter.swift)
[ -n "$version" ] || { echo "build-release: no pipelintVersion in Sources/Lint/Reporters/Reporter.swift" >&2; exit 1; }
arch=$(uname -m)
scratch=.build-release

# Static archives the link must take instead of the shared libraries: a folder holding only
# libyaml.a and libstdc++.a, named first on the link line by a yaml-0.1.pc that points there
# (SwiftPM puts pkg-config's -L before everything else, so `-lyaml` and the static stdlib's own
# `-lstdc++` resolve to these archives).
static="$PWD/$scratch/static-libs"
libyaml_a=$(find /usr/lib /usr/local/lib -name libyaml.a -print -quit 2>/dev/null || true)
libstdcxx_a=$(g++ -print-file-name=libstdc++.a 2>/dev/null || true)
[ -n "$libyaml_a" ] || { echo "build-release: libyaml.a not found (apt-get install libyaml-dev)" >&2; exit 1; }
[ -f "$libstdcxx_a" ] || { echo "build-release: libstdc++.a not found (apt-get install g++)" >&2; exit 1; }
mkdir -p "$static/pkgconfig"
ln -sf "$libyaml_a" "$static/libyaml.a"
ln -sf "$(realpath "$libstdcxx_a")" "$static/libstdc++.a"
cat > "$static/pkgconfig/yaml-0.1.pc" <<PC
includedir=/usr/include
libdir=$static

Name: LibYAML
Description: libyaml, linked statically into the release binary
Version: 0.2.5
Cflags: -I\${includedir}
Libs: -L\${libdir} -lyaml
PC

# Start-up: a position-independent binary this size carries ~80,000 relative relocations, which
# the loader used to apply one by one on every run (~1.5 ms of a 3 ms `--version`). lld packs them
# (DT_RELR, glibc 2.36, the floor we support anyway), keeping address randomization.
link_flags=()
if command -v ld.lld >/dev/null 2>&1 || [ -x "$(dirname "$(command -v swift)")/ld.lld" ]; then
  link_flags=(-Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs)
fi

PKG_CONFIG_PATH="$static/pkgconfig" swift build -c release --product pipelint --scratch-path "$scratch" \
  --static-swift-stdlib --disable-local-rpath \
  -Xswiftc -Xclang-linker -Xswiftc -static-libgcc "${link_flags[@]}"

binary="$scratch/release/pipelint"
reported=$("$binary" --version)
if [ "$reported" != "$version" ]; then
  echo "build-release: the binary reports version '$reported', the source says '$version'" >&2
  exit 1
fi
strip -o dist.pipelint.tmp "$binary" 2>/dev/null || cp "$binary" dist.pipelint.tmp

mkdir -p dist
mv dist.pipelint.tmp dist/pipelint
chmod 755 dist/pipelint
name="pipelint-$version-$arch-linux"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp dist/pipelint "$stage/$name/pipelint"
cp README.md CHANGELOG.md "$stage/$name/"
# Reproducible archive: fixed owner, order and times.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2000-01-01 00:00Z' \
  -C "$stage" -czf "dist/$name.tar.gz" "$name"
(cd dist && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
if [ "${1:-}" = "--check" ]; then
  bash scripts/check-binary.sh dist/pipelint
fi
echo "build-release: dist/$name.tar.gz ($(du -h dist/pipelint | cut -f1) binary)"
