#!/usr/bin/env bash
# Builds the manifest fuzzer with clang (libFuzzer + ASan + UBSan) in its own build dir and
# runs it for a while on a seed corpus: the examples' manifests plus tests/fuzz/corpus.
#
#   tests/fuzz/smoke.sh                 # 60 s
#   DRKIT_FUZZ_SECONDS=600 tests/fuzz/smoke.sh
#
# Environment: DRKIT_FUZZ_SECONDS (default 60), DRKIT_FUZZ_BUILD_DIR (default build-fuzz),
# DRKIT_FUZZ_JOBS (build parallelism, default 2). Exits non-zero on a crash, leak, UB, or a
# diagnostic without a position; the reproducer is left in the build dir (crash-*, leak-*).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${DRKIT_FUZZ_BUILD_DIR:-$root/build-fuzz}
seconds=${DRKIT_FUZZ_SECONDS:-60}
jobs=${DRKIT_FUZZ_JOBS:-2}

for tool in clang clang++ cmake ninja; do
  command -v "$tool" >/dev/null || { echo "smoke.sh: $tool is not installed (scripts/install-deps)" >&2; exit 2; }
done

# Until the top-level build adds tests/fuzz itself, a project include reads tests/fuzz's
# CMakeLists.txt at the end of the top-level one (unless the target exists by then).
hook=$build/add-fuzz-folder.cmake
mkdir -p "$build"
cat >"$hook" <<CMAKE
macro(_drkit_add_fuzz_folder)
  if(NOT TARGET manifest_fuzzer)
    include("$root/tests/fuzz/CMakeLists.txt")
  endif()
endmacro()
cmake_language(DEFER DIRECTORY "$root" CALL _drkit_add_fuzz_folder)
CMAKE

start=$(date +%s)
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDRKIT_FUZZ=ON -DDRKIT_SANITIZE=ON -DDRKIT_WERROR=OFF -DDRKIT_PARTS=fuzz \
  -DCMAKE_PROJECT_drkit_INCLUDE="$hook" >"$build/configure.log" ||
  { cat "$build/configure.log" >&2; exit 1; }
cmake --build "$build" -j"$jobs" --target manifest_fuzzer drkit-plugin-core
built=$(date +%s)

corpus=$build/corpus
mkdir -p "$corpus"
find "$root/examples" -name '*.json' -exec cp {} "$corpus/" \;
cp "$root"/tests/fuzz/corpus/*.json "$corpus/"

cd "$build"
# Leaks are checked per input: a manifest layer that leaks would leak in every validate.
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$build/bin/manifest_fuzzer" -max_total_time="$seconds" -max_len=16384 -timeout=10 \
  -rss_limit_mb=2048 -dict="$root/tests/fuzz/manifest.dict" -print_final_stats=1 "$corpus"
done_at=$(date +%s)
echo "smoke.sh: build $((built - start)) s, fuzzing $((done_at - built)) s, corpus $(ls "$corpus" | wc -l) inputs"
