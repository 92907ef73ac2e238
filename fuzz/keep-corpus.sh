#!/usr/bin/env bash
# Folds what a fuzz/run.sh campaign found into the kept corpus, so the next run starts where this one got to.
#
#   fuzz/keep-corpus.sh OUT TARGET...
#
# OUT is the --out folder of a finished fuzz/run.sh (it holds the instrumented harness in OUT/bin and each target's
# queue in OUT/findings/TARGET). The queue already holds the seeds the run started from, the old kept corpus among
# them, so afl-cmin over it keeps the smallest set of inputs that reaches every edge any of them reached. The set is
# written to fuzz/corpus/TARGET.tar.gz with names that are content hashes and fixed owners and times, so the same
# corpus gives the same archive and a diff shows only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

[ $# -ge 2 ] || { sed -n '4p' "$0" >&2; exit 2; }
out=$(cd "$1" && pwd)
shift
command -v afl-cmin >/dev/null || { echo "fuzz/keep-corpus.sh: afl-cmin is missing (apt-get install afl++)" >&2; exit 2; }
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

for t in "$@"; do
  queue="$out/findings/$t/default/queue"
  [ -d "$queue" ] || { echo "fuzz/keep-corpus.sh: $queue does not exist (did fuzz/run.sh run $t with --out $out?)" >&2; exit 2; }
  # afl-cmin keeps its traces beside its output; under out/, not /tmp, where a small tmpfs can run out mid-way.
  min="$out/cmin/$t"
  rm -rf "$min" "$out/cmin/$t.named"
  mkdir -p "$out/cmin"
  afl-cmin -i "$queue" -o "$min" -t 5000 -m none -- "$out/bin/TraceGate.Fuzz" "$t" >"$out/cmin/$t.log" 2>&1 \
    || { echo "fuzz/keep-corpus.sh: afl-cmin failed for $t; see $out/cmin/$t.log" >&2; tail -5 "$out/cmin/$t.log" >&2; exit 1; }
  mkdir -p "$out/cmin/$t.named"
  for f in "$min"/*; do
    cp "$f" "$out/cmin/$t.named/$(sha1sum "$f" | cut -c1-16)"
  done
  chmod 600 "$out/cmin/$t.named"/*
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=2026-11-25 -C "$out/cmin/$t.named" -cf - . | gzip -n -9 >"fuzz/corpus/$t.tar.gz"
  echo "$t: $(ls "$queue" | wc -l) inputs in the queue, $(ls "$out/cmin/$t.named" | wc -l) kept in fuzz/corpus/$t.tar.gz"
done
