#!/usr/bin/env bash
# The whole loop on one machine: TraceGate receives the traces of an instrumented test run (here the OpenTelemetry
# JS SDK exporting the payments run over OTLP/HTTP), then gates them. No collector needed.
#   examples/receive-and-check.sh [good|buggy|slow]
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-good}
tracegate() { dotnet run --project src/TraceGate.Cli -c Release -- "$@"; }
(cd tests/fixture-gen && npm ci --no-audit --no-fund --loglevel=error)
out=out/receive-demo
rm -rf "$out" && mkdir -p "$out"

# 1. Start the receiver in the background; it prints "ready URL" once it accepts requests.
tracegate receive --listen 127.0.0.1:0 --out "$out/traces/run.pb" --pid-file "$out/receiver.pid" > "$out/receiver.log" &
for _ in $(seq 120); do grep -q '^ready ' "$out/receiver.log" 2>/dev/null && break; sleep 0.5; done
url=$(sed -n 's/^ready //p' "$out/receiver.log")
echo "receiver ready at $url"

# 2. Run the instrumented tests with OTEL_EXPORTER_OTLP_ENDPOINT pointing at it (here: the SDK's own exporter).
OTEL_EXPORTER_OTLP_ENDPOINT="$url" node tests/fixture-gen/export.mjs "$url" proto "$scenario"

# 3. Wait until exporters are done, stop the receiver (it flushes on SIGTERM), and gate the result.
tracegate receive --listen "${url#http://}" --wait-idle 1s
kill -TERM "$(cat "$out/receiver.pid")"
while kill -0 "$(cat "$out/receiver.pid")" 2>/dev/null; do sleep 0.2; done
cat "$out/receiver.log"
tracegate check --workspace . --policy examples/payments/.tracegate.yml --traces "$out/traces/*.pb" \
  --baseline 'examples/payments/artifacts/baseline/*' --test-results 'examples/payments/artifacts/test-results/*.xml'
