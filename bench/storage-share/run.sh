#!/usr/bin/env bash
# Benchmarks storage-share.copy_backups against cp and rsync, side by side, in one run.
#
#   bench/storage-share/run.sh [BUILD_DIR] [--quick]
#   A_REPEAT=5 B_COLD=3 B_WARM=5 (the defaults): rounds of (a), and cold and warm rounds of (b)
#
# (a) 2 GiB in 64 MiB files to an empty destination: drkit vs cp, and vs the two ways cp can
#     end with the data on disk as drkit does: one sync at the end, or each file synced
#     after it is copied (drkit's per-file durability).
# (b) 10,000 files of 1 MiB, 10 of them new: drkit's incremental pass vs rsync -a.
# (c) the cost of checksum verification (xxh3, sha256) as a ratio to no checksum.
# Page caches are dropped before each timed command when allowed (root). Data lives under
# /tmp/drkit-share-bench-* and is deleted on exit. --quick uses 512 MiB and 2,000 files.
set -euo pipefail

BUILD=${1:-build}
QUICK=0
[[ ${2:-} == --quick || ${1:-} == --quick ]] && QUICK=1
[[ ${1:-} == --quick ]] && BUILD=build
BENCH="$BUILD/bin/storage_share_bench"
[[ -x $BENCH ]] || { echo "build storage_share_bench first: cmake --build $BUILD --target storage_share_bench" >&2; exit 2; }
command -v rsync >/dev/null || { echo "rsync is needed for the side-by-side of (b): apt-get install rsync" >&2; exit 2; }

ROOT=$(mktemp -d /tmp/drkit-share-bench-XXXXXX)
trap 'rm -rf "$ROOT"' EXIT

A_FILES=32; B_FILES=10000
if (( QUICK )); then A_FILES=8; B_FILES=2000; fi

drop_caches() { sync; { echo 3 > /proc/sys/vm/drop_caches; } 2>/dev/null || true; }
# warm_seconds COMMAND...: wall time of COMMAND (its output goes to $ROOT/last.out)
warm_seconds() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$ROOT/last.out"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc -l
}
# seconds COMMAND...: the same, caches dropped first
seconds() { drop_caches; warm_seconds "$@"; }
drkit_copy() { "$BENCH" copy "$1"; }
mib_s() { echo "$1 / $2" | bc -l; }
fmt() { printf '%.2f' "$1"; }

echo "storage-share bench  $(date -u +%FT%TZ)  $(nproc) cores  $(findmnt -no FSTYPE -T /tmp) on /tmp  kernel $(uname -r)"
echo

# ---------------------------------------------------------------- (a)
mkdir -p "$ROOT/a-src"
"$BENCH" generate "$ROOT/a-src" "$A_FILES" $((64 << 20))
A_MIB=$((A_FILES * 64))
echo "(a) $A_FILES files x 64 MiB = $A_MIB MiB to an empty destination"
# This VM's disk varies by 2x from one run to the next: each command runs A_REPEAT times
# (default 5), interleaved, and the median is reported.
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
declare -A runs_a
for ((r = 1; r <= ${A_REPEAT:-5}; r++)); do
  mkdir "$ROOT/a-cp"
  runs_a[cp]+=" $(seconds cp --preserve=timestamps "$ROOT"/a-src/*.trn "$ROOT/a-cp/")"
  rm -rf "$ROOT/a-cp"; mkdir "$ROOT/a-cp"
  runs_a[sync]+=" $(seconds bash -c "cp --preserve=timestamps '$ROOT'/a-src/*.trn '$ROOT/a-cp/' && sync")"
  rm -rf "$ROOT/a-cp"; mkdir "$ROOT/a-cp"
  # coreutils' `sync FILE` is fsync(FILE); then the folder, as drkit does after each rename.
  runs_a[each]+=" $(seconds bash -c 'for f in "$1"/a-src/*.trn; do cp --preserve=timestamps "$f" "$1/a-cp/" && sync "$1/a-cp/${f##*/}" "$1/a-cp"; done' _ "$ROOT")"
  rm -rf "$ROOT/a-cp"
  for p in ${A_PARALLEL:-1 4}; do
    mkdir "$ROOT/a-drkit"
    runs_a[$p]+=" $(seconds drkit_copy "{\"source\":\"$ROOT/a-src\",\"destination\":\"$ROOT/a-drkit\",\"parallel\":$p}")"
    rm -rf "$ROOT/a-drkit"
  done
