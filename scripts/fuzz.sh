#!/usr/bin/env bash
# Fuzz one target with libFuzzer + AddressSanitizer.
#
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
#   scripts/fuzz.sh frontend 30
#   scripts/fuzz.sh fix 600 -jobs=1 -print_final_stats=1
#   scripts/fuzz.sh check 0 .build-fuzz/artifacts/check/crash-…   # replay one input
#
# Targets (Fuzz/<target>.swift, each linked with Fuzz/Support.swift):
#   frontend  LoadedPipeline.load: YAML parser, lowering, graph builder
#   check     Linter(rules: makeAllRules()).lint + the text reporter
#   fix       FixEngine: output parses, is idempotent, bytes outside edits unchanged
#   extreme   the samples with integers replaced by extreme values (structure-aware):
#             check with every rule, the fix engine and the Dask export must not trap
#   lsp       the language server's MessageFramer and Message.decode: any split, bounded, round trips
#
# Why not SwiftPM: `swift build -Xswiftc -sanitize=fuzzer` links a binary whose
# `main` is SwiftPM's, so libFuzzer never runs. Here each module is compiled
# with swiftc (instrumented for coverage and ASan), and the target is linked
# with libFuzzer's own main. Module objects are shared by the targets and
# cached under .build-fuzz/ by a hash of the sources and this script.
#
# The seed corpus Fuzz/corpus/<target>/ is read-only; inputs libFuzzer finds
# go to .build-fuzz/corpus/<target>/, crashes to .build-fuzz/artifacts/<target>/.
# A crash makes this script fail (exit status of libFuzzer), so CI fails.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

usage() { echo "usage: scripts/fuzz.sh frontend|check|fix|extreme|lsp SECONDS [libFuzzer flags...]" >&2; exit 2; }
[ $# -ge 2 ] || usage
TARGET="$1"; SECS="$2"; shift 2
case "$TARGET" in frontend|check|fix|extreme|lsp) ;; *) usage ;; esac
[[ "$SECS" =~ ^[0-9]+$ ]] || usage

# Modules in dependency order; every target links all of them (the linker drops what is unused).
MODULES=(PipelineIR Export FileAccess Sizing PipelineYAML Analysis Lint Rules Optimizer HostileInputs JSONRPC)
OUT=.build-fuzz
FLAGS=(-O -gline-tables-only -sanitize=fuzzer,address -parse-as-library -swift-version 6
       -package-name pipelint -I Sources/CYAML -I "$OUT/modules")

hash_of() { cat "$@" | sha256sum | cut -c1-16; }
SRC_HASH=$(hash_of "$0" $(for m in "${MODULES[@]}"; do find "Sources/$m" -name '*.swift' | sort; done) Sources/CYAML/*)
MOD_DIR="$OUT/modules"
if [ "$(cat "$MOD_DIR/.hash" 2>/dev/null)" != "$SRC_HASH" ]; then
  echo "fuzz: compiling ${MODULES[*]} with -sanitize=fuzzer,address" >&2
  rm -rf "$MOD_DIR"; mkdir -p "$MOD_DIR"
  for m in "${MODULES[@]}"; do
    mapfile -t files < <(find "Sources/$m" -name '*.swift' | sort)
    swiftc "${FLAGS[@]}" -module-name "$m" -wmo -emit-module -emit-module-path "$MOD_DIR/$m.swiftmodule" \
      -c "${files[@]}" -o "$MOD_DIR/$m.o"
  done
  echo "$SRC_HASH" > "$MOD_DIR/.hash"
fi

BIN="$OUT/$TARGET-$(hash_of "$MOD_DIR/.hash" "Fuzz/$TARGET.swift" Fuzz/Support.swift)"
if [ ! -x "$BIN" ]; then
  echo "fuzz: linking $BIN" >&2
  rm -f "$OUT/$TARGET"-*
  objs=(); for m in "${MODULES[@]}"; do objs+=("$MOD_DIR/$m.o"); done
  swiftc "${FLAGS[@]}" -module-name "Fuzz_$TARGET" "Fuzz/$TARGET.swift" Fuzz/Support.swift "${objs[@]}" -lyaml -o "$BIN"
fi

WORK="$OUT/corpus/$TARGET"
ARTIFACTS="$OUT/artifacts/$TARGET"
mkdir -p "$WORK" "$ARTIFACTS"

# A file argument replays inputs instead of fuzzing.
for a in "$@"; do
  if [ -f "$a" ]; then exec env SWIFT_BACKTRACE=enable=no "$BIN" "$@"; fi
done

# Limits: an input that takes over 10 s is a hang, over 2 GB of memory (or one
# allocation that size) an out-of-memory bug; the longest input covers the
# 20,000-deep nesting seeds.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:handle_abort=1:allocator_may_return_null=0}"
"$BIN" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -dict=Fuzz/yaml.dict -artifact_prefix="$ARTIFACTS/" -print_final_stats=1 \
  "$@" "$WORK" "Fuzz/corpus/$TARGET"
