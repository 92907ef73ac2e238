#!/usr/bin/env bash
# Whole-process benchmark: TraceGate (Native AOT) against the peers on the same data and rules.
#   bench/run.sh              200,000 traces (600,000 spans), best of 3 rounds (BENCH_RUNS=N for more)
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
[ -f "$DATA/traces.pb" ] || dotnet out/bench/TraceGate.Bench.dll generate "$DATA" "$TRACES"
spans=$((TRACES * 3))
echo "data: $DATA: $(du -h "$DATA/traces.pb" | cut -f1) protobuf, $(du -h "$DATA/traces.jsonl" | cut -f1) JSON lines, $spans spans; best of $RUNS runs on $(nproc) cores"
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
    "tracegate check (protobuf)") echo out/tracegate/tracegate check --workspace "$DATA" --policy bench/policy.yml --traces traces.pb ;;
    "Google.Protobuf object model (protobuf)") echo dotnet out/bench/TraceGate.Bench.dll objectmodel "$DATA/traces.pb" ;;
    "tracegate check (JSON lines)") echo out/tracegate/tracegate check --workspace "$DATA" --policy bench/policy.yml --traces traces.jsonl ;;
    "System.Text.Json DOM (JSON lines)") echo dotnet out/bench/TraceGate.Bench.dll dom "$DATA/traces.jsonl" ;;
    "seed checker, Python json (JSON lines)") echo python3 bench/peers/check_trace.py "$DATA/traces.jsonl" ;;
  esac
}

declare -A BEST RSS OUT
run_once() {
  local name=$1; shift
  local t; t=$(mktemp)
  set +e
  /usr/bin/time -f '%e %M' -o "$t" "$@" >/tmp/bench-out 2>&1
  local code=$?
  set -e
  read -r secs kb < "$t"; rm -f "$t"
  OUT[$name]="exit $code"
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

echo "targets: protobuf $(ratio "tracegate check (protobuf)" "Google.Protobuf object model (protobuf)")x the object model (>= 5)," \
  "$(awk "BEGIN{printf \"%.2f\", $spans / ${BEST["tracegate check (protobuf)"]} / 1e6}")M spans/s (>= 1);" \
  "JSON lines $(ratio "tracegate check (JSON lines)" "System.Text.Json DOM (JSON lines)")x the DOM (>= 3)," \
  "$(ratio "tracegate check (JSON lines)" "seed checker, Python json (JSON lines)")x Python (>= 10)"

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