done
# shellcheck disable=SC2086
t_cp=$(median ${runs_a[cp]}); t_cp_sync=$(median ${runs_a[sync]})
echo "    medians of ${A_REPEAT:-5} interleaved runs; the last column compares with cp && sync, which like drkit ends with the data on disk"
row() {  # row LABEL SECONDS
  printf '    %-34s %8s s  %8s MiB/s  %6s x cp  %6s x cp+sync\n' "$1" "$(fmt "$2")" "$(fmt "$(mib_s $A_MIB "$2")")" \
    "$(fmt "$(echo "$t_cp / $2" | bc -l)")" "$(fmt "$(echo "$t_cp_sync / $2" | bc -l)")"
}
row "cp --preserve=timestamps" "$t_cp"
row "cp ... && sync" "$t_cp_sync"
# shellcheck disable=SC2086
row "cp each file && sync it and the folder" "$(median ${runs_a[each]})"
for p in ${A_PARALLEL:-1 4}; do
  # shellcheck disable=SC2086
  row "drkit copy_backups parallel=$p" "$(median ${runs_a[$p]})"
done
echo "    all runs (s): cp${runs_a[cp]}; cp+sync${runs_a[sync]}; cp+sync each${runs_a[each]}$(for p in ${A_PARALLEL:-1 4}; do printf '; drkit p%s%s' "$p" "${runs_a[$p]}"; done)"
echo "    (drkit fsyncs each file and its folder before renaming; cp leaves the data in the page cache)"
echo

# ---------------------------------------------------------------- (c) uses the (a) data
echo "(c) checksum verification cost on the same $A_MIB MiB (parallel 4; copy + read-back from disk)"
declare -A t_c
for c in none xxh3 sha256; do
  mkdir "$ROOT/c-drkit"
  t_c[$c]=$(seconds drkit_copy "{\"source\":\"$ROOT/a-src\",\"destination\":\"$ROOT/c-drkit\",\"checksum\":\"$c\"}")
  rm -rf "$ROOT/c-drkit"
done
for c in none xxh3 sha256; do
  printf '    %-34s %8s s  %8s MiB/s  %6s x the time without\n' "checksum=$c" "$(fmt "${t_c[$c]}")" \
    "$(fmt "$(mib_s $A_MIB "${t_c[$c]}")")" "$(fmt "$(echo "${t_c[$c]} / ${t_c[none]}" | bc -l)")"
done
rm -rf "$ROOT/a-src"
echo

# ---------------------------------------------------------------- (b)
echo "(b) incremental pass: $B_FILES files of 1 MiB already copied, 10 new"
mkdir -p "$ROOT/b-src"
"$BENCH" generate "$ROOT/b-src" "$B_FILES" $((1 << 20))
# The "already copied" trees: hard links of the source (same size and mtime as a real copy,
# which is all either tool compares), so the bench does not need 3x the disk.
cp -al "$ROOT/b-src" "$ROOT/b-rsync"
cp -al "$ROOT/b-src" "$ROOT/b-drkit"
# B_COLD rounds (default 3) with the page cache dropped before each command, as for a copy
# that has not run for a while; then B_WARM rounds (default 5) without, as when the copy runs
# every few minutes. Each round adds 10 new files; the figures are medians.
declare -A runs_b
rounds=()
for ((r = 1; r <= ${B_COLD:-3}; r++)); do rounds+=("cold-$r"); done
for ((r = 1; r <= ${B_WARM:-5}; r++)); do rounds+=("warm-$r"); done
for round in "${rounds[@]}"; do
  "$BENCH" generate "$ROOT/b-src" 10 $((1 << 20)) "new-$round-"
  kind=${round%-*}
  timer=seconds; [[ $kind == warm ]] && timer=warm_seconds
  runs_b[$kind-rsync]+=" $($timer rsync -a "$ROOT/b-src/" "$ROOT/b-rsync/")"
  runs_b[$kind-drkit]+=" $($timer drkit_copy "{\"source\":\"$ROOT/b-src\",\"destination\":\"$ROOT/b-drkit\"}")"
  copied=$(grep -o '"copied":[0-9]*' "$ROOT/last.out" | cut -d: -f2)
  [[ $copied == 10 ]] || echo "    round $round: drkit copied $copied files, not 10"
done
for kind in cold warm; do
  n=${B_COLD:-3}; [[ $kind == warm ]] && n=${B_WARM:-5}
  (( n > 0 )) || continue
  # shellcheck disable=SC2086
  t_rsync=$(median ${runs_b[$kind-rsync]}); t_drkit=$(median ${runs_b[$kind-drkit]})
  printf '    %-5s %-28s %8s s\n' $kind "rsync -a" "$(fmt "$t_rsync")"
  printf '    %-5s %-28s %8s s  rsync/drkit %5s  (medians of %s rounds of 10 new)\n' $kind "drkit copy_backups" \
    "$(fmt "$t_drkit")" "$(fmt "$(echo "$t_rsync / $t_drkit" | bc -l)")" "$n"
  echo "          runs (s): rsync${runs_b[$kind-rsync]}; drkit${runs_b[$kind-drkit]}"
done
n_rsync=$(find "$ROOT/b-rsync" -type f | wc -l); n_drkit=$(find "$ROOT/b-drkit" -type f | wc -l)
echo "    files at the destinations: rsync $n_rsync, drkit $n_drkit (expected $((B_FILES + 10 * (${B_COLD:-3} + ${B_WARM:-5}))))"
