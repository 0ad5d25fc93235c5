#!/usr/bin/env bash
# Median wall time of `drkit validate` on a 200-step manifest whose components come from 4
# plugins (core, sqlserver, storage-share, skype-cs: steps, verify probes, resources), then
# the same manifest plus a notify.teams notifier (5 plugins), and the breakdown: process
# start (`drkit --version`) and loading every plugin on the path (`drkit plugins list`).
# drkit opens only the plugins a manifest names (docs/architecture.md, "Plugins").
# Usage: bench/cli/validate-200.sh [BUILD_DIR]   (needs hyperfine: apt-get install hyperfine)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
drkit="$build/bin/drkit"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

manifest() {  # manifest FILE WITH_NOTIFY
  echo '{"drkit": 1, "vars": {"dir": "/tmp", "db": "mgc"},'
  echo ' "resources": {'
  echo '  "sql": {"type": "sqlserver.instance", "with": {"connection": "Driver=FreeTDS;Server=127.0.0.1;Port=1433", "user": "drkit", "password": "${secret:env:DRKIT_BENCH_PASSWORD}"}},'
  echo '  "share": {"type": "storage-share.folder", "with": {"path": "${var.dir}"}},'
  echo '  "cs": {"type": "skype-cs.shell", "with": {"transport": "local", "program": "pwsh", "args": ["-NoProfile", "-NonInteractive", "-Command", "-"]}}},'
  if [ "$2" = yes ]; then
    echo ' "notify": [{"name": "ops", "uses": "notify.teams", "with": {"url": "https://example.invalid/hook"}, "on": ["run.*", "step.failed"]}],'
  fi
  echo ' "pipelines": {"big": {"steps": ['
  for i in $(seq 1 200); do
    sep=","; [ "$i" = 200 ] && sep=""
    case $((i % 4)) in
      0) echo "{\"id\": \"s$i\", \"uses\": \"core.exec\", \"with\": {\"argv\": [\"echo\", \"\${steps.s$((i-1)).outputs.last_lsn}\"], \"env\": {\"D\": \"\${var.dir}\"}}, \"retry\": {\"attempts\": 2}}$sep" ;;
      1) echo "{\"id\": \"s$i\", \"uses\": \"sqlserver.recover_database\", \"with\": {\"instance\": \"sql\", \"database\": \"\${var.db}\"}, \"verify\": [{\"probe\": \"sqlserver.database_state\", \"with\": {\"instance\": \"sql\", \"database\": \"\${var.db}\", \"state\": \"ONLINE\"}}]}$sep" ;;
      2) echo "{\"id\": \"s$i\", \"uses\": \"storage-share.copy_backups\", \"with\": {\"share\": \"share\", \"destination\": \"\${var.dir}/copy\", \"on_unreachable\": \"continue\"}}$sep" ;;
      3) echo "{\"id\": \"s$i\", \"uses\": \"skype-cs.set_pool_state\", \"with\": {\"shell\": \"cs\", \"pool_fqdn\": \"pchat.contoso.com\", \"state\": \"FailedOver\"}, \"timeout\": \"5m\"}$sep" ;;
    esac
  done
  echo ']}}}'
}
manifest "$tmp/drkit.json" no > "$tmp/drkit.json"
manifest "$tmp/drkit5.json" yes > "$tmp/drkit5.json"
export DRKIT_BENCH_PASSWORD=bench
echo "plugins on the path: $(ls "$build/lib/drkit/plugins" | wc -l); machine load: $(cut -d' ' -f1-3 /proc/loadavg)"
"$drkit" validate -m "$tmp/drkit.json"
"$drkit" validate -m "$tmp/drkit5.json"
hyperfine -N --warmup 5 --runs 50 --export-json "$tmp/h.json" \
  "$drkit validate -m $tmp/drkit.json" "$drkit validate -m $tmp/drkit5.json" \
  "$drkit --version" "$drkit plugins list" >/dev/null
python3 - "$tmp/h.json" <<'EOF'
import json, sys
labels = ["validate, 200 steps, 4 plugins", "validate, 200 steps, 5 plugins (+notify)",
          "drkit --version (process start)", "drkit plugins list (loads all)"]
for label, r in zip(labels, json.load(open(sys.argv[1]))["results"]):
    print(f"{label}: median {r['median']*1000:.1f} ms, mean {r['mean']*1000:.1f} ms, "
          f"min {r['min']*1000:.1f} ms ({len(r['times'])} runs)")
EOF
