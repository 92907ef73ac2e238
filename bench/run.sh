#!/usr/bin/env bash
# Whole-process benchmark: TraceGate (Native AOT) against the peers on the same data and rules.
#   bench/run.sh              200,000 traces (600,000 spans) and a baseline run of 20,000, best of 3 rounds
#                             (BENCH_RUNS=N for more); every contender checks the rules of bench/policy.yml
#   BENCH_TRACES=N bench/run.sh
#   BENCH_BIG=1 bench/run.sh  also a protobuf file over 2 GiB (TraceGate only)
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
TRACES=${BENCH_TRACES:-200000}
DATA=${BENCH_DATA:-out/bench-data/$TRACES}
RUNS=${BENCH_RUNS:-3}
command -v /usr/bin/time >/dev/null || { apt-get update -qq && apt-get install -y -qq time; }

./build.sh publish >/dev/null
dotnet publish bench/TraceGate.Bench -c Release -o out/bench -v q >/dev/null
[ -f "$DATA/baseline.jsonl" ] || dotnet out/bench/TraceGate.Bench.dll generate "$DATA" "$TRACES"
spans=$((TRACES * 3))
echo "data: $DATA: $(du -h "$DATA/traces.pb" | cut -f1) protobuf, $(du -h "$DATA/traces.jsonl" | cut -f1) JSON lines, $spans spans (baseline: $((TRACES / 10 * 3)) spans); best of $RUNS runs on $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC'); load$(uptime | sed 's/.*load average//')"
printf '%-46s %9s %14s %12s %s\n' contender seconds spans/second "peak RSS" result

# Contenders run in rounds (each once per round, in turn) rather than one after another, so that a slow spell of a
# shared host falls on all of them alike; each keeps its best round.
NAMES=(
  "tracegate check (protobuf)"
  "Google.Protobuf object model (protobuf)"
  "tracegate check (JSON lines)"
  "System.Text.Json DOM (JSON lines)"
  "seed checker, Python json (JSON lines)"
)
command_of() {
  case "$1" in
    "tracegate check (protobuf)") echo out/tracegate/tracegate check --workspace "$DATA" --policy bench/policy.yml --traces traces.pb --baseline baseline.pb ;;
    "Google.Protobuf object model (protobuf)") echo dotnet out/bench/TraceGate.Bench.dll objectmodel "$DATA/traces.pb" "$DATA/baseline.pb" ;;
    "tracegate check (JSON lines)") echo out/tracegate/tracegate check --workspace "$DATA" --policy bench/policy.yml --traces traces.jsonl --baseline baseline.jsonl ;;
    "System.Text.Json DOM (JSON lines)") echo dotnet out/bench/TraceGate.Bench.dll dom "$DATA/traces.jsonl" "$DATA/baseline.jsonl" ;;
    "seed checker, Python json (JSON lines)") echo python3 bench/peers/check_trace.py "$DATA/traces.jsonl" "$DATA/baseline.jsonl" ;;
  esac
}

declare -A BEST RSS OUT MAXRSS
run_once() {
  local name=$1; shift
  local t; t=$(mktemp)
  set +e
  /usr/bin/time -f '%e %M' -o "$t" "$@" >/tmp/bench-out 2>&1
  local code=$?
  set -e
  read -r secs kb < "$t"; rm -f "$t"
  OUT[$name]="exit $code"
  if [ "$kb" -gt "${MAXRSS[$name]:-0}" ]; then MAXRSS[$name]=$kb; fi
  if [ "$code" != 0 ]; then echo "$name failed (exit $code):"; tail -5 /tmp/bench-out; fi
  if [ -z "${BEST[$name]:-}" ] || awk "BEGIN{exit !($secs < ${BEST[$name]})}"; then BEST[$name]=$secs; RSS[$name]=$kb; fi
}
report() {
  local name=$1 best=${BEST[$1]}
  printf '%-46s %9s %14s %9s MiB %s\n' "$name" "$best" "$(awk "BEGIN{printf \"%.0f\", $spans / ($best > 0 ? $best : 0.001)}")" "$((RSS[$name] / 1024))" "${OUT[$name]}"
}
measure() { # one contender alone (the big file)
  local name=$1; shift
  for _ in $(seq "$RUNS"); do run_once "$name" "$@"; done
  report "$name"
}

ratio() { awk "BEGIN{printf \"%.1f\", ${BEST[$2]} / ${BEST[$1]}}"; }

for _ in $(seq "$RUNS"); do
  for name in "${NAMES[@]}"; do
    # shellcheck disable=SC2046 # the command's words, split on purpose (no word holds a space)
    run_once "$name" $(command_of "$name")
  done
done
for name in "${NAMES[@]}"; do report "$name"; done

# The targets, each with whether this run meets it.
met() { if awk "BEGIN{exit !($1)}"; then echo "met"; else echo "NOT MET"; fi; }
pb=$(ratio "tracegate check (protobuf)" "Google.Protobuf object model (protobuf)")
dom=$(ratio "tracegate check (JSON lines)" "System.Text.Json DOM (JSON lines)")
py=$(ratio "tracegate check (JSON lines)" "seed checker, Python json (JSON lines)")
rate=$(awk "BEGIN{printf \"%.2f\", $spans / ${BEST["tracegate check (protobuf)"]} / 1e6}")
rss_pb=${MAXRSS["tracegate check (protobuf)"]}
rss_json=${MAXRSS["tracegate check (JSON lines)"]}
peak=$(( (rss_pb > rss_json ? rss_pb : rss_json) / 1024 ))
echo "targets:"
echo "  protobuf ${pb}x the Google.Protobuf object model (>= 5): $(met "$pb >= 5")"
echo "  protobuf ${rate}M spans/s (>= 1): $(met "$rate >= 1")"
echo "  JSON lines ${dom}x the System.Text.Json DOM (>= 3): $(met "$dom >= 3")"
echo "  JSON lines ${py}x the Python checker (>= 10): $(met "$py >= 10")"
echo "  peak RSS of tracegate, the most of any round: ${peak} MiB (< 100): $(met "$peak < 100")"
# What structural rules keep per span, from the engine itself (JIT, one round).
dotnet out/bench/TraceGate.Bench.dll structure "$DATA/traces.pb" bench/policy.yml

if [ "${BENCH_BIG:-0}" = 1 ]; then
  big="$DATA/big"
  mkdir -p "$big"
  if [ ! -f "$big/traces.pb" ]; then
    : > "$big/traces.pb"
    while [ "$(stat -c %s "$big/traces.pb")" -lt 2300000000 ]; do cat "$DATA/traces.pb" >> "$big/traces.pb"; done
  fi
  copies=$(( $(stat -c %s "$big/traces.pb") / $(stat -c %s "$DATA/traces.pb") ))
  spans=$((spans * copies))
  echo "big: $(du -h "$big/traces.pb" | cut -f1), $spans spans"
  RUNS=1 measure "tracegate check (protobuf over 2 GiB)" out/tracegate/tracegate check --workspace "$big" --policy bench/policy.yml --traces traces.pb
fi
