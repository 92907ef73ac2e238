#!/usr/bin/env bash
# Coverage-guided fuzzing of TraceGate's parsers with SharpFuzz and AFL++.
#
#   fuzz/run.sh [--seconds N] [--jobs J] [--out DIR] [TARGET[:SECONDS]...]
#
# Publishes fuzz/TraceGate.Fuzz, instruments the assemblies that parse untrusted bytes (TraceGate.Core and the
# libraries it hands bytes to: Markdig, YamlDotNet, Google.Protobuf, ZstdSharp), builds the seed corpora from the
# repository's fixtures plus fuzz/corpus/TARGET.tar.gz (inputs kept from earlier long runs, minimised with
# afl-cmin), and runs afl-fuzz on each target for
# N seconds (or the SECONDS given with the target, to top a target up to a total), J targets at a time. Prints executions, coverage, crashes and hangs per target, writes them to
# DIR/summary.tsv, and exits 1 when any target found a crash or a hang (each is replayed and printed).
# Without targets, every target runs, and the target self-test, whose planted crash AFL must find (30 s at most). CI runs it with a short --seconds so the harness keeps building.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

seconds=60
jobs=$(nproc)
out=out/fuzz
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "fuzz/run.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done

command -v afl-fuzz >/dev/null || { echo "fuzz/run.sh: afl-fuzz is missing (apt-get install afl++)" >&2; exit 2; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

mkdir -p "$out"
out=$(cd "$out" && pwd)
bin="$out/bin"
rm -rf "$bin" "$out/seeds"
dotnet publish fuzz/TraceGate.Fuzz -c Release -o "$bin" --nologo -v q
# Seeds are written before instrumenting: an instrumented assembly expects AFL's shared memory.
dotnet "$bin/TraceGate.Fuzz.dll" --make-seeds "$repo" "$out/seeds"
dotnet tool restore >/dev/null
for dll in TraceGate.Core Markdig YamlDotNet Google.Protobuf ZstdSharp; do
  dotnet tool run sharpfuzz "$bin/$dll.dll" >/dev/null
done
dotnet tool run sharpfuzz "$bin/TraceGate.Fuzz.dll" TraceGate.Fuzz.SelfTestTarget >/dev/null

all=$(dotnet "$bin/TraceGate.Fuzz.dll" 2>&1 | sed 's/.*targets: //; s/,//g' || true)
[ ${#targets[@]} -gt 0 ] || read -r -a targets <<<"$all"
# TARGET:SECONDS gives one target its own time; the rest get --seconds.
declare -A limits=()
for i in "${!targets[@]}"; do
  spec=${targets[$i]}
  t=${spec%%:*}
  limits[$t]=$seconds
  if [[ "$spec" == *:* ]]; then
    limits[$t]=${spec#*:}
    [[ "${limits[$t]}" =~ ^[0-9]+$ ]] || { echo "fuzz/run.sh: '$spec': expected TARGET:SECONDS with a whole number of seconds" >&2; exit 2; }
  fi
  targets[$i]=$t
  [[ " $all " == *" $t "* ]] || { echo "fuzz/run.sh: unknown target '$t' (targets: $all)" >&2; exit 2; }
done

# dotnet is not an AFL-instrumented binary (the instrumentation is in the IL), hence SKIP_BIN_CHECK; a container
# may not let us set core_pattern, and crashes are exceptions here, not core dumps.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1

fuzz_one() {
  local t=$1 seeds="$out/seeds/$1" findings="$out/findings/$1"
  [ "$t" != self-test ] || { mkdir -p "$seeds"; printf 'seed' >"$seeds/seed"; : >"$out/seeds/$t.dict"; }
  # The corpus kept from earlier long runs (afl-cmin'd), so each run starts where the last one got to.
  [ -f "fuzz/corpus/$t.tar.gz" ] && tar -xzf "fuzz/corpus/$t.tar.gz" -C "$seeds" || true
  [ -d "tests/TraceGate.Tests/Fuzz/Fixtures/$t" ] && cp -n tests/TraceGate.Tests/Fuzz/Fixtures/"$t"/* "$seeds/" 2>/dev/null || true
  rm -rf "$findings"; mkdir -p "$out/findings"
  # -t: a parser that needs more than 5 s for a few KB hangs; -m none: .NET reserves far more address space than AFL's default.
  # The planted crash is found in seconds: the self-test never needs more than 30.
  local limit=${limits[$t]}
  [ "$t" != self-test ] || [ "$limit" -le 30 ] || limit=30
  afl-fuzz -V "$limit" -t 5000 -m none -i "$seeds" -o "$findings" -x "$out/seeds/$t.dict" -- "$bin/TraceGate.Fuzz" "$t" \
    >"$out/$t.log" 2>&1 || { echo "fuzz/run.sh: afl-fuzz failed for $t; see $out/$t.log" >&2; tail -20 "$out/$t.log" >&2; return 1; }
}

status=0
running=0
for t in "${targets[@]}"; do
  echo "fuzzing $t for ${limits[$t]}s"
  fuzz_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || status=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || status=1
  running=$((running - 1))
done

stat() { sed -n "s/^$2 *: *//p" "$1" | head -1; }
printf 'target\tseconds\texecs\texecs_per_sec\tcorpus\tedges_found\tbitmap_cvg\tcrashes\thangs\n' >"$out/summary.tsv"
for t in "${targets[@]}"; do
  f="$out/findings/$t/default/fuzzer_stats"
  if [ ! -f "$f" ]; then
    echo "fuzz/run.sh: $t left no fuzzer_stats" >&2
    status=1
    continue
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$(stat "$f" run_time)" "$(stat "$f" execs_done)" "$(stat "$f" execs_per_sec)" \
    "$(stat "$f" corpus_count)" "$(stat "$f" edges_found)" "$(stat "$f" bitmap_cvg)" "$(stat "$f" saved_crashes)" "$(stat "$f" saved_hangs)" >>"$out/summary.tsv"
  if [ "$t" = self-test ]; then
    # The planted crash must be found: proof that a quiet campaign is quiet because the parsers held.
    if [ "$(stat "$f" saved_crashes)" -gt 0 ]; then echo "self-test: the planted crash was found"; else echo "self-test: the planted crash was NOT found" >&2; status=1; fi
    continue
  fi
  for kind in crashes hangs; do
    for input in "$out/findings/$t/default/$kind"/id:*; do
      [ -e "$input" ] || continue
      status=1
      echo "== $t $kind: $input"
      timeout 20 dotnet "$bin/TraceGate.Fuzz.dll" "$t" "$input" | head -20 || true
    done
  done
done
column -t "$out/summary.tsv"
exit "$status"
