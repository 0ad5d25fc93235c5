#!/usr/bin/env bash
# Lab failover with N pending log backups (default 500): total wall time of
# `drkit run failover` and drkit's own overhead in it.
#
#   bench/persistent-chat/run.sh BUILD_DIR [N] [--keep]
#
# Brings up a private `drkit lab` (own folder, free ports), stops the backup site's copy and
# restore jobs, has the primary's log-shipping backup job ship N log backups to the share,
# fails the primary site, runs the example manifest's failover and prints the figures.
# failover_bench.py does the work; its header defines the overhead precisely.
# Use a RelWithDebInfo build for figures (a Debug build measures the debug build).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[[ $# -ge 1 ]] || { echo "usage: $0 BUILD_DIR [N=500] [--keep]" >&2; exit 2; }
exec python3 "$here/failover_bench.py" "$@"
