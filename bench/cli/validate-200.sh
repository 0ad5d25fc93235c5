#!/usr/bin/env bash
# Median wall time of `drkit validate` on a 200-step manifest that loads 4 plugins.
# Usage: bench/cli/validate-200.sh [BUILD_DIR]   (needs hyperfine: apt-get install hyperfine)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
drkit="$build/bin/drkit"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
plugins=$(ls "$build/lib/drkit/plugins" | wc -l)
{
  echo '{"drkit": 1, "vars": {"dir": "/tmp"}, "pipelines": {"big": {"steps": ['
  for i in $(seq 1 200); do
    sep=","; [ "$i" = 200 ] && sep=""
    if [ $((i % 2)) = 0 ]; then
      echo "{\"id\": \"s$i\", \"uses\": \"core.exec\", \"with\": {\"argv\": [\"echo\", \"\${steps.s$((i-1)).outputs.stdout}\"], \"env\": {\"D\": \"\${var.dir}\"}}, \"retry\": {\"attempts\": 2}}$sep"
    else
      echo "{\"id\": \"s$i\", \"uses\": \"core.sleep\", \"with\": {\"duration\": \"1ms\"}, \"verify\": [{\"probe\": \"core.file\", \"with\": {\"path\": \"/tmp\"}}]}$sep"
    fi
  done
  echo ']}}}'
} > "$tmp/drkit.json"
echo "plugins on the path: $plugins"
"$drkit" validate -m "$tmp/drkit.json"
hyperfine --warmup 5 --runs 50 --export-json "$tmp/h.json" "$drkit validate -m $tmp/drkit.json" >/dev/null
python3 -c "import json,sys; r=json.load(open('$tmp/h.json'))['results'][0]; print(f\"drkit validate, 200 steps: median {r['median']*1000:.1f} ms, mean {r['mean']*1000:.1f} ms, min {r['min']*1000:.1f} ms ({len(r['times'])} runs)\")"
