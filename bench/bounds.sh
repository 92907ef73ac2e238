#!/usr/bin/env bash
# Every input at its documented limit (README: Limits, Bad trace input, selector bounds), each timed as one
# whole-process run of the published Native AOT binary: the target is under 10 s each on 2 cores.
#   bench/bounds.sh            generate the inputs into out/bounds (once) and time each
#   BOUNDS_DATA=DIR bench/bounds.sh
#   bench/bounds.sh 'commits-*' policy-256KiB-of-rules   only the cases whose names match (re-measure a few)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${BOUNDS_DATA:-out/bounds}
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }
[ -x out/tracegate/tracegate ] && [ -z "${BOUNDS_REBUILD:-}" ] || ./build.sh publish >/dev/null
[ -f "$DATA/.done" ] || { python3 bench/bounds_gen.py "$DATA" && touch "$DATA/.done"; }
bin=$PWD/out/tracegate/tracegate

# Seconds of wall time and of CPU (user + system): on a shared machine the first includes waiting for a core.
printf '%-46s %8s %8s %8s %9s %5s  %s\n' input size seconds "CPU s" "peak RSS" exit "first line of the verdict"
for dir in "$DATA"/*/; do
  name=$(basename "$dir")
  if [ $# -gt 0 ]; then
    keep=
    for pattern in "$@"; do
      # shellcheck disable=SC2053 # a glob on purpose
      [[ $name == $pattern ]] && keep=1
    done
    [ -n "$keep" ] || continue
  fi
  args=(check --workspace "$dir")
  # Without p.yml, the documented default policy (the evidence fields).
  [ -f "$dir/p.yml" ] && args+=(--policy "$dir/p.yml")
  [ -f "$dir/pr.md" ] && args+=(--pr-body "$dir/pr.md")
  [ -f "$dir/commits.nul" ] && args+=(--commits "$dir/commits.nul")
  [ -f "$dir/results.xml" ] && args+=(--test-results results.xml)
  size=$(du -sb "$dir" | cut -f1)
  set +e
  /usr/bin/time -f '%e %U %S %M' -o "$DATA/.time" "$bin" "${args[@]}" >"$DATA/.out" 2>"$DATA/.err"
  code=$?
  set -e
  # time's last line: a non-zero exit adds a line before it.
  read -r secs user sys rss < <(tail -n 1 "$DATA/.time")
  first=$(head -c 2000 "$DATA/.out" "$DATA/.err" 2>/dev/null | grep -v '^==>' | grep -m1 -E 'TraceGate|error' || true)
  printf '%-46s %7.1fM %8s %8.2f %8.0fM %5s  %s\n' "$name" "$(echo "$size / 1048576" | bc -l)" "$secs" "$(echo "$user + $sys" | bc -l)" \
    "$(echo "$rss / 1024" | bc -l)" "$code" "${first:0:60}"
done
