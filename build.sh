#!/usr/bin/env bash
# TraceGate's front door for developers and CI.
#   ./build.sh example   run `tracegate check` on the bundled payments example (exit code is TraceGate's)
#   ./build.sh test      build and run every test
#   ./build.sh publish   publish the Native AOT binary to out/tracegate
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

case "${1:-}" in
  example)
    mkdir -p out/example
    dotnet run --project src/TraceGate.Cli -c Release -- check \
      --workspace examples/payments \
      --pr-body examples/payments/pr-body.md \
      --commits examples/payments/commits.nul \
      --report-json out/example/report.json \
      --summary-md out/example/summary.md
    ;;
  test)
    # The fixture generator (OpenTelemetry JS SDK) is run by a test that proves the fixtures are reproducible.
    (cd tests/fixture-gen && npm ci --no-audit --no-fund --loglevel=error)
    # Schema-validating API mocks (prism with GitHub's and Azure DevOps' published API descriptions), webhook payloads.
    (cd tests/mock-servers && npm ci --no-audit --no-fund --loglevel=error)
    dotnet test TraceGate.sln -c Release
    # The Azure Pipelines task's handler (azure-pipelines-task-lib MockTestRunner) and its task.json checks.
    (cd azure-task && npm ci --no-audit --no-fund --loglevel=error && (cd TraceGate && npm ci --no-audit --no-fund --loglevel=error) \
      && node check-task.mjs && node --test tests/)
    ;;
  publish)
    dotnet publish src/TraceGate.Cli -c Release -r linux-x64 -p:PublishAot=true -o out/tracegate
    ;;
  *)
    echo "usage: ./build.sh example|test|publish" >&2
    exit 2
    ;;
esac
