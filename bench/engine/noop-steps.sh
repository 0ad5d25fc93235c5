#!/usr/bin/env bash
# Per-step overhead of the durable engine: a pipeline of N no-op steps (core.sleep 0s) run by
# the real drkit binary, journal in SQLite with WAL and synchronous=FULL.
#
# Per-step overhead = the time from one step's start to the next step's start, as the journal
# records them (`drkit report --format json`, millisecond stamps): everything drkit does for a
# step (journal commits, events, watchdog, console) since the step itself does nothing.
# The median of those N-1 gaps is the figure; the mean is the whole run divided by N.
#
# Durable: state dir on the disk (where fdatasync waits for the device).
# No-fsync: the same run with the state dir on tmpfs (/dev/shm), where fdatasync returns at
# once, so the difference is what durability costs on this disk.
#
# Then, side by side: 100 no-op drkit steps against a 100-task no-op Ansible playbook on
# localhost, when ansible-playbook is installed (apt-get install ansible-core).
#
# Usage: bench/engine/noop-steps.sh [BUILD_DIR] [N]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
n="${2:-1000}"
drkit="$build/bin/drkit"
tmp="$(mktemp -d)"
shm="$(mktemp -d /dev/shm/drkit-bench.XXXXXX)"
trap 'rm -rf "$tmp" "$shm"' EXIT

manifest() {  # manifest FILE COUNT
  { echo '{"drkit": 1, "pipelines": {"noop": {"steps": ['
    for i in $(seq 1 "$2"); do sep=","; [ "$i" = "$2" ] && sep=""
      echo "{\"id\": \"s$i\", \"uses\": \"core.sleep\", \"with\": {\"duration\": \"0s\"}}$sep"; done
    echo ']}}}'; } > "$1"
}
manifest "$tmp/n.json" "$n"
manifest "$tmp/100.json" 100

# per_step STATE_DIR LABEL: runs the N-step pipeline and prints its per-step figures.
per_step() {
  local state="$1" label="$2" id
  "$drkit" run noop -m "$tmp/n.json" --state-dir "$state" >/dev/null 2>&1
  id=$("$drkit" runs --state-dir "$state" --output json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
  "$drkit" report "$id" --state-dir "$state" --format json | python3 -c "
import json, sys, statistics
from datetime import datetime
d = json.load(sys.stdin)
t = lambda s: datetime.fromisoformat(s.replace('Z', '+00:00')).timestamp() * 1000
starts = [t(a['started_at']) for a in d['attempts'] if a['kind'] == 'step']
gaps = [b - a for a, b in zip(starts, starts[1:])]
steps = len(starts)
print(f'$label: {steps} no-op steps, per-step overhead median {statistics.median(gaps):.2f} ms, '
      f'p90 {sorted(gaps)[int(len(gaps) * 0.9)]:.2f} ms, mean {(starts[-1] - starts[0]) / (steps - 1):.2f} ms; '
      f'whole run {d[\"run\"][\"duration_ms\"] / 1000:.2f} s')
"
}
echo "machine load: $(cut -d' ' -f1-3 /proc/loadavg)"
per_step "$tmp/state" "durable (synchronous=FULL, $(df --output=fstype "$tmp" | tail -1 | tr -d ' '))"
per_step "$shm/state" "no fsync (same run, state dir on tmpfs)"

t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
d100=$(t "$drkit" run noop -m "$tmp/100.json" --state-dir "$tmp/s100")
printf 'drkit: 100 no-op steps, whole command: %.2f s\n' "$d100"
if command -v ansible-playbook >/dev/null; then
  { echo '- hosts: localhost'; echo '  connection: local'; echo '  gather_facts: false'; echo '  tasks:'
    for i in $(seq 1 100); do echo "    - name: t$i"; echo '      ansible.builtin.meta: noop'; done; } > "$tmp/play.yml"
  a100=$(t ansible-playbook -i localhost, "$tmp/play.yml")
  printf 'ansible-playbook: 100 no-op tasks, whole command: %.2f s; ratio ansible/drkit = %.1fx\n' "$a100" "$(echo "$a100 / $d100" | bc -l)"
else
  echo "ansible-playbook not installed: apt-get install ansible-core for the side-by-side figure"
fi
