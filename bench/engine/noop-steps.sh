#!/usr/bin/env bash
# Per-step overhead of the durable engine: a pipeline of N no-op steps (core.sleep 0s),
# journal with synchronous=FULL. Compares with a no-op Ansible playbook of 100 tasks when
# ansible-playbook is installed (apt-get install ansible-core).
# Usage: bench/engine/noop-steps.sh [BUILD_DIR] [N]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
n="${2:-1000}"
drkit="$build/bin/drkit"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

manifest() {  # manifest FILE COUNT
  { echo '{"drkit": 1, "pipelines": {"noop": {"steps": ['
    for i in $(seq 1 "$2"); do sep=","; [ "$i" = "$2" ] && sep=""
      echo "{\"id\": \"s$i\", \"uses\": \"core.sleep\", \"with\": {\"duration\": \"0s\"}}$sep"; done
    echo ']}}}'; } > "$1"
}
manifest "$tmp/one.json" 1
manifest "$tmp/n.json" "$n"
manifest "$tmp/100.json" 100

t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
base=$(t "$drkit" run noop -m "$tmp/one.json" --state-dir "$tmp/s1")
full=$(t "$drkit" run noop -m "$tmp/n.json" --state-dir "$tmp/s2")
per=$(echo "($full - $base) / ($n - 1) * 1000" | bc -l)
printf 'drkit: %d no-op steps in %.2f s (1 step: %.3f s): %.2f ms per step (journal synchronous=FULL)\n' "$n" "$full" "$base" "$per"

d100=$(t "$drkit" run noop -m "$tmp/100.json" --state-dir "$tmp/s3")
printf 'drkit: 100 no-op steps: %.2f s\n' "$d100"
if command -v ansible-playbook >/dev/null; then
  { echo '- hosts: localhost'; echo '  connection: local'; echo '  gather_facts: false'; echo '  tasks:'
    for i in $(seq 1 100); do echo "    - name: t$i"; echo '      ansible.builtin.meta: noop'; done; } > "$tmp/play.yml"
  a100=$(t ansible-playbook -i localhost, "$tmp/play.yml")
  printf 'ansible-playbook: 100 no-op tasks: %.2f s; ratio ansible/drkit = %.1fx\n' "$a100" "$(echo "$a100 / $d100" | bc -l)"
else
  echo "ansible-playbook not installed: apt-get install ansible-core for the side-by-side figure"
fi
